import assert from "node:assert/strict";
import { istioOperator } from "../../components/istio/operator";
import { planIstioInstall } from "../../components/istio/plan";
import type { IstioSettings } from "../../components/istio/settings";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY } from "../support/clock";
import { refusal } from "../support/fixtures";

const DUAL: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" };
const IPV4: ClusterFacts = { ipFamilies: ["IPv4"], kubernetesVersion: "1.33" };
const plan = (settings: IstioSettings, cluster: ClusterFacts = DUAL) => planIstioInstall({ nativeNftables: true, ...settings }, cluster, TEST_TODAY);
const nftablesWarnings = (settings: IstioSettings, cluster: ClusterFacts = DUAL) =>
    plan(settings, cluster)
        .warnings.filter((warning) => warning.field === "nativeNftables")
        .map((warning) => warning.message);
const globalOf = (settings: IstioSettings, chart: string) =>
    (plan(settings).releases.find((release) => release.chart === chart)?.values as { global: Record<string, unknown> }).global;

describe("native nftables (nativeNftables)", () => {
    it("is off by default: neither istiod nor istio-cni gets global.nativeNftables", () => {
        const installed = planIstioInstall({ version: "1.30.3", cni: { enabled: true } }, DUAL, TEST_TODAY);
        assert.equal(installed.settings.nativeNftables, false);
        for (const release of installed.releases) {
            assert.equal("nativeNftables" in ((release.values as { global?: object }).global ?? {}), false, release.chart);
        }
    });

    // The first tag of each mode with the value in istio-discovery and istio-cni and a reader of it.
    const SUPPORT = [
        { version: "1.26.8", sidecar: false, ambient: false },
        { version: "1.27.0", sidecar: true, ambient: false },
        { version: "1.27.9", sidecar: true, ambient: false },
        { version: "1.28.0", sidecar: true, ambient: true },
        { version: "1.30.3", sidecar: true, ambient: true },
    ];
    for (const { version, sidecar, ambient } of SUPPORT) {
        it(`Istio ${version}: sidecar mode ${sidecar ? "sets" : "refuses"} it, ambient mode ${ambient ? "sets" : "refuses"} it`, () => {
            if (sidecar) {
                assert.equal(globalOf({ version, cni: { enabled: true } }, "istiod").nativeNftables, true);
                assert.equal(globalOf({ version, cni: { enabled: true } }, "cni").nativeNftables, true);
            } else {
                assert.equal(
                    refusal(() => plan({ version })),
                    `nativeNftables: needs Istio 1.27.0 or newer in sidecar mode; Istio ${version} programs iptables only`,
                );
            }
            if (ambient) {
                assert.equal(globalOf({ version, mode: "ambient" }, "cni").nativeNftables, true);
                assert.equal(globalOf({ version, mode: "ambient" }, "istiod").nativeNftables, true);
            } else {
                const why = sidecar ? ` (Istio ${version} has it for sidecars only; its ambient node agent programs iptables)` : "";
                assert.equal(
                    refusal(() => plan({ version, mode: "ambient" })),
                    `nativeNftables: needs Istio 1.28.0 or newer in ambient mode${why}; Istio ${version} programs iptables only`,
                );
            }
        });
    }

    it("is refused on the experimental branch and for a value that is not true or false", () => {
        assert.equal(
            refusal(() => plan({ flavor: "experimental-dual-stack", hub: "r.example/istio", tag: "dev", chartsDir: "/nonexistent" })),
            "nativeNftables: is not in the experimental-dual-stack branch, which has iptables only; use upstream Istio 1.27.0 or newer (1.28.0 for ambient)",
        );
        assert.equal(
            refusal(() => plan({ nativeNftables: "yes" as unknown as boolean })),
            "nativeNftables: 'yes' is not true or false",
        );
    });

    describe("releases with known nftables bugs plan with a warning naming the fix", () => {
        const CASES: { name: string; settings: IstioSettings; cluster?: ClusterFacts; warnings: string[] }[] = [
            {
                name: "1.27.2 sidecar: istio-init and TPROXY (fixed in 1.27.4)",
                settings: { version: "1.27.2" },
                warnings: [
                    "Istio 1.27.2 has a known nftables bug: istio-init fails with TPROXY interception and an empty traffic.sidecar.istio.io/includeInboundPorts annotation (releasenotes/notes/58135.yaml); fixed in 1.27.4",
                ],
            },
            {
                name: "1.28.0 sidecar: the same bug, fixed in 1.28.1 on that minor",
                settings: { version: "1.28.0" },
                warnings: [
                    "Istio 1.28.0 has a known nftables bug: istio-init fails with TPROXY interception and an empty traffic.sidecar.istio.io/includeInboundPorts annotation (releasenotes/notes/58135.yaml); fixed in 1.28.1",
                ],
            },
            {
                name: "1.28.0 ambient on an IPv4-only cluster: IPv6 rules with IPv6 off, and the stale iptables rules",
                settings: { version: "1.28.0", mode: "ambient" },
                cluster: IPV4,
                warnings: [
                    "Istio 1.28.0 has a known nftables bug: istio-cni programs IPv6 rules although IPv6 is off, and fails on an IPv4-only cluster (releasenotes/notes/58249.yaml, istio/istio#58249); fixed in 1.28.1",
                    "Istio 1.28.0 has a known nftables bug: moving a node from iptables to nftables leaves stale iptables rules behind (releasenotes/notes/58353.yaml); fixed in 1.28.2",
                ],
            },
            {
                name: "1.28.0 ambient on a dual-stack cluster: only the stale rules (IPv6 is on)",
                settings: { version: "1.28.0", mode: "ambient" },
                warnings: [
                    "Istio 1.28.0 has a known nftables bug: moving a node from iptables to nftables leaves stale iptables rules behind (releasenotes/notes/58353.yaml); fixed in 1.28.2",
                ],
            },
            {
                name: "1.28.2 distroless: the image's nft crashes the node's",
                settings: { version: "1.28.2", mode: "ambient", hub: "r.example/istio", tag: "1.28.2-distroless" },
                warnings: [
                    "Istio 1.28.2 has a known nftables bug: the image's newer nft makes an older nft on the node crash when it lists or deletes tables (istio/istio#58492); fixed in 1.28.3",
                ],
            },
            {
                name: "1.29.2 distroless: nft without JSON (fixed in 1.29.4)",
                settings: { version: "1.29.2", mode: "ambient", hub: "r.example/istio", tag: "1.29.2-distroless" },
                warnings: [
                    "Istio 1.29.2 has a known nftables bug: istio-cni's nft lacks JSON support ('JSON support not compiled-in'), so its probe rules fail (istio/istio#58964, releasenotes/notes/60328.yaml); fixed in 1.29.4",
                ],
            },
            { name: "1.29.2 with the default variant: none", settings: { version: "1.29.2", mode: "ambient" }, warnings: [] },
            { name: "1.30.3: none", settings: { version: "1.30.3", mode: "ambient" }, warnings: [] },
            {
                name: "sidecar mode with istio-cni: the node needs nft",
                settings: { version: "1.30.3", cni: { enabled: true } },
                warnings: [
                    "with istio-cni, the CNI plugin runs nft on the node itself: every node needs nft 1.0.1 or newer on its PATH, or pods fail to start (istio/istio#57978)",
                ],
            },
        ];
        for (const { name, settings, cluster, warnings } of CASES) {
            it(name, () => {
                assert.deepEqual(nftablesWarnings(settings, cluster), warnings);
            });
        }
    });

    it("reaches istioctl too: the IstioOperator's values.global.nativeNftables", () => {
        const installed = plan({ version: "1.30.3", mode: "ambient" });
        assert.equal((istioOperator(installed.settings) as { spec: { values: { global: { nativeNftables?: boolean } } } }).spec.values.global.nativeNftables, true);
    });
});
