import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { planIstioInstall, plannedServicePatches, servicePatchSpec } from "../../components/istio/plan";
import { type IstioSettings, resolveIstioSettings } from "../../components/istio/settings";
import { IstioFlavor, resolveIstioRelease } from "../../components/istio/versions";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { planStack } from "../../program/stack-plan";
import { kubeconfigText, refusal, tempFile } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const DUAL: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.27" };
const cniOn =
    (settings: IstioSettings, facts: ClusterFacts = DUAL) =>
    () =>
        resolveIstioSettings({ ...settings, cni: { enabled: true } }, facts, NOW);
const reason = (label: string, fix: string) =>
    `Istio ${label}'s CNI plugin redirects one IP family only (it reads no dual-stack switch), so on a dual-stack cluster the other family would bypass the sidecar; turn CNI off, or use ${fix}`;

describe("Istio CNI on a dual-stack cluster, per release (cni/pkg/plugin/redirect.go at each tag)", () => {
    // [version, nearest release whose plugin reads a dual-stack switch, or undefined where this one does]
    const table: [string, string | undefined][] = [
        ["1.17.0-beta.0", "1.18.5"],
        ["1.17.0", "1.18.5"],
        ["1.17.8", "1.18.5"],
        ["1.18.0-alpha.0", "1.18.5"],
        ["1.18.0", "1.18.5"],
        ["1.18.3", "1.18.5"],
        ["1.18.5", undefined],
        ["1.18.7", undefined],
        ["1.19.0-alpha.0", "1.19.1"],
        ["1.19.0-beta.0", "1.19.1"],
        ["1.19.0-rc.0", "1.19.1"],
        ["1.19.0", "1.19.1"],
        ["1.19.1", undefined],
        ["1.19.10", undefined],
        ["1.20.0", undefined],
        ["1.30.3", undefined],
    ];
    for (const [version, fixedIn] of table) {
        it(`${version}: ${fixedIn ? `refused, nearest fix ${fixedIn}` : "accepted"}`, () => {
            const release = resolveIstioRelease(IstioFlavor.Upstream, version, "version");
            assert.equal(release.cniDualStack, fixedIn === undefined);
            assert.equal(release.cniDualStackFrom, fixedIn);
            const facts = { ...DUAL, kubernetesVersion: release.minor >= 30 ? "1.33" : "1.27" };
            if (fixedIn === undefined) {
                assert.equal(cniOn({ version }, facts)().cni.enabled, true);
            } else {
                assert.throws(cniOn({ version }, facts), { field: "cni.enabled", message: `cni.enabled: ${reason(version, `Istio ${fixedIn} or newer`)}` });
            }
        });
    }

    it("the branch's plugin reads no switch either: refused, pointing at upstream", () => {
        const branch = { flavor: "experimental-dual-stack", hub: "registry.example.com/istio", tag: "ds-dev" } as const;
        assert.throws(cniOn(branch, { ...DUAL, kubernetesVersion: "1.24" }), {
            field: "cni.enabled",
            message: `cni.enabled: ${reason("experimental-dual-stack", "upstream Istio 1.18.5 or newer")}`,
        });
    });

    for (const family of ["IPv4", "IPv6"] as const) {
        it(`a single-stack [${family}] cluster keeps CNI on every release`, () => {
            assert.equal(cniOn({ version: "1.17.8" }, { ...DUAL, ipFamilies: [family] })().cni.enabled, true);
        });
    }

    it("without CNI, the same releases plan", () => {
        assert.equal(resolveIstioSettings({ version: "1.18.3" }, DUAL, NOW).cni.enabled, false);
    });

    it("plan names the config key, istio.cni.enabled", () => {
        const config = parseStackConfig({
            cloud: "existing",
            clusterName: "kind",
            kubernetesVersion: "1.27",
            existing: { kubeconfig: tempFile("kubeconfig", kubeconfigText(["kind"])), ipFamilies: ["IPv4", "IPv6"] },
            istio: { version: "1.19.0", cni: { enabled: true } },
        });
        assert.equal(
            refusal(() => planStack(config, NOW)),
            `istio.cni.enabled: ${reason("1.19.0", "Istio 1.19.1 or newer")}`,
        );
    });
});

describe("Service patches, one source for the component and values", () => {
    it("the plan's patches are plannedServicePatches of its settings, and their spec is in the cluster's order", () => {
        const plan = planIstioInstall({ version: "1.19.0", gateway: { enabled: true } }, { ipFamilies: ["IPv6", "IPv4"], kubernetesVersion: "1.27" }, NOW);
        assert.deepEqual(plan.servicePatches, plannedServicePatches(plan.settings));
        assert.deepEqual(
            plan.servicePatches.map((patch) => [patch.namespace, patch.name, servicePatchSpec(patch)]),
            [
                ["istio-system", "istiod", { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv6", "IPv4"] }],
                ["istio-ingress", "istio-ingressgateway", { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv6", "IPv4"] }],
            ],
        );
    });
});
