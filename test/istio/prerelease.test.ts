import assert from "node:assert/strict";
import { planIstioInstall } from "../../components/istio/plan";
import { resolveIstioSettings } from "../../components/istio/settings";
import { istiodValues } from "../../components/istio/values";
import { checkKubernetesCompatibility, IstioFlavor, resolveIstioRelease } from "../../components/istio/versions";
import { parseKubernetesVersion } from "../../components/target/cluster-facts";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const DUAL = { ipFamilies: ["IPv4", "IPv6"] as const, kubernetesVersion: "1.33" };
const HUB = "registry.example.com/istio";
const fields = { istio: "version", kubernetes: "kubernetesVersion" };
const upstream = (version: string) => resolveIstioRelease(IstioFlavor.Upstream, version, "version");
const k8s = (text: string) => parseKubernetesVersion(text, "kubernetesVersion");

describe("Istio pre-releases (X.Y.Z-alpha.N, -beta.N, -rc.N)", () => {
    it("are accepted with a warning that names them pre-releases and the release to run instead", () => {
        for (const [version, release, kubernetes] of [
            ["1.31.0-rc.0", "1.31.0", "1.33"],
            ["1.30.0-beta.0", "1.30.0", "1.32"],
            ["1.29.0-alpha.0", "1.29.0", "1.31"],
            ["1.22.0-rc.12", "1.22.0", "1.30"],
        ]) {
            const resolved = upstream(version);
            assert.equal(resolved.label, version);
            assert.equal(resolved.version, version);
            assert.equal(resolved.prerelease, version.split("-")[1]);
            const warnings = checkKubernetesCompatibility(resolved, k8s(kubernetes), fields, NOW).filter((warning) => !warning.message.includes("end of life"));
            assert.deepEqual(warnings, [
                {
                    field: "version",
                    message: `Istio ${version} is a pre-release, which Istio does not support or patch; test with it, and run a release such as ${release} in production`,
                },
            ]);
        }
    });

    it("a release has no pre-release suffix and no such warning", () => {
        assert.equal(upstream("1.31.0").prerelease, undefined);
        assert.deepEqual(checkKubernetesCompatibility(upstream("1.31.0"), k8s("1.33"), fields, NOW), []);
    });

    it("a pre-release of a minor newer than the table gets both warnings, newer first", () => {
        assert.deepEqual(checkKubernetesCompatibility(upstream("1.32.0-alpha.0"), k8s("1.33"), fields, NOW), [
            {
                field: "version",
                message: "Istio 1.32.0-alpha.0 is newer than the releases this package knows (1.17 to 1.31); it is planned with the rules of Istio 1.31",
            },
            {
                field: "version",
                message: "Istio 1.32.0-alpha.0 is a pre-release, which Istio does not support or patch; test with it, and run a release such as 1.32.0 in production",
            },
        ]);
    });

    it("plan with their own tag's floor: 1.30.0-rc.0 accepts Kubernetes 1.30, which 1.30.0 refuses", () => {
        assert.equal(upstream("1.30.0-rc.0").minKubernetes, 30);
        checkKubernetesCompatibility(upstream("1.30.0-rc.0"), k8s("1.30"), fields, NOW);
        assert.equal(
            refusal(() => checkKubernetesCompatibility(upstream("1.30.0"), k8s("1.30"), fields, NOW)),
            "kubernetesVersion: Kubernetes 1.30 is below the minimum for Istio 1.30.0; it needs Kubernetes 1.32 or newer",
        );
    });

    it("the default tag and the chart version follow the pre-release; a tag of its minor is accepted, another minor's refused", () => {
        const resolved = resolveIstioSettings({ version: "1.31.0-rc.0" }, DUAL, NOW);
        assert.equal(resolved.hub, "docker.io/istio");
        assert.equal(resolved.tag, "1.31.0-rc.0");
        assert.equal(resolveIstioSettings({ version: "1.31.0-rc.0", hub: HUB }, DUAL, NOW).tag, "1.31.0-rc.0");
        assert.equal(resolveIstioSettings({ version: "1.31.0-rc.0", hub: HUB, tag: "1.31.0-rc.0-distroless" }, DUAL, NOW).tag, "1.31.0-rc.0-distroless");
        assert.equal(
            refusal(() => resolveIstioSettings({ version: "1.31.0-rc.0", hub: HUB, tag: "1.30.3" }, DUAL, NOW)),
            "tag: '1.30.3' is from Istio 1.30 but version is 1.31.0-rc.0; charts and images must come from the same minor: give a 1.31 tag, or leave tag out for 1.31.0-rc.0",
        );
        const plan = planIstioInstall({ version: "1.31.0-rc.0" }, DUAL, NOW);
        assert.deepEqual(
            plan.releases.map((release) => [release.chart, release.source.version]),
            [
                ["base", "1.31.0-rc.0"],
                ["istiod", "1.31.0-rc.0"],
            ],
        );
        assert.deepEqual(istiodValues(resolved).pilot, {
            hub: "docker.io/istio",
            tag: "1.31.0-rc.0",
            env: { ISTIO_DUAL_STACK: "true" },
            ipFamilyPolicy: "RequireDualStack",
            ipFamilies: ["IPv4", "IPv6"],
        });
        assert.ok(plan.warnings.some((warning) => warning.message.startsWith("Istio 1.31.0-rc.0 is a pre-release")));
    });

    it("1.19.0's alphas still need both proxy switches; its beta and later only ISTIO_DUAL_STACK", () => {
        const metadata = (version: string) =>
            (istiodValues(resolveIstioSettings({ version }, { ...DUAL, kubernetesVersion: "1.27" }, NOW)).meshConfig as { defaultConfig: unknown }).defaultConfig;
        assert.deepEqual(metadata("1.19.0-alpha.1"), { proxyMetadata: { ISTIO_AGENT_DUAL_STACK: "true", ISTIO_DUAL_STACK: "true" } });
        assert.deepEqual(metadata("1.19.0-beta.0"), { proxyMetadata: { ISTIO_DUAL_STACK: "true" } });
    });
});
