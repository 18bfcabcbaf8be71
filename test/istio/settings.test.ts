import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkChartsDirectory } from "../../components/istio/charts";
import { type IstioSettings, resolveChartSource, resolveIstioSettings } from "../../components/istio/settings";
import { gatewayValues } from "../../components/istio/values";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY as NOW } from "../support/clock";

const DUAL: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" };
const resolve = (settings: IstioSettings, cluster: ClusterFacts = DUAL) => resolveIstioSettings(settings, cluster, NOW);
const refuses = (settings: IstioSettings, message: string, cluster: ClusterFacts = DUAL) => assert.throws(() => resolve(settings, cluster), { name: "InputError", message });

describe("Istio settings", () => {
    it("applies the documented defaults", () => {
        const resolved = resolve({});
        assert.equal(resolved.release.label, "1.30.3");
        assert.equal(resolved.hub, "docker.io/istio");
        assert.equal(resolved.tag, "1.30.3");
        assert.equal(resolved.imagePullPolicy, "IfNotPresent");
        assert.equal(resolved.revision, "");
        assert.deepEqual(resolved.imagePullSecrets, []);
        assert.deepEqual(resolved.gateway, { enabled: false, serviceType: "LoadBalancer" });
        assert.deepEqual(resolved.cni, { enabled: false });
        assert.deepEqual(resolved.base, { enabled: true });
        assert.equal(resolved.platform, "generic");
        assert.deepEqual(resolved.warnings, []);
    });

    it("pulls your own images Always, unless told otherwise", () => {
        assert.equal(resolve({ hub: "registry.example.com/istio" }).imagePullPolicy, "Always");
        assert.equal(resolve({ hub: "registry.example.com/istio", imagePullPolicy: "IfNotPresent" }).imagePullPolicy, "IfNotPresent");
        assert.equal(resolve({ hub: "registry.example.com/istio" }).tag, "1.30.3");
    });

    describe("a load-balancer edge that lacks a family of the cluster", () => {
        const edge = { ipFamilies: ["IPv4"] as const, serviceAnnotations: {}, missingFamilies: "why, and what helps" };
        const cluster: ClusterFacts = { ...DUAL, loadBalancer: edge };

        it("refuses a LoadBalancer gateway with the edge's reason, naming gateway.serviceType", () => {
            refuses(
                { gateway: { enabled: true } },
                "gateway.serviceType: LoadBalancer would reach clients over IPv4 only on this cluster, not IPv6: why, and what helps; or use ClusterIP or NodePort",
                cluster,
            );
        });

        it("accepts the gateway on other Service types, no gateway, and a single-stack cluster of the edge's family", () => {
            for (const gateway of [{ enabled: false }, { enabled: true, serviceType: "NodePort" as const }, { enabled: true, serviceType: "ClusterIP" as const }]) {
                assert.deepEqual(resolve({ gateway }, cluster).gateway, { serviceType: "LoadBalancer", ...gateway });
            }
            assert.equal(resolve({ gateway: { enabled: true } }, { ...cluster, ipFamilies: ["IPv4"] }).gateway.serviceType, "LoadBalancer");
        });

        it("adds no empty annotations to the gateway Service where the edge has none", () => {
            const single = resolve({ gateway: { enabled: true } }, { ...cluster, ipFamilies: ["IPv4"] });
            assert.deepEqual(gatewayValues(single).service, { type: "LoadBalancer" });
        });
    });

    describe("hub", () => {
        const accepted = [
            "docker.io/istio",
            "istio",
            "localhost:5000/istio",
            "registry.example.com:443/team/istio",
            "my-registry.example.com/a__b/c.d_e",
            "ghcr.io/org/istio-builds",
        ];
        for (const hub of accepted) {
            it(`accepts ${hub}`, () => assert.equal(resolve({ hub }).hub, hub));
        }
        const refused: [string, string][] = [
            ["", "hub: must not be empty; give a registry path such as docker.io/istio"],
            ["https://docker.io/istio", "hub: 'https://docker.io/istio' must not include a scheme; write it as docker.io/istio"],
            ["docker.io/istio/", "hub: 'docker.io/istio/' must not end with '/'; write it as docker.io/istio"],
            ["docker.io/Istio", "hub: 'docker.io/Istio' must be lowercase: image repositories are lowercase"],
            ["docker.io/ istio", "hub: 'docker.io/ istio' contains whitespace; give a registry path such as docker.io/istio"],
            ["docker.io/istio:1.30.3", "hub: 'docker.io/istio:1.30.3' must not include a tag; put '1.30.3' in tag"],
            ["docker.io/istio@sha256:abc", "hub: 'docker.io/istio@sha256:abc' must not include a digest; the hub is the registry path only"],
            ["gcr.io/istio-release", "hub: 'gcr.io/istio-release' is retired by Istio in December 2026; use docker.io/istio or your own registry"],
            ["registry.istio.io/release", "hub: 'registry.istio.io/release' is retired by Istio in December 2026; use docker.io/istio or your own registry"],
            [
                "docker.io/-istio",
                "hub: 'docker.io/-istio' is not an image repository; expected [registry[:port]/]path with lowercase letters, digits and . _ -, e.g. docker.io/istio",
            ],
            [
                "docker.io//istio",
                "hub: 'docker.io//istio' is not an image repository; expected [registry[:port]/]path with lowercase letters, digits and . _ -, e.g. docker.io/istio",
            ],
        ];
        for (const [hub, message] of refused) {
            it(`refuses '${hub}'`, () => refuses({ hub }, message));
        }
    });

    describe("tag", () => {
        const refused: [string, string][] = [
            ["", "tag: must not be empty; give the tag your images were pushed with"],
            ["my tag", "tag: 'my tag' contains whitespace; tags are letters, digits, '_', '.' and '-'"],
            ["team/1.30.3", "tag: 'team/1.30.3' contains '/'; the registry path belongs in hub"],
            ["sha256:abc", "tag: 'sha256:abc' must be a plain tag, not a digest or image reference"],
            [".hidden", "tag: '.hidden' is not an image tag; use letters, digits, '_', '.' and '-', not starting with '.' or '-'"],
            ["x".repeat(129), "tag: is 129 characters long; tags are at most 128"],
            ["1.29.4", "tag: '1.29.4' is from Istio 1.29 but version is 1.30.3; charts and images must come from the same minor: give a 1.30 tag, or leave tag out for 1.30.3"],
        ];
        for (const [tag, message] of refused) {
            it(`refuses '${tag.length > 20 ? `${tag.slice(0, 10)}…` : tag}'`, () => refuses({ hub: "docker.io/istio", tag }, message));
        }
        it("accepts a same-minor patch, a variant suffix and free-form build tags", () => {
            assert.equal(resolve({ hub: "docker.io/istio", tag: "1.30.2" }).tag, "1.30.2");
            assert.equal(resolve({ hub: "docker.io/istio", tag: "1.30.3-distroless" }).tag, "1.30.3-distroless");
            assert.equal(resolve({ hub: "docker.io/istio", tag: "ds-build_42" }).tag, "ds-build_42");
            assert.equal(resolve({ hub: "docker.io/istio", tag: "20261125.1.0" }).tag, "20261125.1.0");
        });
        it("refuses a tag without a hub", () => refuses({ tag: "1.30.3" }, "tag: is set without hub; give the registry the tagged images live in, e.g. hub: docker.io/istio"));
    });

    describe("revision", () => {
        it("accepts a DNS-1123 label", () => assert.equal(resolve({ revision: "1-30-3" }).revision, "1-30-3"));
        const refused: [string, string][] = [
            ["default", "revision: must not be 'default', which names the unrevisioned control plane; leave it unset for that"],
            ["1.30.3", "revision: '1.30.3' is not a DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 1-30-3)"],
            ["Canary", "revision: 'Canary' is not a DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit"],
            ["-canary", "revision: '-canary' is not a DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit"],
            ["", "revision: '' is not a DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit"],
            ["a".repeat(47), "revision: is 47 characters long; at most 46, so that the release istiod-<revision> fits Helm's 53"],
        ];
        for (const [revision, message] of refused) {
            it(`refuses '${revision.slice(0, 12)}'`, () => refuses({ revision }, message));
        }
    });

    it("installs beside another control plane only as a revision, without the gateway or CNI the other owns", () => {
        assert.deepEqual(resolve({ revision: "canary", base: { enabled: false } }).base, { enabled: false });
        refuses({ base: { enabled: false } }, "base.enabled: false installs a control plane beside the one that owns base; give it a revision, e.g. canary");
        refuses(
            { revision: "canary", base: { enabled: false }, gateway: { enabled: true } },
            "gateway.enabled: must be false with base.enabled: false; the gateway and CNI belong to the install that owns base",
        );
        refuses(
            { revision: "canary", base: { enabled: false }, cni: { enabled: true } },
            "cni.enabled: must be false with base.enabled: false; the gateway and CNI belong to the install that owns base",
        );
    });

    it("refuses bad and duplicate pull secrets by index", () => {
        refuses({ imagePullSecrets: ["regcred", "Bad_Name"] }, "imagePullSecrets[1]: 'Bad_Name' is not a Secret name; use a DNS-1123 subdomain");
        refuses({ imagePullSecrets: ["regcred", "regcred"] }, "imagePullSecrets[1]: 'regcred' is listed twice");
    });

    it("refuses unknown pull policies and gateway Service types", () => {
        refuses({ imagePullPolicy: "Sometimes" as never }, "imagePullPolicy: 'Sometimes' is not a pull policy; allowed: Always, IfNotPresent, Never");
        refuses(
            { gateway: { enabled: true, serviceType: "ExternalName" as never } },
            "gateway.serviceType: 'ExternalName' is not a Service type for the gateway; allowed: LoadBalancer, NodePort, ClusterIP",
        );
    });

    it("requires hub and tag for the branch", () => {
        const branch = { flavor: "experimental-dual-stack" } as const;
        const cluster = { ...DUAL, kubernetesVersion: "1.29" };
        const why = "is required with flavor experimental-dual-stack: the branch publishes no images; give the hub and tag you pushed from `make docker`";
        refuses(branch, `hub: ${why}`, cluster);
        refuses({ ...branch, hub: "registry.example.com/istio" }, `tag: ${why}`, cluster);
        const resolved = resolve({ ...branch, hub: "registry.example.com/istio", tag: "ds" }, cluster);
        assert.equal(resolved.imagePullPolicy, "Always");
        assert.equal(resolved.release.flavor, "experimental-dual-stack");
    });

    it("refuses bad cluster facts under target.*", () => {
        refuses({}, "target.ipFamilies: [IPv4, IPv4] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]", {
            ipFamilies: ["IPv4", "IPv4"],
            kubernetesVersion: "1.33",
        });
        refuses({}, "target.ipFamilies: [] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]", {
            ipFamilies: [],
            kubernetesVersion: "1.33",
        });
        refuses({}, "target.kubernetesVersion: Kubernetes 1.31 is below the minimum for Istio 1.30.3; it needs Kubernetes 1.32 or newer", {
            ...DUAL,
            kubernetesVersion: "1.31",
        });
    });

    it("warns when the branch is used on a single-stack cluster", () => {
        const resolved = resolve({ flavor: "experimental-dual-stack", hub: "registry.example.com/istio", tag: "ds" }, { ipFamilies: ["IPv6"], kubernetesVersion: "1.24" });
        assert.deepEqual(resolved.warnings.at(-1), {
            field: "flavor",
            message: "the experimental-dual-stack branch only adds dual-stack, but the cluster is single-stack [IPv6]",
        });
    });

    describe("chart source", () => {
        it("defaults to the repository's new home", () => {
            assert.deepEqual(resolveChartSource({}), { kind: "repository", url: "https://blob.istio.io/istio-release/charts" });
        });
        it("takes an OCI registry and a checkout folder", () => {
            assert.deepEqual(resolveChartSource({ chartRepository: "oci://ghcr.io/istio/release/charts/" }), {
                kind: "oci",
                url: "oci://ghcr.io/istio/release/charts",
            });
            assert.deepEqual(resolveChartSource({ chartsDir: "../istio/manifests/charts" }), {
                kind: "directory",
                path: "../istio/manifests/charts",
            });
        });
        const refused: [IstioSettings, string][] = [
            [
                { chartRepository: "https://istio-release.storage.googleapis.com/charts" },
                "chartRepository: 'https://istio-release.storage.googleapis.com/charts' is retired by Istio in December 2026; use https://blob.istio.io/istio-release/charts or oci://ghcr.io/istio/release/charts",
            ],
            [
                { chartRepository: "oci://gcr.io/istio-release/charts" },
                "chartRepository: 'oci://gcr.io/istio-release/charts' is retired by Istio in December 2026; use https://blob.istio.io/istio-release/charts or oci://ghcr.io/istio/release/charts",
            ],
            [
                { chartRepository: "http://charts.internal/istio" },
                "chartRepository: 'http://charts.internal/istio' uses http; use https://… for a Helm repository or oci://… for a registry",
            ],
            [
                { chartRepository: "blob.istio.io/istio-release/charts" },
                "chartRepository: 'blob.istio.io/istio-release/charts' is not a URL; use https://… for a Helm repository or oci://… for a registry",
            ],
            [{ chartRepository: "oci://x/y", chartsDir: "charts" }, "chartRepository: cannot be combined with chartsDir; give one chart source"],
            [{ chartsDir: " " }, "chartsDir: must not be empty; give the manifests/charts folder of an Istio checkout"],
            [{ flavor: "experimental-dual-stack" }, "chartsDir: is required with flavor experimental-dual-stack: give the manifests/charts folder of your checkout of the branch"],
        ];
        for (const [settings, message] of refused) {
            it(`refuses ${JSON.stringify(settings)}`, () => assert.throws(() => resolveChartSource(settings), { message }));
        }
    });

    describe("charts directory", () => {
        let root: string;
        before(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "charts-"));
            for (const dir of ["base", "istio-control/istio-discovery/files", "gateway"]) {
                fs.mkdirSync(path.join(root, dir), { recursive: true });
            }
            for (const file of ["base/Chart.yaml", "istio-control/istio-discovery/Chart.yaml", "gateway/Chart.yaml"]) {
                fs.writeFileSync(path.join(root, file), "apiVersion: v1\nname: x\nversion: 1.0.0\n");
            }
        });
        after(() => fs.rmSync(root, { recursive: true, force: true }));

        it("refuses a folder that does not exist, or a file", () => {
            assert.throws(() => checkChartsDirectory(path.join(root, "nope"), ["base"]), {
                message: `chartsDir: '${path.join(root, "nope")}' does not exist; give the manifests/charts folder of an Istio checkout`,
            });
            assert.throws(() => checkChartsDirectory(path.join(root, "base/Chart.yaml"), ["base"]), /is not a folder/);
        });
        it("refuses istiod without its injection templates, and a missing chart", () => {
            assert.throws(() => checkChartsDirectory(root, ["base", "istiod"]), {
                message: `chartsDir: '${root}' has no complete istiod chart (missing istio-control/istio-discovery/files/injection-template.yaml); give the manifests/charts folder of an Istio checkout`,
            });
            fs.writeFileSync(path.join(root, "istio-control/istio-discovery/files/injection-template.yaml"), "");
            checkChartsDirectory(root, ["base", "istiod", "gateway"]);
            assert.throws(() => checkChartsDirectory(root, ["cni"]), {
                message: `chartsDir: '${root}' has no complete cni chart (missing istio-cni/Chart.yaml); give the manifests/charts folder of an Istio checkout`,
            });
        });
    });
});
