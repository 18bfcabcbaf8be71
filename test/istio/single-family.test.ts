import assert from "node:assert/strict";
import fc from "fast-check";
import { parseStackConfig } from "../../components/config/parse";
import { istioOperator } from "../../components/istio/operator";
import { planIstioInstall } from "../../components/istio/plan";
import { verificationManifests } from "../../components/istio/verify";
import { IpFamily, KubernetesPlatform, type ClusterFacts } from "../../components/target/cluster-facts";
import { planStack } from "../../program/stack-plan";
import { TEST_TODAY } from "../support/clock";
import { kubeconfigText, makeChartsDir } from "../support/fixtures";

/**
 * A cluster of one family must never be asked for a Service of two: `RequireDualStack` on a
 * single-stack cluster fails the install, so a mixed fleet needs every single-stack plan free of it
 * (issue 16, "a single-family guard").
 */
const DUAL_STACK_MARKS = /RequireDualStack|PreferDualStack|ISTIO_DUAL_STACK|ISTIO_AGENT_DUAL_STACK|PILOT_USE_ENDPOINT_SLICE/;

/** Everything a plan hands to Helm, istioctl or a ServicePatch, as one text. */
function everythingPlanned(plan: ReturnType<typeof planIstioInstall>): string {
    return JSON.stringify({
        releases: plan.releases.map((release) => release.values),
        patches: plan.servicePatches,
        operator: istioOperator(plan.settings),
        verify: plan.verification ? verificationManifests(plan.verification) : [],
    });
}

// Versions with each shape the charts take: before and after the Service family keys (1.19.1,
// 1.20), the CNI values key (1.22), ambient (1.24), GKE's profiles (1.25, 1.26), the ambient
// service scopes (1.27), ambient nftables (1.28), and the newest. The 1.25 and 1.26 rows are
// patches whose gateway chart installs (1.25.5, 1.26.4); 1.21 to 1.24's never does.
const VERSIONS = ["1.18.7", "1.19.0", "1.19.1", "1.20.8", "1.22.3", "1.24.6", "1.25.5", "1.26.4", "1.27.9", "1.28.3", "1.30.3"] as const;
const KUBERNETES_FOR: Readonly<Record<string, string>> = {
    "1.18.7": "1.27",
    "1.19.0": "1.28",
    "1.19.1": "1.28",
    "1.20.8": "1.29",
    "1.22.3": "1.30",
    "1.24.6": "1.31",
    "1.25.5": "1.31",
    "1.26.4": "1.32",
    "1.27.9": "1.33",
    "1.28.3": "1.33",
    "1.30.3": "1.33",
};

describe("the single-family guard", () => {
    it("plans nothing dual-stack for a single-stack cluster: any family, platform, edge, Istio version, mode, revision, gateway, CNI, nftables and proof (property)", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(IpFamily.IPv4, IpFamily.IPv6),
                fc.constantFrom(...Object.values(KubernetesPlatform)),
                fc.boolean(),
                fc.constantFrom(...VERSIONS),
                fc.boolean(),
                fc.boolean(),
                fc.constantFrom("LoadBalancer", "NodePort", "ClusterIP"),
                fc.boolean(),
                fc.constantFrom("sidecar", "ambient"),
                fc.boolean(),
                fc.boolean(),
                (family, platform, withEdge, version, gateway, cni, serviceType, revision, mode, nftables, verify) => {
                    const minor = Number(version.split(".")[1]);
                    // Each setting where this release has it: ambient from 1.24, nftables from 1.27 (1.28 in
                    // ambient), the gateway where its chart installs.
                    const ambient = mode === "ambient" && minor >= 24;
                    const facts: ClusterFacts = {
                        ipFamilies: [family],
                        kubernetesVersion: KUBERNETES_FOR[version],
                        platform,
                        // An edge may reach clients of both families while the pods have one (EKS).
                        ...(withEdge ? { loadBalancer: { ipFamilies: [IpFamily.IPv4, IpFamily.IPv6], serviceAnnotations: { "example.com/lb": "dual" } } } : {}),
                    };
                    const plan = planIstioInstall(
                        {
                            version,
                            gateway: { enabled: gateway && (minor < 21 || minor > 24), serviceType: serviceType as "LoadBalancer" },
                            cni: { enabled: cni || ambient },
                            ...(ambient ? { mode: "ambient" as const } : {}),
                            nativeNftables: nftables && minor >= (ambient ? 28 : 27),
                            verify: { enabled: verify },
                            ...(revision ? { revision: "canary" } : {}),
                        },
                        facts,
                        TEST_TODAY,
                    );
                    const planned = everythingPlanned(plan);
                    assert.doesNotMatch(planned, DUAL_STACK_MARKS, planned);
                    assert.deepEqual(plan.servicePatches, []);
                },
            ),
            { numRuns: 400 },
        );
    });

    it("plans the branch single-stack too, with its warning that it adds nothing there", () => {
        for (const family of [IpFamily.IPv4, IpFamily.IPv6]) {
            const plan = planIstioInstall(
                { flavor: "experimental-dual-stack", hub: "registry.example.com/istio", tag: "ds-1", chartsDir: makeChartsDir(), gateway: { enabled: true } },
                { ipFamilies: [family], kubernetesVersion: "1.24" },
                TEST_TODAY,
            );
            assert.doesNotMatch(everythingPlanned(plan), DUAL_STACK_MARKS);
            assert.ok(plan.warnings.some((warning) => warning.field === "flavor" && warning.message.includes("single-stack")));
        }
    });

    it("holds for every cloud's single-stack stacks, beside their dual-stack ones", () => {
        const kubeconfig = kubeconfigText(["ctx"]);
        const stacks: [string, Record<string, unknown>, boolean][] = [
            ["gcp (always dual-stack)", { cloud: "gcp", clusterName: "g", region: "europe-west4", gcp: { project: "my-project" } }, true],
            ["aws [IPv6]", { cloud: "aws", clusterName: "a", region: "eu-west-1" }, false],
            [
                "azure [IPv4]",
                { cloud: "azure", clusterName: "z", region: "westeurope", azure: { subscriptionId: "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42", ipFamilies: ["IPv4"] } },
                false,
            ],
            ["azure [IPv4, IPv6]", { cloud: "azure", clusterName: "z", region: "westeurope", azure: { subscriptionId: "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42" } }, true],
        ];
        for (const ipFamilies of [["IPv4"], ["IPv6"], ["IPv4", "IPv6"], ["IPv6", "IPv4"]]) {
            stacks.push([
                `existing [${ipFamilies.join(", ")}]`,
                { cloud: "existing", clusterName: "e", kubernetesVersion: "1.33", existing: { kubeconfig, ipFamilies } },
                ipFamilies.length === 2,
            ]);
        }
        for (const [what, document, dualStack] of stacks) {
            const stack = planStack(parseStackConfig({ ...document, istio: { gateway: { enabled: true, serviceType: "NodePort" }, cni: { enabled: true } } }), TEST_TODAY);
            const planned = everythingPlanned(stack.istio);
            if (dualStack) {
                assert.match(planned, /RequireDualStack/, what);
            } else {
                assert.doesNotMatch(planned, DUAL_STACK_MARKS, what);
            }
        }
    });
});
