import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { EKS_LOAD_BALANCER_EDGE } from "../../components/eks/plan";
import { DualStackIstio } from "../../components/istio/dual-stack-istio";
import { OfflineRunError, runOffline } from "../../engine/offline-engine";
import { COMPONENT, FakeNodePool, NAMESPACE, NODE_POOL_URN, only, PROVIDER_URN, RELEASE, runMesh, SERVICE_PATCH, urnOf } from "../support/mesh-program";

const COMPONENT_URN = `urn:pulumi:stack::project::${COMPONENT}::mesh`;
const RELEASE_SETTINGS = { atomic: true, cleanupOnFail: true, maxHistory: 10 };

describe("DualStackIstio", () => {
    describe("beside another control plane (base.enabled: false, a canary revision)", () => {
        it("registers only istiod-<revision>, into the istio-system the other install owns, waiting for no namespace or base", async () => {
            const run = await runMesh({ revision: "canary", base: { enabled: false } });
            const mine = run.resources.filter((resource) => resource.parent === COMPONENT_URN || resource.urn === COMPONENT_URN);
            assert.deepEqual(
                mine.map((resource) => [resource.type, resource.name]),
                [
                    [COMPONENT, "mesh"],
                    [RELEASE, "mesh-istiod"],
                ],
            );
            const istiod = only(run, RELEASE, "mesh-istiod");
            assert.equal(istiod.inputs.name, "istiod-canary");
            assert.equal(istiod.inputs.namespace, "istio-system");
            assert.equal((istiod.inputs.values as { revision: string }).revision, "canary");
            assert.deepEqual(istiod.dependsOn, [NODE_POOL_URN]);
        });
    });

    describe("default upstream install on a dual-stack cluster", () => {
        it("registers exactly: the component, istio-system, base and istiod", async () => {
            const run = await runMesh({});
            const mine = run.resources.filter((resource) => resource.parent === COMPONENT_URN || resource.urn === COMPONENT_URN);
            assert.deepEqual(
                mine.map((resource) => [resource.type, resource.name]),
                [
                    [COMPONENT, "mesh"],
                    [NAMESPACE, "mesh-istio-system"],
                    [RELEASE, "mesh-base"],
                    [RELEASE, "mesh-istiod"],
                ],
            );
            assert.deepEqual(only(run, NAMESPACE, "mesh-istio-system").inputs.metadata, { labels: {}, name: "istio-system" });
        });

        it("installs base from the new repository, pinned, and waits for nothing but its namespace", async () => {
            const run = await runMesh({});
            const base = only(run, RELEASE, "mesh-base");
            assert.deepEqual(base.inputs, {
                ...RELEASE_SETTINGS,
                chart: "base",
                compat: "true",
                name: "istio-base",
                namespace: "istio-system",
                repositoryOpts: { repo: "https://blob.istio.io/istio-release/charts" },
                timeout: 300,
                values: { global: { istioNamespace: "istio-system" } },
                version: "1.30.3",
            });
            assert.equal(base.provider, PROVIDER_URN);
            assert.equal(base.parent, COMPONENT_URN);
            assert.deepEqual(base.dependsOn, [urnOf(NAMESPACE, "mesh-istio-system")]);
        });

        it("installs istiod with the dual-stack values after base and the node pool", async () => {
            const run = await runMesh({ hub: "registry.example.com/istio" });
            const istiod = only(run, RELEASE, "mesh-istiod");
            assert.deepEqual(istiod.inputs, {
                ...RELEASE_SETTINGS,
                chart: "istiod",
                compat: "true",
                name: "istiod",
                namespace: "istio-system",
                repositoryOpts: { repo: "https://blob.istio.io/istio-release/charts" },
                timeout: 600,
                values: {
                    global: {
                        hub: "registry.example.com/istio",
                        imagePullPolicy: "Always",
                        imagePullSecrets: [],
                        istioNamespace: "istio-system",
                        tag: "1.30.3",
                    },
                    meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_DUAL_STACK: "true" } } },
                    pilot: {
                        env: { ISTIO_DUAL_STACK: "true" },
                        hub: "registry.example.com/istio",
                        ipFamilies: ["IPv4", "IPv6"],
                        ipFamilyPolicy: "RequireDualStack",
                        tag: "1.30.3",
                    },
                },
                version: "1.30.3",
            });
            assert.equal(istiod.provider, PROVIDER_URN);
            assert.deepEqual(istiod.dependsOn, [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-system"), urnOf(RELEASE, "mesh-base")].sort());
        });

        it("exports the image, the statuses and the revision", async () => {
            const run = await runMesh({ hub: "registry.example.com/istio", tag: "1.30.3-distroless" });
            assert.deepEqual(run.stackOutputs, {
                istiodImage: "registry.example.com/istio/pilot:1.30.3-distroless",
                revision: "",
                statuses: { base: "deployed", istiod: "deployed" },
            });
        });
    });

    describe("gateway, CNI and revision", () => {
        it("adds istio-cni beside istiod and the gateway after both, each on the cluster's provider", async () => {
            const run = await runMesh({ revision: "canary", gateway: { enabled: true }, cni: { enabled: true }, imagePullSecrets: ["regcred"] });
            const releases = run.resources.filter((resource) => resource.type === RELEASE);
            assert.deepEqual(releases.map((release) => [release.name, release.inputs.name, release.inputs.namespace, release.inputs.timeout]).sort(), [
                ["mesh-base", "istio-base", "istio-system", 300],
                ["mesh-cni", "istio-cni", "istio-system", 600],
                ["mesh-gateway", "istio-ingressgateway", "istio-ingress", 600],
                ["mesh-istiod", "istiod-canary", "istio-system", 600],
            ]);
            assert.ok(run.resources.filter((resource) => resource.parent === COMPONENT_URN).every((resource) => resource.provider === PROVIDER_URN));
            assert.deepEqual(only(run, RELEASE, "mesh-cni").dependsOn, [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-system")].sort());
            assert.deepEqual(
                only(run, RELEASE, "mesh-gateway").dependsOn,
                [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-ingress"), urnOf(RELEASE, "mesh-istiod"), urnOf(RELEASE, "mesh-cni")].sort(),
            );
            assert.deepEqual(only(run, RELEASE, "mesh-gateway").inputs.values, {
                imagePullSecrets: [{ name: "regcred" }],
                revision: "canary",
                service: { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "RequireDualStack", type: "LoadBalancer" },
            });
            assert.deepEqual(only(run, NAMESPACE, "mesh-istio-system").inputs.metadata, {
                labels: { "pod-security.kubernetes.io/enforce": "privileged" },
                name: "istio-system",
            });
            assert.deepEqual(only(run, NAMESPACE, "mesh-istio-ingress").inputs.metadata, { labels: {}, name: "istio-ingress" });
            assert.equal(run.stackOutputs.revision, "canary");
        });
    });

    describe("ambient mode", () => {
        it("registers istio-cni after istiod, ztunnel after both, and the gateway after all three, each on the cluster's provider", async () => {
            const run = await runMesh({ mode: "ambient", gateway: { enabled: true } });
            const releases = run.resources.filter((resource) => resource.type === RELEASE);
            assert.deepEqual(releases.map((release) => [release.name, release.inputs.name, release.inputs.namespace, release.inputs.timeout]).sort(), [
                ["mesh-base", "istio-base", "istio-system", 300],
                ["mesh-cni", "istio-cni", "istio-system", 600],
                ["mesh-gateway", "istio-ingressgateway", "istio-ingress", 600],
                ["mesh-istiod", "istiod", "istio-system", 600],
                ["mesh-ztunnel", "ztunnel", "istio-system", 600],
            ]);
            assert.deepEqual(only(run, RELEASE, "mesh-cni").dependsOn, [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-system"), urnOf(RELEASE, "mesh-istiod")].sort());
            assert.deepEqual(
                only(run, RELEASE, "mesh-ztunnel").dependsOn,
                [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-system"), urnOf(RELEASE, "mesh-istiod"), urnOf(RELEASE, "mesh-cni")].sort(),
            );
            assert.deepEqual(
                only(run, RELEASE, "mesh-gateway").dependsOn,
                [NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-ingress"), urnOf(RELEASE, "mesh-istiod"), urnOf(RELEASE, "mesh-cni"), urnOf(RELEASE, "mesh-ztunnel")].sort(),
            );
            assert.equal(only(run, RELEASE, "mesh-ztunnel").inputs.chart, "ztunnel");
            assert.ok(run.resources.filter((resource) => resource.parent === COMPONENT_URN).every((resource) => resource.provider === PROVIDER_URN));
        });
    });

    describe("a cluster with a load-balancer controller", () => {
        it("creates the gateway after the controller (and so deletes it first), and nothing else waits for it", async () => {
            const run = await runOffline(() => {
                const provider = new Provider("cluster-k8s", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
                const nodePool = new FakeNodePool("cluster-nodes");
                const controller = new FakeNodePool("lb-controller");
                new DualStackIstio("mesh", {
                    gateway: { enabled: true },
                    target: {
                        ipFamilies: ["IPv6"],
                        kubernetesVersion: "1.35",
                        platform: "eks",
                        loadBalancer: EKS_LOAD_BALANCER_EDGE,
                        provider,
                        readyForWorkloads: [nodePool],
                        readyForLoadBalancers: [controller],
                    },
                });
            });
            const controllerUrn = "urn:pulumi:stack::project::test:index:NodePool::lb-controller";
            assert.deepEqual(
                only(run, RELEASE, "mesh-gateway").dependsOn,
                [controllerUrn, NODE_POOL_URN, urnOf(NAMESPACE, "mesh-istio-ingress"), urnOf(RELEASE, "mesh-istiod")].sort(),
            );
            assert.ok(!only(run, RELEASE, "mesh-istiod").dependsOn.includes(controllerUrn));
            const service = (only(run, RELEASE, "mesh-gateway").inputs.values as { service: { annotations: Record<string, string> } }).service;
            assert.deepEqual(service.annotations, EKS_LOAD_BALANCER_EDGE.serviceAnnotations);
        });
    });

    describe("charts without Service family keys", () => {
        it("1.17.8: patches the istiod and gateway Services to RequireDualStack after their releases", async () => {
            const run = await runMesh({ version: "1.17.8", gateway: { enabled: true } }, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.26" });
            const patches = run.resources.filter((resource) => resource.type === SERVICE_PATCH);
            assert.deepEqual(
                patches.map((patch) => [patch.name, patch.inputs.metadata, patch.inputs.spec, patch.dependsOn, patch.provider]),
                [
                    [
                        "mesh-istiod-dual-stack",
                        { annotations: { "pulumi.com/patchForce": "true" }, name: "istiod", namespace: "istio-system" },
                        { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "RequireDualStack" },
                        [urnOf(RELEASE, "mesh-istiod")],
                        PROVIDER_URN,
                    ],
                    [
                        "mesh-istio-ingressgateway-dual-stack",
                        { annotations: { "pulumi.com/patchForce": "true" }, name: "istio-ingressgateway", namespace: "istio-ingress" },
                        { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "RequireDualStack" },
                        [urnOf(RELEASE, "mesh-gateway")],
                        PROVIDER_URN,
                    ],
                ],
            );
        });

        it("a single-stack IPv6 cluster gets no patches and no dual-stack switches", async () => {
            const run = await runMesh({ version: "1.17.8", gateway: { enabled: true } }, { ipFamilies: ["IPv6"], kubernetesVersion: "1.26" });
            assert.equal(run.resources.filter((resource) => resource.type === SERVICE_PATCH).length, 0);
            assert.deepEqual((only(run, RELEASE, "mesh-istiod").inputs.values as Record<string, unknown>).pilot, {
                env: {},
                hub: "docker.io/istio",
                tag: "1.17.8",
            });
        });
    });

    describe("the experimental-dual-stack branch from a checkout", () => {
        let charts: string;
        before(() => {
            charts = fs.mkdtempSync(path.join(os.tmpdir(), "branch-charts-"));
            for (const chart of ["base", "istio-control/istio-discovery", "gateway"]) {
                fs.mkdirSync(path.join(charts, chart, "files"), { recursive: true });
                fs.writeFileSync(path.join(charts, chart, "Chart.yaml"), "apiVersion: v1\nname: x\nversion: 1.0.0\n");
            }
            fs.writeFileSync(path.join(charts, "istio-control/istio-discovery/files/injection-template.yaml"), "");
        });
        after(() => fs.rmSync(charts, { recursive: true, force: true }));

        it("installs from the folder, unpinned, with the Kubernetes ≥1.25 workarounds", async () => {
            const run = await runMesh(
                { flavor: "experimental-dual-stack", hub: "registry.example.com/istio", tag: "ds-dev", chartsDir: charts, gateway: { enabled: true } },
                { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.29" },
            );
            const istiod = only(run, RELEASE, "mesh-istiod");
            assert.equal(istiod.inputs.chart, path.join(charts, "istio-control/istio-discovery"));
            assert.equal(istiod.inputs.version, undefined);
            assert.equal(istiod.inputs.repositoryOpts, undefined);
            const values = istiod.inputs.values as Record<string, Record<string, unknown>>;
            assert.deepEqual(values.pilot.env, { ISTIO_DUAL_STACK: "true", PILOT_USE_ENDPOINT_SLICE: "true" });
            assert.equal(values.pilot.autoscaleEnabled, false);
            assert.deepEqual(values.global.defaultPodDisruptionBudget, { enabled: false });
            assert.deepEqual((only(run, RELEASE, "mesh-gateway").inputs.values as Record<string, unknown>).autoscaling, { enabled: false });
            assert.deepEqual(
                run.resources.filter((resource) => resource.type === SERVICE_PATCH).map((patch) => patch.name),
                ["mesh-istiod-dual-stack", "mesh-istio-ingressgateway-dual-stack"],
            );
            assert.deepEqual(
                run.diagnostics.map((diagnostic) => diagnostic.message),
                [
                    "target.kubernetesVersion: Istio experimental-dual-stack was tested with Kubernetes 1.21 to 1.24, not 1.29",
                    "flavor: the experimental-dual-stack branch is a 2022 prototype without tests upstream; use it for experiments, not production",
                ],
            );
        });
    });

    describe("refusals register nothing", () => {
        const cases: [Parameters<typeof runMesh>[0], string][] = [
            [{ hub: "https://docker.io/istio" }, "hub: 'https://docker.io/istio' must not include a scheme; write it as docker.io/istio (DualStackIstio 'mesh')"],
            [{ version: "1.16.0" }, "version: Istio 1.16.0 has no dual-stack support; upstream Istio 1.17.0 or newer is required (DualStackIstio 'mesh')"],
            [{ revision: "default" }, "revision: must not be 'default', which names the unrevisioned control plane; leave it unset for that (DualStackIstio 'mesh')"],
            [
                { chartsDir: "/nonexistent/charts" },
                "chartsDir: '/nonexistent/charts' does not exist; give the manifests/charts folder of an Istio checkout (DualStackIstio 'mesh')",
            ],
            [
                { flavor: "experimental-dual-stack", hub: "registry.example.com/istio", tag: "x" },
                "chartsDir: is required with flavor experimental-dual-stack: give the manifests/charts folder of your checkout of the branch (DualStackIstio 'mesh')",
            ],
        ];
        for (const [settings, message] of cases) {
            it(message.split(":")[0], async () => {
                const failure = await runMesh(settings).then(
                    () => assert.fail("expected a refusal"),
                    (error: unknown) => error,
                );
                assert.ok(failure instanceof OfflineRunError);
                assert.equal(failure.message, message);
                // The stack, the provider and the node pool from the test program; nothing of the component.
                assert.deepEqual(failure.resources.map((resource) => resource.type).sort(), ["pulumi:providers:kubernetes", "pulumi:pulumi:Stack", "test:index:NodePool"]);
            });
        }

        it("refuses a Kubernetes version below the Istio minimum, naming the target field", async () => {
            await assert.rejects(runMesh({}, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.29" }), {
                message: "target.kubernetesVersion: Kubernetes 1.29 is below the minimum for Istio 1.30.3; it needs Kubernetes 1.32 or newer (DualStackIstio 'mesh')",
            });
        });
    });
    describe("verify.enabled: the proof after the install", () => {
        it("registers the namespace, echo, gateway route and one Job per family and path, each waiting for what it proves", async () => {
            const run = await runMesh({ mode: "ambient", gateway: { enabled: true, serviceType: "NodePort" }, verify: { enabled: true } });
            const mine = run.resources.filter((resource) => resource.parent === COMPONENT_URN);
            const verify = mine.filter((resource) => resource.type !== RELEASE && !resource.name.endsWith("-istio-system") && !resource.name.endsWith("-istio-ingress"));
            // Registered in this order; recorded as the engine resolves them, so compared as a set (dependsOn below is the order).
            assert.deepEqual(
                verify.map((resource) => [resource.type, resource.name]).sort(),
                [
                    [NAMESPACE, "mesh-istio-verify"],
                    ["kubernetes:core/v1:ConfigMap", "mesh-verify-echo"],
                    ["kubernetes:apps/v1:Deployment", "mesh-verify-echo"],
                    ["kubernetes:core/v1:Service", "mesh-verify-echo"],
                    ["kubernetes:networking.istio.io/v1:Gateway", "mesh-verify-gateway"],
                    ["kubernetes:networking.istio.io/v1:VirtualService", "mesh-verify-route"],
                    ["kubernetes:batch/v1:Job", "mesh-verify-ipv4"],
                    ["kubernetes:batch/v1:Job", "mesh-verify-ipv6"],
                    ["kubernetes:batch/v1:Job", "mesh-verify-gateway-ipv4"],
                    ["kubernetes:batch/v1:Job", "mesh-verify-gateway-ipv6"],
                ].sort(),
            );
            for (const resource of verify) {
                assert.equal(resource.provider, PROVIDER_URN, resource.name);
            }
            const releases = ["base", "istiod", "cni", "ztunnel", "gateway"].map((chart) => urnOf(RELEASE, `mesh-${chart}`));
            const namespace = urnOf(NAMESPACE, "mesh-istio-verify");
            // The namespace is meshed only once Istio is installed (ztunnel ready, in ambient).
            assert.deepEqual(only(run, NAMESPACE, "mesh-istio-verify").dependsOn, [...releases].sort());
            assert.deepEqual(only(run, NAMESPACE, "mesh-istio-verify").inputs.metadata, { labels: { "istio.io/dataplane-mode": "ambient" }, name: "istio-verify" });
            const service = only(run, "kubernetes:core/v1:Service", "mesh-verify-echo");
            assert.deepEqual(service.dependsOn, [namespace]);
            assert.deepEqual((service.inputs.spec as { ipFamilyPolicy: string }).ipFamilyPolicy, "RequireDualStack");
            const echo = only(run, "kubernetes:apps/v1:Deployment", "mesh-verify-echo");
            assert.deepEqual(echo.dependsOn, [urnOf("kubernetes:core/v1:ConfigMap", "mesh-verify-echo"), namespace].sort());
            const gateway = only(run, "kubernetes:networking.istio.io/v1:Gateway", "mesh-verify-gateway");
            assert.deepEqual(gateway.dependsOn, [urnOf(RELEASE, "mesh-base"), urnOf(RELEASE, "mesh-gateway"), namespace].sort());
            assert.deepEqual([gateway.inputs.apiVersion, gateway.inputs.kind], ["networking.istio.io/v1", "Gateway"]);
            const job = only(run, "kubernetes:batch/v1:Job", "mesh-verify-gateway-ipv6");
            assert.deepEqual(
                job.dependsOn,
                [
                    urnOf("kubernetes:apps/v1:Deployment", "mesh-verify-echo"),
                    urnOf("kubernetes:core/v1:Service", "mesh-verify-echo"),
                    urnOf("kubernetes:networking.istio.io/v1:Gateway", "mesh-verify-gateway"),
                    urnOf("kubernetes:networking.istio.io/v1:VirtualService", "mesh-verify-route"),
                ].sort(),
            );
            assert.deepEqual((job.inputs.metadata as { namespace: string; name?: string }).namespace, "istio-verify");
            assert.equal((job.inputs.metadata as { name?: string }).name, undefined);
        });

        it("registers nothing of the proof without verify.enabled", async () => {
            const run = await runMesh({ gateway: { enabled: true } });
            assert.deepEqual(
                run.resources.filter((resource) => /verify/.test(resource.name)).map((resource) => resource.name),
                [],
            );
        });
    });
});
