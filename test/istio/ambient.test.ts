import assert from "node:assert/strict";
import { istioOperator } from "../../components/istio/operator";
import { planIstioInstall } from "../../components/istio/plan";
import type { IstioSettings } from "../../components/istio/settings";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY } from "../support/clock";
import { refusal } from "../support/fixtures";

const DUAL: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" };
const plan = (settings: IstioSettings, cluster: ClusterFacts = DUAL) => planIstioInstall({ mode: "ambient", ...settings }, cluster, TEST_TODAY);
const values = (settings: IstioSettings, chart: string, cluster: ClusterFacts = DUAL) =>
    plan(settings, cluster).releases.find((release) => release.chart === chart)?.values as Record<string, unknown>;

// The newest tag of each minor read for these rules (manifests/charts/{istio-control/istio-discovery,istio-cni,ztunnel}).
const ROWS = [
    { version: "1.24.6", kubernetes: "1.31", serviceScopes: false, gateway: false },
    { version: "1.25.5", kubernetes: "1.32", serviceScopes: false },
    { version: "1.26.8", kubernetes: "1.33", serviceScopes: false },
    { version: "1.27.9", kubernetes: "1.33", serviceScopes: true },
    { version: "1.28.10", kubernetes: "1.34", serviceScopes: true },
    { version: "1.29.6", kubernetes: "1.35", serviceScopes: true },
    { version: "1.30.3", kubernetes: "1.35", serviceScopes: true },
];

describe("ambient mode", () => {
    for (const { version, kubernetes, serviceScopes, gateway = true } of ROWS) {
        it(`Istio ${version}: base, istiod, istio-cni, ztunnel${gateway ? ", then the gateway," : ""} in that order, with ambient's settings`, () => {
            // 1.24's gateway chart is refused by the provider's Helm (test/istio/gateway-schema.test.ts).
            const installed = plan({ version, gateway: { enabled: gateway, serviceType: "NodePort" } }, { ...DUAL, kubernetesVersion: kubernetes });
            assert.deepEqual(
                installed.releases.map((release) => [release.releaseName, release.namespace, [...release.after]]),
                [
                    ["istio-base", "istio-system", []],
                    ["istiod", "istio-system", ["base"]],
                    ["istio-cni", "istio-system", ["istiod"]],
                    ["ztunnel", "istio-system", ["istiod", "cni"]],
                    ...(gateway ? [["istio-ingressgateway", "istio-ingress", ["istiod", "cni", "ztunnel"]]] : []),
                ],
            );
            const istiod = installed.releases[1].values as { pilot: { env: unknown }; meshConfig: Record<string, unknown> };
            assert.deepEqual(istiod.pilot.env, { ISTIO_DUAL_STACK: "true", PILOT_ENABLE_AMBIENT: "true" });
            assert.deepEqual(istiod.meshConfig.defaultConfig, { proxyMetadata: { ISTIO_DUAL_STACK: "true", ISTIO_META_ENABLE_HBONE: "true" } });
            assert.equal("serviceScopeConfigs" in istiod.meshConfig, serviceScopes);
            assert.deepEqual((installed.releases[2].values as { cni: unknown }).cni, { ambient: { enabled: true } });
            assert.deepEqual(installed.releases[3].values, { hub: "docker.io/istio", tag: version, imagePullPolicy: "IfNotPresent", imagePullSecrets: [] });
            assert.deepEqual(installed.namespaces[0], { name: "istio-system", labels: { "pod-security.kubernetes.io/enforce": "privileged" } });
        });
    }

    it("gives ztunnel your hub, tag, pull policy, pull secrets (names) and revision", () => {
        assert.deepEqual(values({ hub: "registry.example.com/istio", tag: "1.30.3-custom", imagePullSecrets: ["pull"], revision: "canary" }, "ztunnel"), {
            hub: "registry.example.com/istio",
            tag: "1.30.3-custom",
            imagePullPolicy: "Always",
            imagePullSecrets: ["pull"],
            revision: "canary",
        });
    });

    it("turns IPv6 off in istio-cni and ztunnel only where the cluster has no IPv6", () => {
        const ipv4 = { ipFamilies: ["IPv4"], kubernetesVersion: "1.33" } as const;
        assert.deepEqual((values({}, "cni", ipv4) as { cni: unknown }).cni, { ambient: { enabled: true, ipv6: false } });
        assert.deepEqual((values({}, "ztunnel", ipv4) as { env: unknown }).env, { IPV6_ENABLED: "false" });
        const ipv6 = { ipFamilies: ["IPv6"], kubernetesVersion: "1.33" } as const;
        assert.deepEqual((values({}, "cni", ipv6) as { cni: unknown }).cni, { ambient: { enabled: true } });
        assert.equal((values({}, "ztunnel", ipv6) as { env?: unknown }).env, undefined);
        assert.deepEqual((istioOperator(plan({}, ipv4).settings) as { spec: { values: { ztunnel: unknown } } }).spec.values.ztunnel, { env: { IPV6_ENABLED: "false" } });
    });

    it("on GKE: ztunnel's own ResourceQuota through the GKE profile from 1.26; before, istio-cni's quota admits its pods", () => {
        const gke = (kubernetesVersion: string) => ({ ...DUAL, kubernetesVersion, platform: "gke" as const });
        assert.deepEqual((values({ version: "1.26.8" }, "ztunnel", gke("1.33")) as { global: unknown }).global, { platform: "gke" });
        for (const version of ["1.24.6", "1.25.5"]) {
            assert.equal((values({ version }, "ztunnel", gke("1.31")) as { global?: unknown }).global, undefined, version);
            assert.deepEqual((values({ version }, "cni", gke("1.31")) as { cni: { resourceQuotas: unknown } }).cni.resourceQuotas, { enabled: true }, version);
        }
    });

    it("warns on an IPv6-only EKS cluster that meshed pods may not reach IPv4-only destinations", () => {
        const installed = plan({}, { ipFamilies: ["IPv6"], kubernetesVersion: "1.33", platform: "eks" });
        assert.ok(installed.warnings.some((warning) => warning.field === "mode" && warning.message.startsWith("ambient on an IPv6-only EKS cluster:")));
    });

    it("beside another control plane installs only istiod-<revision>: istio-cni and ztunnel are the other install's", () => {
        const installed = plan({ revision: "canary", base: { enabled: false } });
        assert.deepEqual(
            installed.releases.map((release) => release.releaseName),
            ["istiod-canary"],
        );
    });

    it("writes ztunnel into the IstioOperator only in ambient mode (istioctl refuses fields its API lacks)", () => {
        const components = (settings: IstioSettings) =>
            (istioOperator(planIstioInstall(settings, DUAL, TEST_TODAY).settings) as { spec: { components: Record<string, unknown> } }).spec.components;
        assert.deepEqual(components({ mode: "ambient" }).ztunnel, { enabled: true });
        assert.deepEqual(components({ mode: "ambient" }).cni, { enabled: true });
        assert.equal(components({}).ztunnel, undefined);
    });

    it("refuses, in one line naming the key, what cannot run ambient", () => {
        assert.equal(
            refusal(() => plan({ version: "1.23.6" }, { ...DUAL, kubernetesVersion: "1.29" })),
            "mode: ambient needs Istio 1.24.0 or newer, where ztunnel and istio-cni are dual-stack; Istio 1.23.6 has no dual-stack ambient",
        );
        assert.equal(
            refusal(() => plan({ cni: { enabled: false } })),
            "cni.enabled: is false, but ambient mode redirects pods' traffic to ztunnel through istio-cni; leave it unset or true",
        );
        assert.equal(
            refusal(() => planIstioInstall({ mode: "waypoint" as never }, DUAL, TEST_TODAY)),
            "mode: 'waypoint' is not a data-plane mode; allowed: sidecar, ambient",
        );
    });
});
