import assert from "node:assert/strict";
import { istioOperator } from "../../components/istio/operator";
import { type IstioSettings, resolveIstioSettings } from "../../components/istio/settings";
import { cniValues } from "../../components/istio/values";
import { resolveIstioRelease } from "../../components/istio/versions";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY as NOW } from "../support/clock";

const HUB = "registry.example.com/istio";
const DUAL: ClusterFacts["ipFamilies"] = ["IPv6", "IPv4"];
const cluster = (kubernetesVersion: string, ipFamilies: ClusterFacts["ipFamilies"] = DUAL, platform?: ClusterFacts["platform"]) =>
    ({ ipFamilies, kubernetesVersion, platform }) as ClusterFacts;
const operatorSpec = (settings: IstioSettings, facts: ClusterFacts) =>
    istioOperator(resolveIstioSettings(settings, facts, NOW, "istioctl")).spec as {
        components: { pilot: Record<string, unknown>; ingressGateways: Record<string, unknown>[] };
        values: Record<string, unknown>;
    };
const BRANCH = { flavor: "experimental-dual-stack", hub: HUB, tag: "ds-dev" } as const;
const BIN_DIR = { cniBinDir: "/home/kubernetes/bin" };
const QUOTA = { ...BIN_DIR, resourceQuotas: { enabled: true } };

const overlay = (name: string) => ({
    kind: "Service",
    name,
    patches: [
        { path: "spec.ipFamilyPolicy", value: "RequireDualStack" },
        { path: "spec.ipFamilies", value: ["IPv6", "IPv4"] },
    ],
});
const FAMILIES = { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv6", "IPv4"] };

describe("GKE's ResourceQuota and CNI directory for the CNI DaemonSet, per version", () => {
    // [version, Kubernetes, platform profile, the profile sets the quota, cni chart values on GKE]
    // The CNI directory is always given: every profile leaves it to a server-version detection
    // that an offline render cannot do (e2e step 12).
    const rows: [string, string, boolean, boolean, Record<string, unknown> | undefined][] = [
        ["1.18.5", "1.27", false, false, QUOTA],
        ["1.24.6", "1.29", false, false, QUOTA],
        ["1.25.0-alpha.0", "1.29", true, false, QUOTA],
        ["1.25.0", "1.29", true, false, QUOTA],
        ["1.25.5", "1.29", true, false, QUOTA],
        ["1.26.0-alpha.0", "1.29", true, true, BIN_DIR],
        ["1.26.0", "1.29", true, true, BIN_DIR],
        ["1.26.8", "1.33", true, true, BIN_DIR],
        ["1.30.3", "1.33", true, true, BIN_DIR],
    ];
    for (const [version, kubernetes, profile, profileQuota, cni] of rows) {
        it(`${version}: global.platform ${profile ? "gke" : "unset"}, quota ${profileQuota ? "from the profile" : "set by the package"}, CNI directory given`, () => {
            const release = resolveIstioRelease("upstream", version, "istio.version");
            assert.equal(release.cniPlatformProfiles, profile);
            assert.equal(release.cniPlatformProfileQuota, profileQuota);
            const values = cniValues(resolveIstioSettings({ version, cni: { enabled: true } }, cluster(kubernetes, DUAL, "gke"), NOW));
            assert.equal((values.global as Record<string, unknown>).platform, profile ? "gke" : undefined);
            assert.deepEqual(values.cni, cni);
            const spec = operatorSpec({ version, cni: { enabled: true } }, cluster(kubernetes, DUAL, "gke"));
            assert.equal((spec.values.global as Record<string, unknown>).platform, profile ? "gke" : undefined);
            assert.deepEqual(spec.values.cni, cni);
        });
    }

    it("not on other platforms, nor in the IstioOperator without CNI", () => {
        assert.equal(cniValues(resolveIstioSettings({ version: "1.25.5" }, cluster("1.29"), NOW)).cni, undefined);
        const spec = operatorSpec({ version: "1.25.5" }, cluster("1.29", DUAL, "gke"));
        assert.deepEqual(spec.values.global, { imagePullPolicy: "IfNotPresent", imagePullSecrets: [] });
        assert.equal(spec.values.cni, undefined);
    });

    it("the branch on GKE: the quota and GKE's CNI binary directory in both", () => {
        const facts = cluster("1.29", ["IPv4"], "gke");
        const expected = QUOTA;
        assert.deepEqual(cniValues(resolveIstioSettings({ ...BRANCH, cni: { enabled: true } }, facts, NOW)).cni, expected);
        const spec = operatorSpec({ ...BRANCH, cni: { enabled: true } }, facts);
        assert.deepEqual(spec.values.cni, expected);
        assert.equal((spec.values.global as Record<string, unknown>).platform, undefined);
    });
});

describe("IstioOperator fields that istioctl at that version accepts", () => {
    // [version, Kubernetes, families by overlays (k8s.service has none before 1.24, values before 1.20.0-beta.0)]
    const rows: [string, string, boolean][] = [
        ["1.17.8", "1.26", true],
        ["1.18.7", "1.27", true],
        ["1.19.0", "1.27", true],
        ["1.19.10", "1.28", true],
        ["1.20.0-alpha.0", "1.28", true],
        ["1.20.0-beta.0", "1.28", false],
        ["1.20.8", "1.29", false],
        ["1.23.6", "1.30", false],
        ["1.30.3", "1.33", false],
    ];
    for (const [version, kubernetes, overlays] of rows) {
        it(`${version}: ${overlays ? "k8s.overlays on both Services" : "the values' family keys"}`, () => {
            const spec = operatorSpec({ version, revision: "canary", gateway: { enabled: true } }, cluster(kubernetes));
            const { pilot, ingressGateways } = spec.components;
            if (overlays) {
                assert.deepEqual(pilot, { enabled: true, k8s: { overlays: [overlay("istiod-canary")] } });
                assert.deepEqual(ingressGateways, [
                    { name: "istio-ingressgateway", enabled: true, k8s: { service: { type: "LoadBalancer" }, overlays: [overlay("istio-ingressgateway")] } },
                ]);
                assert.equal(spec.values.gateways, undefined);
                assert.equal((spec.values.pilot as Record<string, unknown>).ipFamilyPolicy, undefined);
            } else {
                assert.deepEqual(pilot, { enabled: true });
                assert.deepEqual(ingressGateways, [{ name: "istio-ingressgateway", enabled: true, k8s: { service: { type: "LoadBalancer" } } }]);
                assert.deepEqual(spec.values.gateways, { "istio-ingressgateway": FAMILIES });
                const pilotValues = spec.values.pilot as Record<string, unknown>;
                assert.deepEqual({ ipFamilyPolicy: pilotValues.ipFamilyPolicy, ipFamilies: pilotValues.ipFamilies }, FAMILIES);
            }
            assert.equal(JSON.stringify(spec).includes('"service":{"ipFamil'), false);
        });
    }

    it("single-stack: no families at all", () => {
        const spec = operatorSpec({ version: "1.19.10", gateway: { enabled: true } }, cluster("1.28", ["IPv4"]));
        assert.deepEqual(spec.components.pilot, { enabled: true });
        assert.deepEqual(spec.components.ingressGateways, [{ name: "istio-ingressgateway", enabled: true, k8s: { service: { type: "LoadBalancer" } } }]);
        assert.equal(spec.values.gateways, undefined);
    });

    // The branch's gateways/istio-ingress chart renders autoscaling/v2beta1, gone from Kubernetes 1.25.
    const branchRows: [string, Record<string, unknown> | undefined][] = [
        ["1.23", undefined],
        ["1.24", undefined],
        ["1.25", { autoscaleEnabled: false }],
        ["1.29", { autoscaleEnabled: false }],
    ];
    for (const [kubernetes, gatewayValues] of branchRows) {
        it(`the branch on Kubernetes ${kubernetes}: overlays, gateway autoscaling ${gatewayValues ? "off" : "as the chart has it"}`, () => {
            const spec = operatorSpec({ ...BRANCH, gateway: { enabled: true } }, cluster(kubernetes));
            assert.deepEqual(spec.components.pilot, { enabled: true, k8s: { overlays: [overlay("istiod")] } });
            assert.deepEqual(spec.components.ingressGateways, [
                { name: "istio-ingressgateway", enabled: true, k8s: { service: { type: "LoadBalancer" }, overlays: [overlay("istio-ingressgateway")] } },
            ]);
            assert.deepEqual(spec.values.gateways, gatewayValues === undefined ? undefined : { "istio-ingressgateway": gatewayValues });
        });
    }
});
