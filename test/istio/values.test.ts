import assert from "node:assert/strict";
import fc from "fast-check";
import { istioOperator } from "../../components/istio/operator";
import { planIstioInstall } from "../../components/istio/plan";
import { type IstioSettings, resolveIstioSettings } from "../../components/istio/settings";
import { baseValues, cniValues, gatewayValues, istiodValues } from "../../components/istio/values";
import { EKS_LOAD_BALANCER_EDGE } from "../../components/eks/plan";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY as NOW } from "../support/clock";

const HUB = "registry.example.com/istio";
const cluster = (kubernetesVersion: string, ipFamilies: ClusterFacts["ipFamilies"] = ["IPv4", "IPv6"], platform?: ClusterFacts["platform"]) =>
    ({ ipFamilies, kubernetesVersion, platform }) as ClusterFacts;
const resolved = (settings: IstioSettings, facts: ClusterFacts) => resolveIstioSettings(settings, facts, NOW);
const BRANCH = { flavor: "experimental-dual-stack", hub: HUB, tag: "ds-dev" } as const;

describe("Helm values", () => {
    describe("istiod", () => {
        it("1.30.3 on a dual-stack cluster: ISTIO_DUAL_STACK both sides and a RequireDualStack Service", () => {
            assert.deepEqual(istiodValues(resolved({ version: "1.30.3", hub: HUB }, cluster("1.33"))), {
                pilot: {
                    hub: HUB,
                    tag: "1.30.3",
                    env: { ISTIO_DUAL_STACK: "true" },
                    ipFamilyPolicy: "RequireDualStack",
                    ipFamilies: ["IPv4", "IPv6"],
                },
                global: { hub: HUB, tag: "1.30.3", imagePullPolicy: "Always", imagePullSecrets: [], istioNamespace: "istio-system" },
                meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_DUAL_STACK: "true" } } },
            });
        });

        it("1.17.8: the agent flag in proxyMetadata and no Service family keys", () => {
            assert.deepEqual(istiodValues(resolved({ version: "1.17.8", hub: HUB, tag: "1.17.8" }, cluster("1.25"))), {
                pilot: { hub: HUB, tag: "1.17.8", env: { ISTIO_DUAL_STACK: "true" } },
                global: { hub: HUB, tag: "1.17.8", imagePullPolicy: "Always", imagePullSecrets: [], istioNamespace: "istio-system" },
                meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_AGENT_DUAL_STACK: "true" } } },
            });
        });

        // The proxy switches per version row: 1.18.x's bootstrap reads ISTIO_DUAL_STACK, its iptables
        // (and from 1.18.5 its CNI plugin) ISTIO_AGENT_DUAL_STACK.
        const proxySwitches: [string, string, Record<string, string>][] = [
            ["1.17.0", "1.25", { ISTIO_AGENT_DUAL_STACK: "true" }],
            ["1.17.8", "1.26", { ISTIO_AGENT_DUAL_STACK: "true" }],
            ["1.18.0", "1.27", { ISTIO_AGENT_DUAL_STACK: "true", ISTIO_DUAL_STACK: "true" }],
            ["1.18.3", "1.27", { ISTIO_AGENT_DUAL_STACK: "true", ISTIO_DUAL_STACK: "true" }],
            ["1.18.5", "1.27", { ISTIO_AGENT_DUAL_STACK: "true", ISTIO_DUAL_STACK: "true" }],
            ["1.18.7", "1.27", { ISTIO_AGENT_DUAL_STACK: "true", ISTIO_DUAL_STACK: "true" }],
            ["1.19.0", "1.28", { ISTIO_DUAL_STACK: "true" }],
            ["1.19.1", "1.28", { ISTIO_DUAL_STACK: "true" }],
            ["1.30.3", "1.33", { ISTIO_DUAL_STACK: "true" }],
        ];
        for (const [version, kubernetes, metadata] of proxySwitches) {
            it(`${version}: proxyMetadata ${Object.keys(metadata).join(" and ")}, istiod env ISTIO_DUAL_STACK, in Helm values and the IstioOperator`, () => {
                const settings = resolved({ version }, cluster(kubernetes));
                const values = istiodValues(settings);
                assert.deepEqual(values.meshConfig, { defaultConfig: { proxyMetadata: metadata } });
                assert.deepEqual((values.pilot as { env: unknown }).env, { ISTIO_DUAL_STACK: "true" });
                assert.deepEqual(istioOperator(settings).spec, {
                    ...(istioOperator(settings).spec as object),
                    meshConfig: { defaultConfig: { proxyMetadata: metadata } },
                });
                assert.deepEqual(istiodValues(resolved({ version }, cluster(kubernetes, ["IPv4"]))).meshConfig, undefined);
            });
        }

        it("1.19.x uses ISTIO_DUAL_STACK for proxies but still has no istiod family keys", () => {
            const values = istiodValues(resolved({ version: "1.19.10" }, cluster("1.27")));
            assert.deepEqual(values.meshConfig, { defaultConfig: { proxyMetadata: { ISTIO_DUAL_STACK: "true" } } });
            assert.deepEqual(values.pilot, { hub: "docker.io/istio", tag: "1.19.10", env: { ISTIO_DUAL_STACK: "true" } });
        });

        it("the branch on Kubernetes 1.29: both switches, no PDB, no HPA, fixed replicas", () => {
            assert.deepEqual(istiodValues(resolved(BRANCH, cluster("1.29"))), {
                pilot: {
                    hub: HUB,
                    tag: "ds-dev",
                    env: { ISTIO_DUAL_STACK: "true", PILOT_USE_ENDPOINT_SLICE: "true" },
                    autoscaleEnabled: false,
                    replicaCount: 1,
                },
                global: {
                    hub: HUB,
                    tag: "ds-dev",
                    imagePullPolicy: "Always",
                    imagePullSecrets: [],
                    istioNamespace: "istio-system",
                    defaultPodDisruptionBudget: { enabled: false },
                },
                meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_AGENT_DUAL_STACK: "true" } } },
            });
        });

        it("the branch on Kubernetes 1.24 keeps the chart's PDB and HPA (their APIs are still served)", () => {
            const values = istiodValues(resolved(BRANCH, cluster("1.24")));
            assert.equal((values.pilot as Record<string, unknown>).autoscaleEnabled, undefined);
            assert.equal((values.global as Record<string, unknown>).defaultPodDisruptionBudget, undefined);
        });

        it("an IPv6-primary dual-stack cluster lists IPv6 first", () => {
            const values = istiodValues(resolved({}, cluster("1.33", ["IPv6", "IPv4"])));
            assert.deepEqual((values.pilot as Record<string, unknown>).ipFamilies, ["IPv6", "IPv4"]);
        });

        for (const families of [["IPv4"], ["IPv6"]] as const) {
            it(`a single-stack [${families[0]}] cluster (EKS is IPv6-only) gets no dual-stack switches`, () => {
                assert.deepEqual(istiodValues(resolved({}, cluster("1.33", families))), {
                    pilot: { hub: "docker.io/istio", tag: "1.30.3", env: {} },
                    global: { hub: "docker.io/istio", tag: "1.30.3", imagePullPolicy: "IfNotPresent", imagePullSecrets: [], istioNamespace: "istio-system" },
                });
            });
        }

        it("revision, pull secrets and CNI (pilot.cni from 1.22, istio_cni before)", () => {
            const settings = { revision: "canary", imagePullSecrets: ["regcred"], cni: { enabled: true } };
            const modern = istiodValues(resolved(settings, cluster("1.33")));
            assert.equal(modern.revision, "canary");
            assert.deepEqual((modern.global as Record<string, unknown>).imagePullSecrets, ["regcred"]);
            assert.deepEqual((modern.pilot as Record<string, unknown>).cni, { enabled: true });
            assert.equal(modern.istio_cni, undefined);
            const old = istiodValues(resolved({ ...settings, version: "1.21.6" }, cluster("1.29")));
            assert.deepEqual(old.istio_cni, { enabled: true });
            assert.equal((old.pilot as Record<string, unknown>).cni, undefined);
        });

        it('every switch is the string "true" for every version, never a boolean', () => {
            fc.assert(
                fc.property(fc.integer({ min: 17, max: 31 }), fc.integer({ min: 0, max: 12 }), (minor, patch) => {
                    const values = istiodValues(resolved({ version: `1.${minor}.${patch}` }, cluster("1.34")));
                    const env = (values.pilot as { env: Record<string, unknown> }).env;
                    const metadata = (values.meshConfig as { defaultConfig: { proxyMetadata: Record<string, unknown> } }).defaultConfig.proxyMetadata;
                    return [...Object.values(env), ...Object.values(metadata)].every((value) => value === "true");
                }),
            );
        });
    });

    describe("gateway", () => {
        it("1.19.1+ gets RequireDualStack through the chart's keys", () => {
            assert.deepEqual(gatewayValues(resolved({ version: "1.19.1", gateway: { enabled: true } }, cluster("1.27"))), {
                service: { type: "LoadBalancer", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
            });
        });
        it("1.19.0 has no keys: the Service is patched instead (see the plan)", () => {
            assert.deepEqual(gatewayValues(resolved({ version: "1.19.0" }, cluster("1.27"))), { service: { type: "LoadBalancer" } });
        });
        it("revision, pull secrets as {name} objects, and a NodePort Service", () => {
            const values = gatewayValues(resolved({ revision: "canary", imagePullSecrets: ["a", "b"], gateway: { enabled: true, serviceType: "NodePort" } }, cluster("1.33")));
            assert.deepEqual(values, {
                service: { type: "NodePort", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
                revision: "canary",
                imagePullSecrets: [{ name: "a" }, { name: "b" }],
            });
        });
        it("an EKS edge: the dual-stack NLB annotations on a LoadBalancer Service of an IPv6 cluster, none on a NodePort", () => {
            const eks = { ...cluster("1.35", ["IPv6"], "eks"), loadBalancer: EKS_LOAD_BALANCER_EDGE };
            assert.deepEqual(gatewayValues(resolved({ gateway: { enabled: true } }, eks)), {
                service: {
                    type: "LoadBalancer",
                    annotations: EKS_LOAD_BALANCER_EDGE.serviceAnnotations,
                },
            });
            assert.deepEqual(gatewayValues(resolved({ gateway: { enabled: true, serviceType: "NodePort" } }, eks)), { service: { type: "NodePort" } });
            const plan = planIstioInstall({ gateway: { enabled: true } }, eks, NOW);
            assert.deepEqual(
                plan.releases.map((release) => [release.chart, release.needsLoadBalancers]),
                [
                    ["base", false],
                    ["istiod", false],
                    ["gateway", true],
                ],
            );
            const operator = istioOperator(resolved({ gateway: { enabled: true } }, eks)) as { spec: { components: { ingressGateways: { k8s: object }[] } } };
            assert.deepEqual(operator.spec.components.ingressGateways[0].k8s, {
                service: { type: "LoadBalancer" },
                serviceAnnotations: EKS_LOAD_BALANCER_EDGE.serviceAnnotations,
            });
        });
        it("the branch on Kubernetes ≥1.26 turns off the autoscaling/v2beta2 HPA", () => {
            assert.deepEqual(gatewayValues(resolved(BRANCH, cluster("1.26"))), { service: { type: "LoadBalancer" }, autoscaling: { enabled: false } });
            assert.deepEqual(gatewayValues(resolved(BRANCH, cluster("1.25"))), { service: { type: "LoadBalancer" } });
        });
    });

    describe("base and cni", () => {
        it("base points the default webhook at the revision", () => {
            assert.deepEqual(baseValues(resolved({}, cluster("1.33"))), { global: { istioNamespace: "istio-system" } });
            assert.deepEqual(baseValues(resolved({ revision: "canary" }, cluster("1.33"))), {
                global: { istioNamespace: "istio-system" },
                defaultRevision: "canary",
            });
        });
        it("cni carries the images; GKE uses the platform profile from 1.25 and a ResourceQuota before", () => {
            assert.deepEqual(cniValues(resolved({ hub: HUB }, cluster("1.33"))), {
                global: { hub: HUB, tag: "1.30.3", imagePullPolicy: "Always", imagePullSecrets: [] },
            });
            assert.deepEqual(cniValues(resolved({}, cluster("1.33", undefined, "gke"))).global, {
                hub: "docker.io/istio",
                tag: "1.30.3",
                imagePullPolicy: "IfNotPresent",
                imagePullSecrets: [],
                platform: "gke",
            });
            assert.deepEqual(cniValues(resolved({}, cluster("1.33", undefined, "gke"))).cni, { cniBinDir: "/home/kubernetes/bin" });
            assert.deepEqual(cniValues(resolved({ version: "1.24.6" }, cluster("1.29", undefined, "gke"))).cni, {
                cniBinDir: "/home/kubernetes/bin",
                resourceQuotas: { enabled: true },
            });
            assert.deepEqual(cniValues(resolved(BRANCH, cluster("1.29", undefined, "gke"))).cni, {
                cniBinDir: "/home/kubernetes/bin",
                resourceQuotas: { enabled: true },
            });
        });
    });
});

describe("install plan", () => {
    it("base, then istiod; no patches where the charts have family keys", () => {
        const plan = planIstioInstall({}, cluster("1.33"), NOW);
        assert.deepEqual(
            plan.releases.map((release) => [release.chart, release.releaseName, release.namespace, release.after, release.needsWorkloads, release.timeoutSeconds]),
            [
                ["base", "istio-base", "istio-system", [], false, 300],
                ["istiod", "istiod", "istio-system", ["base"], true, 600],
            ],
        );
        assert.deepEqual(plan.releases[1].source, { chart: "istiod", version: "1.30.3", repository: "https://blob.istio.io/istio-release/charts" });
        assert.deepEqual(plan.servicePatches, []);
        assert.deepEqual(plan.namespaces, [{ name: "istio-system", labels: {} }]);
    });

    it("beside another control plane: only istiod-<revision>, after nothing, in the istio-system it does not create; said so to istioctl", () => {
        const plan = planIstioInstall({ revision: "canary", base: { enabled: false } }, cluster("1.33"), NOW);
        assert.deepEqual(
            plan.releases.map((release) => [release.chart, release.releaseName, release.namespace, release.after, release.needsWorkloads]),
            [["istiod", "istiod-canary", "istio-system", [], true]],
        );
        assert.deepEqual(plan.namespaces, []);
        const components = (operator: unknown) => (operator as { spec: { components: Record<string, unknown> } }).spec.components;
        assert.deepEqual(components(istioOperator(plan.settings)).base, { enabled: false });
        assert.equal(components(istioOperator(planIstioInstall({}, cluster("1.33"), NOW).settings)).base, undefined);
    });

    it("CNI next to istiod, the gateway after both, in its own namespace", () => {
        const plan = planIstioInstall(
            { revision: "canary", cni: { enabled: true }, gateway: { enabled: true }, chartRepository: "oci://ghcr.io/istio/release/charts" },
            cluster("1.33"),
            NOW,
        );
        assert.deepEqual(
            plan.releases.map((release) => [release.chart, release.releaseName, release.namespace, release.after, release.source.chart]),
            [
                ["base", "istio-base", "istio-system", [], "oci://ghcr.io/istio/release/charts/base"],
                ["istiod", "istiod-canary", "istio-system", ["base"], "oci://ghcr.io/istio/release/charts/istiod"],
                ["cni", "istio-cni", "istio-system", [], "oci://ghcr.io/istio/release/charts/cni"],
                ["gateway", "istio-ingressgateway", "istio-ingress", ["istiod", "cni"], "oci://ghcr.io/istio/release/charts/gateway"],
            ],
        );
        assert.deepEqual(plan.namespaces, [
            { name: "istio-system", labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
            { name: "istio-ingress", labels: {} },
        ]);
    });

    it("patches istiod (before 1.20) and the gateway (before 1.19.1) to RequireDualStack", () => {
        const patches = (version: string) => planIstioInstall({ version, gateway: { enabled: true } }, cluster("1.27", ["IPv6", "IPv4"]), NOW).servicePatches;
        assert.deepEqual(patches("1.19.0"), [
            { name: "istiod", namespace: "istio-system", ipFamilies: ["IPv6", "IPv4"], after: "istiod" },
            { name: "istio-ingressgateway", namespace: "istio-ingress", ipFamilies: ["IPv6", "IPv4"], after: "gateway" },
        ]);
        assert.deepEqual(patches("1.19.1"), [{ name: "istiod", namespace: "istio-system", ipFamilies: ["IPv6", "IPv4"], after: "istiod" }]);
        assert.deepEqual(patches("1.20.0"), []);
        assert.deepEqual(planIstioInstall({ version: "1.17.8" }, cluster("1.27", ["IPv4"]), NOW).servicePatches, []);
    });
});

describe("IstioOperator", () => {
    it("1.30.3: the same switches, hub, tag and families as the Helm values", () => {
        assert.deepEqual(istioOperator(resolved({ hub: HUB, revision: "canary", gateway: { enabled: true } }, cluster("1.33"))), {
            apiVersion: "install.istio.io/v1alpha1",
            kind: "IstioOperator",
            metadata: { name: "istiod-canary", namespace: "istio-system" },
            spec: {
                profile: "default",
                hub: HUB,
                tag: "1.30.3",
                revision: "canary",
                meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_DUAL_STACK: "true" } } },
                components: {
                    pilot: { enabled: true },
                    cni: { enabled: false },
                    ingressGateways: [{ name: "istio-ingressgateway", enabled: true, k8s: { service: { type: "LoadBalancer" } } }],
                },
                values: {
                    global: { imagePullPolicy: "Always", imagePullSecrets: [] },
                    pilot: { env: { ISTIO_DUAL_STACK: "true" }, ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
                    gateways: { "istio-ingressgateway": { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] } },
                },
            },
        });
    });

    it("the branch: Service overlays instead of missing keys, and the Kubernetes 1.25 workarounds", () => {
        const spec = istioOperator(resolved(BRANCH, cluster("1.29"))).spec as Record<string, Record<string, unknown>>;
        assert.deepEqual(spec.components.pilot, {
            enabled: true,
            k8s: {
                overlays: [
                    {
                        kind: "Service",
                        name: "istiod",
                        patches: [
                            { path: "spec.ipFamilyPolicy", value: "RequireDualStack" },
                            { path: "spec.ipFamilies", value: ["IPv4", "IPv6"] },
                        ],
                    },
                ],
            },
        });
        assert.deepEqual(spec.components.ingressGateways, [{ name: "istio-ingressgateway", enabled: false }]);
        assert.deepEqual(spec.values, {
            global: { imagePullPolicy: "Always", imagePullSecrets: [], defaultPodDisruptionBudget: { enabled: false } },
            pilot: { env: { ISTIO_DUAL_STACK: "true", PILOT_USE_ENDPOINT_SLICE: "true" }, autoscaleEnabled: false, replicaCount: 1 },
        });
        assert.deepEqual(spec.meshConfig, { defaultConfig: { proxyMetadata: { ISTIO_AGENT_DUAL_STACK: "true" } } });
    });
});
