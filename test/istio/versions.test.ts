import assert from "node:assert/strict";
import { CALENDAR_MAX_AGE_DAYS } from "../../components/support-calendar";
import { parseKubernetesVersion } from "../../components/target/cluster-facts";
import {
    activeHazards,
    checkKubernetesCompatibility,
    DEFAULT_ISTIO_VERSION,
    ISTIO_SUPPORT_PROVENANCE,
    IstioFlavor,
    parseFlavor,
    resolveIstioRelease,
} from "../../components/istio/versions";
import { TEST_TODAY as NOW } from "../support/clock";

const upstream = (version: string) => resolveIstioRelease(IstioFlavor.Upstream, version, "version");
const branch = () => resolveIstioRelease(IstioFlavor.ExperimentalDualStack, undefined, "version");
const fields = { istio: "version", kubernetes: "kubernetesVersion" };
const k8s = (text: string) => parseKubernetesVersion(text, "kubernetesVersion");

describe("Istio versions", () => {
    describe("capabilities per version row", () => {
        // [version, proxy flags, istiod family keys, gateway family keys, CNI key, GKE platform profile]
        const AGENT = ["ISTIO_AGENT_DUAL_STACK"];
        const BOTH = ["ISTIO_AGENT_DUAL_STACK", "ISTIO_DUAL_STACK"];
        const DUAL = ["ISTIO_DUAL_STACK"];
        const rows: [string, string[], boolean, boolean, string, boolean][] = [
            ["1.17.0-beta.0", AGENT, false, false, "istio_cni", false],
            ["1.17.0", AGENT, false, false, "istio_cni", false],
            ["1.17.8", AGENT, false, false, "istio_cni", false],
            ["1.18.0-alpha.0", BOTH, false, false, "istio_cni", false],
            ["1.18.0", BOTH, false, false, "istio_cni", false],
            ["1.18.3", BOTH, false, false, "istio_cni", false],
            ["1.18.5", BOTH, false, false, "istio_cni", false],
            ["1.18.7", BOTH, false, false, "istio_cni", false],
            ["1.19.0-alpha.1", BOTH, false, false, "istio_cni", false],
            ["1.19.0-beta.0", DUAL, false, false, "istio_cni", false],
            ["1.19.0", DUAL, false, false, "istio_cni", false],
            ["1.19.1", DUAL, false, true, "istio_cni", false],
            ["1.19.10", DUAL, false, true, "istio_cni", false],
            ["1.20.0-beta.0", DUAL, true, true, "istio_cni", false],
            ["1.20.0", DUAL, true, true, "istio_cni", false],
            ["1.21.6", DUAL, true, true, "istio_cni", false],
            ["1.22.0-alpha.1", DUAL, true, true, "pilot.cni", false],
            ["1.22.0", DUAL, true, true, "pilot.cni", false],
            ["1.24.6", DUAL, true, true, "pilot.cni", false],
            ["1.25.0-alpha.0", DUAL, true, true, "pilot.cni", true],
            ["1.25.0", DUAL, true, true, "pilot.cni", true],
            ["1.28.3", DUAL, true, true, "pilot.cni", true],
            ["1.30.3", DUAL, true, true, "pilot.cni", true],
            ["1.31.0-rc.0", DUAL, true, true, "pilot.cni", true],
            ["1.31.0", DUAL, true, true, "pilot.cni", true],
        ];
        for (const [version, proxyFlags, istiodKeys, gatewayKeys, cniKey, platform] of rows) {
            it(`${version}: ${proxyFlags.join(" and ")}, istiod keys ${istiodKeys}, gateway keys ${gatewayKeys}, ${cniKey}`, () => {
                const release = upstream(version);
                assert.equal(release.label, version);
                assert.deepEqual(release.proxyDualStackFlags, proxyFlags);
                assert.equal(release.istiodServiceFamilyKeys, istiodKeys);
                assert.equal(release.gatewayServiceFamilyKeys, gatewayKeys);
                assert.equal(release.cniValuesKey, cniKey);
                assert.equal(release.cniPlatformProfiles, platform);
                assert.equal(release.requiresEndpointSliceFlag, false);
                assert.deepEqual(release.removedApiHazards, []);
            });
        }

        it("the experimental-dual-stack branch: agent flag, EndpointSlice flag, no keys, three removed APIs", () => {
            const release = branch();
            assert.equal(release.label, "experimental-dual-stack");
            assert.equal(release.version, undefined);
            assert.deepEqual(release.proxyDualStackFlags, ["ISTIO_AGENT_DUAL_STACK"]);
            assert.equal(release.minKubernetes, 23);
            assert.equal(release.requiresEndpointSliceFlag, true);
            assert.equal(release.istiodServiceFamilyKeys, false);
            assert.equal(release.gatewayServiceFamilyKeys, false);
            assert.equal(release.cniValuesKey, "istio_cni");
            assert.deepEqual(
                release.removedApiHazards.map((hazard) => [hazard.api, hazard.removedInMinor, hazard.chart]),
                [
                    ["policy/v1beta1 PodDisruptionBudget", 25, "istiod"],
                    ["autoscaling/v2beta1 HorizontalPodAutoscaler", 25, "istiod"],
                    ["autoscaling/v2beta2 HorizontalPodAutoscaler", 26, "gateway"],
                ],
            );
        });

        it("the branch's hazards apply from the Kubernetes minor that removed each API", () => {
            assert.deepEqual(activeHazards(branch(), k8s("1.24")), []);
            assert.deepEqual(
                activeHazards(branch(), k8s("1.25")).map((hazard) => hazard.chart),
                ["istiod", "istiod"],
            );
            assert.deepEqual(
                activeHazards(branch(), k8s("1.26")).map((hazard) => hazard.chart),
                ["istiod", "istiod", "gateway"],
            );
        });

        it("no version means the documented default", () => {
            assert.equal(resolveIstioRelease(IstioFlavor.Upstream, undefined, "version").label, DEFAULT_ISTIO_VERSION);
            assert.equal(DEFAULT_ISTIO_VERSION, "1.30.3");
        });
    });

    describe("refusals", () => {
        const refused: [string, string][] = [
            ["1.16.9", "version: Istio 1.16.9 has no dual-stack support; upstream Istio 1.17.0 or newer is required"],
            ["1.13.9", "version: Istio 1.13.9 has no dual-stack support; upstream Istio 1.17.0 or newer is required"],
            ["0.8.0", "version: Istio 0.8.0 has no dual-stack support; upstream Istio 1.17.0 or newer is required"],
            ["1.30", "version: '1.30' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["v1.30.3", "version: 'v1.30.3' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.31.0-dev", "version: '1.31.0-dev' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.31.0-rc", "version: '1.31.0-rc' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.31.0-RC.0", "version: '1.31.0-RC.0' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.31.0-rc.01", "version: '1.31.0-rc.01' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.31.0-rc.0.1", "version: '1.31.0-rc.0.1' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.30.3+build.1", "version: '1.30.3+build.1' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["1.16.0-rc.0", "version: Istio 1.16.0-rc.0 has no dual-stack support; upstream Istio 1.17.0 or newer is required"],
            ["latest", "version: 'latest' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            ["", "version: '' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
        ];
        for (const [version, message] of refused) {
            it(`refuses upstream '${version}'`, () => {
                assert.throws(() => upstream(version), { name: "InputError", message });
            });
        }

        it("refuses a version with the branch", () => {
            assert.throws(() => resolveIstioRelease(IstioFlavor.ExperimentalDualStack, "1.14.0", "version"), {
                message:
                    "version: is not used with flavor experimental-dual-stack: the branch has no release version; its charts come from chartsDir and its images from hub and tag",
            });
        });

        it("refuses an unknown flavor, listing the allowed ones", () => {
            assert.equal(parseFlavor("upstream", "flavor"), "upstream");
            assert.throws(() => parseFlavor("ambient", "flavor"), {
                message: "flavor: 'ambient' is not an Istio flavor; allowed: upstream, experimental-dual-stack",
            });
        });

        const badKubernetes: [string, string][] = [
            ["1.22", "kubernetesVersion: Kubernetes 1.22 is not supported; dual-stack Services need Kubernetes 1.23 or newer"],
            ["2.1", "kubernetesVersion: Kubernetes 2.1 is not a release this package knows; Kubernetes versions are 1.x (1.23 or newer for dual-stack Services)"],
            ["v1.29", "kubernetesVersion: 'v1.29' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH without the leading 'v', e.g. 1.33"],
            ["1", "kubernetesVersion: '1' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.33"],
            ["1.29.x", "kubernetesVersion: '1.29.x' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.33"],
        ];
        for (const [text, message] of badKubernetes) {
            it(`refuses Kubernetes '${text}'`, () => {
                assert.throws(() => k8s(text), { message });
            });
        }

        it("accepts MAJOR.MINOR, a patch and a vendor suffix", () => {
            assert.deepEqual(k8s("1.33"), { major: 1, minor: 33, text: "1.33" });
            assert.equal(k8s("1.33.5").minor, 33);
            assert.equal(k8s("1.33.5-gke.1080000").minor, 33);
        });
    });

    describe("Kubernetes compatibility", () => {
        // Istio minor → the lowest Kubernetes minor accepted (MinK8SVersion at the tag).
        const floors: [string, number][] = [
            ["1.17.8", 23],
            ["1.18.0", 23],
            ["1.19.0", 25],
            ["1.20.0", 25],
            ["1.21.0", 26],
            ["1.22.0", 26],
            ["1.23.0", 26],
            ["1.24.0", 28],
            ["1.25.0", 28],
            ["1.26.0", 29],
            ["1.27.0", 29],
            ["1.28.0", 29],
            ["1.28.1", 29],
            ["1.29.0", 30],
            ["1.30.3", 32],
            ["1.31.0", 32],
        ];
        for (const [version, floor] of floors) {
            it(`Istio ${version} accepts Kubernetes 1.${floor} and refuses 1.${floor - 1}`, () => {
                checkKubernetesCompatibility(upstream(version), k8s(`1.${floor}`), fields, NOW);
                if (floor - 1 >= 23) {
                    assert.throws(() => checkKubernetesCompatibility(upstream(version), k8s(`1.${floor - 1}`), fields, NOW), {
                        message: `kubernetesVersion: Kubernetes 1.${floor - 1} is below the minimum for Istio ${version}; it needs Kubernetes 1.${floor} or newer`,
                    });
                }
            });
        }

        // Floors istioctl raised inside a minor, and pre-releases whose tag had another floor than
        // their release: the exact value at the tag (MinK8SVersion), and refused like a minor's floor.
        const tagFloors: [string, number][] = [
            ["1.17.0-beta.2", 22],
            ["1.17.0-rc.0", 23],
            ["1.18.0-rc.0", 23],
            ["1.18.1", 24],
            ["1.18.7", 24],
            ["1.19.0-alpha.1", 24],
            ["1.19.0-beta.0", 25],
            ["1.20.8", 25],
            ["1.21.0-beta.0", 26],
            ["1.24.0-alpha.0", 26],
            ["1.24.0-rc.0", 28],
            ["1.25.1", 29],
            ["1.25.5", 29],
            ["1.28.2", 30],
            ["1.28.10", 30],
            ["1.29.6", 30],
            ["1.30.0-rc.0", 30],
            ["1.30.0", 32],
            ["1.30.4", 32],
            ["1.31.0-rc.0", 32],
        ];
        for (const [version, floor] of tagFloors) {
            it(`Istio ${version} needs Kubernetes 1.${floor}`, () => {
                assert.equal(upstream(version).minKubernetes, floor);
                // Below 1.23 the package's own dual-stack floor refuses first.
                checkKubernetesCompatibility(upstream(version), k8s(`1.${Math.max(floor, 23)}`), fields, NOW);
                if (floor - 1 >= 23) {
                    assert.throws(() => checkKubernetesCompatibility(upstream(version), k8s(`1.${floor - 1}`), fields, NOW), {
                        name: "InputError",
                        message: `kubernetesVersion: Kubernetes 1.${floor - 1} is below the minimum for Istio ${version}; it needs Kubernetes 1.${floor} or newer`,
                    });
                }
            });
        }

        it("the patch that raised a floor refuses what the patch before it accepted", () => {
            for (const [before, raised, kubernetes] of [
                ["1.18.0", "1.18.1", "1.23"],
                ["1.25.0", "1.25.1", "1.28"],
                ["1.28.1", "1.28.2", "1.29"],
            ]) {
                checkKubernetesCompatibility(upstream(before), k8s(kubernetes), fields, NOW);
                assert.throws(() => checkKubernetesCompatibility(upstream(raised), k8s(kubernetes), fields, NOW), { name: "InputError" });
            }
        });

        it("every minor up to 1.29 has an end of life; 1.30 and 1.31 have none announced", () => {
            const ends = Array.from({ length: 15 }, (_, index) => [17 + index, upstream(`1.${17 + index}.0`).support.endOfLife]);
            assert.deepEqual(ends, [
                [17, "2023-10-27"],
                [18, "2024-01-04"],
                [19, "2024-04-24"],
                [20, "2024-06-25"],
                [21, "2024-09-27"],
                [22, "2025-01-22"],
                [23, "2025-04-16"],
                [24, "2025-06-24"],
                [25, "2025-09-30"],
                [26, "2025-12-22"],
                [27, "2026-04-07"],
                [28, "2026-07-01"],
                [29, "2026-10-12"],
                [30, undefined],
                [31, undefined],
            ]);
        });

        it("1.21, 1.22 and 1.29 warn of their end of life from the day after it", () => {
            for (const [version, kubernetes, day] of [
                ["1.21.6", "1.29", "2024-09-27"],
                ["1.22.8", "1.30", "2025-01-22"],
                ["1.29.6", "1.33", "2026-10-12"],
            ]) {
                assert.deepEqual(checkKubernetesCompatibility(upstream(version), k8s(kubernetes), fields, new Date(`${day}T12:00:00Z`)), []);
                const minor = version.split(".").slice(0, 2).join(".");
                assert.deepEqual(checkKubernetesCompatibility(upstream(version), k8s(kubernetes), fields, NOW), [
                    { field: "version", message: `Istio ${minor} reached end of life on ${day} and gets no security fixes` },
                ]);
            }
        });

        it("warns outside the tested window and past end of life, but accepts", () => {
            const warnings = checkKubernetesCompatibility(upstream("1.17.8"), k8s("1.29"), fields, NOW);
            assert.deepEqual(warnings, [
                { field: "kubernetesVersion", message: "Istio 1.17.8 was tested with Kubernetes 1.23 to 1.26, not 1.29" },
                { field: "version", message: "Istio 1.17 reached end of life on 2023-10-27 and gets no security fixes" },
            ]);
        });

        it("says nothing for a supported pair", () => {
            assert.deepEqual(checkKubernetesCompatibility(upstream("1.30.3"), k8s("1.33"), fields, NOW), []);
        });

        it("end of life depends on the date", () => {
            const before = checkKubernetesCompatibility(upstream("1.28.0"), k8s("1.30"), fields, new Date("2026-06-30T12:00:00Z"));
            const after = checkKubernetesCompatibility(upstream("1.28.0"), k8s("1.30"), fields, new Date("2026-07-02T00:00:00Z"));
            assert.deepEqual(before, []);
            assert.deepEqual(
                after.map((warning) => warning.message),
                ["Istio 1.28 reached end of life on 2026-07-01 and gets no security fixes"],
            );
        });

        it("plans a release newer than the table with the newest row, and says so", () => {
            const release = upstream("1.33.0");
            assert.equal(release.support.minor, 31);
            assert.throws(() => checkKubernetesCompatibility(release, k8s("1.31"), fields, NOW), /needs Kubernetes 1\.32 or newer/);
            assert.deepEqual(checkKubernetesCompatibility(release, k8s("1.33"), fields, NOW), [
                { field: "version", message: "Istio 1.33.0 is newer than the releases this package knows (1.17 to 1.31); it is planned with the rules of Istio 1.31" },
            ]);
        });

        it("plans a new major release with the newest row too, as newer than known rather than refused", () => {
            const release = upstream("2.0.0");
            assert.equal(release.support.minor, 31);
            assert.deepEqual(release.proxyDualStackFlags, ["ISTIO_DUAL_STACK"]);
            assert.equal(release.cniValuesKey, "pilot.cni");
            assert.equal(release.istiodServiceFamilyKeys, true);
            assert.deepEqual(checkKubernetesCompatibility(release, k8s("1.33"), fields, NOW), [
                { field: "version", message: "Istio 2.0.0 is newer than the releases this package knows (1.17 to 1.31); it is planned with the rules of Istio 1.31" },
            ]);
        });

        it("says once that its support table is stale, past its trusted age after it was last checked", () => {
            const checked = Date.parse(`${ISTIO_SUPPORT_PROVENANCE.checkedOn}T00:00:00Z`);
            const lastTrustedDay = new Date(checked + CALENDAR_MAX_AGE_DAYS * 24 * 3600 * 1000);
            const firstStaleDay = new Date(lastTrustedDay.getTime() + 24 * 3600 * 1000);
            assert.deepEqual(checkKubernetesCompatibility(upstream("1.30.3"), k8s("1.33"), fields, lastTrustedDay), []);
            assert.deepEqual(checkKubernetesCompatibility(upstream("1.30.3"), k8s("1.33"), fields, firstStaleDay), [
                {
                    field: "version",
                    message:
                        `the Istio release support table was last checked on ${ISTIO_SUPPORT_PROVENANCE.checkedOn} (${CALENDAR_MAX_AGE_DAYS + 1} days ago) and may be stale: ` +
                        "upgrade pulumi-dualstack-istio, or update components/istio/versions.ts from istio.io data/compatibility/supportStatus.yml " +
                        "and content/en/news/support/announcing-1.N-eol*.md (support windows, end-of-life dates) " +
                        "and istioctl/pkg/install/k8sversion/version.go at each release tag (MinK8SVersion)",
                },
            ]);
            assert.deepEqual(
                checkKubernetesCompatibility(branch(), k8s("1.24"), fields, firstStaleDay).map((warning) => warning.message),
                ["the experimental-dual-stack branch is a 2022 prototype without tests upstream; use it for experiments, not production"],
            );
        });

        it("warns that the branch is experimental and untested beyond Kubernetes 1.24", () => {
            assert.throws(() => checkKubernetesCompatibility(branch(), k8s("1.22"), fields, NOW), /1\.22/);
            assert.deepEqual(checkKubernetesCompatibility(branch(), k8s("1.29"), fields, NOW), [
                { field: "kubernetesVersion", message: "Istio experimental-dual-stack was tested with Kubernetes 1.21 to 1.24, not 1.29" },
                {
                    field: "version",
                    message: "the experimental-dual-stack branch is a 2022 prototype without tests upstream; use it for experiments, not production",
                },
            ]);
        });
    });
});
