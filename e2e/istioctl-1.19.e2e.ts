import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { familyOf, HarnessCluster, shown, TIMEOUTS_MS, type KubeObject } from "./support/kube";
import { e2eTools, REPO_ROOT, type E2eTools } from "./support/tools";

/** Bound for an `istioctl install`/`uninstall`, above its own readiness timeout. */
const ISTIOCTL_TIMEOUT_MS = 6 * 60_000;

/** The Services a dual-stack plan makes dual-stack, where the IstioOperator installs them. */
const SERVICES = ["istiod", "istio-ingressgateway"] as const;

/**
 * Step 10: for Istio before 1.20 the IstioOperator API has no ipFamilyPolicy fields, so `plan --out`
 * gives the Services their families through `k8s.overlays`. Real istioctl 1.19.0 (e2e/tools/istio-1.19)
 * renders and installs that file as written on a dual-stack API server of its own (kwok nodes),
 * so Helm's istio-system of the root-program suite is never shared.
 */
describe("istioctl 1.19.0 installs the IstioOperator that `plan --out` writes for Istio 1.19", function () {
    this.bail(true);
    let tools: E2eTools;
    let cluster: HarnessCluster;
    let work: string;
    let operatorFile: string;

    const istioctl = (args: readonly string[], timeout: number = TIMEOUTS_MS.helm) =>
        execFileSync(tools.istioctl119, [...args], {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            stdio: ["ignore", "pipe", "pipe"],
            timeout,
        });

    before(() => {
        tools = e2eTools();
        cluster = HarnessCluster.up(tools, "e2e-istioctl-119");
        work = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-istioctl-119-"));
    });
    after(() => {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        if (!process.env.E2E_KEEP_CLUSTERS) {
            cluster?.down();
        }
    });

    it("10a. plan --out writes k8s.overlays for the Services' families, and istioctl 1.19.0 renders them RequireDualStack [IPv4, IPv6]", () => {
        const config = path.join(work, "stack-config.yaml");
        fs.writeFileSync(
            config,
            YAML.stringify({
                cloud: "existing",
                clusterName: "e2e-istioctl-119",
                // Istio 1.19 supports Kubernetes 1.25 to 1.28; the harness's API server is newer and
                // istioctl only checks a floor.
                kubernetesVersion: "1.28",
                existing: { kubeconfig: cluster.kubeconfig, context: cluster.context, ipFamilies: ["IPv4", "IPv6"] },
                istio: {
                    version: "1.19.0",
                    gateway: { enabled: true, serviceType: "NodePort" },
                    // 1.19.0's CNI plugin redirects one family only; the package refuses it on dual-stack.
                    cni: { enabled: false },
                },
            }),
        );
        execFileSync(process.execPath, [path.join(REPO_ROOT, "dist/cli/bin.js"), "plan", "--config", config, "--out", path.join(work, "plan")], {
            stdio: "pipe",
            timeout: TIMEOUTS_MS.helm,
        });
        operatorFile = path.join(work, "plan/istio-operator.yaml");
        const operator = YAML.parse(fs.readFileSync(operatorFile, "utf8")) as {
            spec: { components: { pilot: { k8s?: Record<string, unknown> }; ingressGateways: { name: string; k8s?: Record<string, unknown> }[] } };
        };
        const familiesOverlay = (name: string) => [
            {
                kind: "Service",
                name,
                patches: [
                    { path: "spec.ipFamilyPolicy", value: "RequireDualStack" },
                    { path: "spec.ipFamilies", value: ["IPv4", "IPv6"] },
                ],
            },
        ];
        const { pilot, ingressGateways } = operator.spec.components;
        assert.deepEqual(pilot.k8s?.overlays, familiesOverlay("istiod"), shown(pilot));
        const gateway = ingressGateways.find((entry) => entry.name === "istio-ingressgateway");
        assert.deepEqual(gateway?.k8s?.overlays, familiesOverlay("istio-ingressgateway"), shown(ingressGateways));

        assert.match(istioctl(["version", "--remote=false"]), /^1\.19\.0\s*$/);
        istioctl(["validate", "-f", operatorFile]);
        const documents = YAML.parseAllDocuments(istioctl(["manifest", "generate", "-f", operatorFile]))
            .map((document) => document.toJS() as KubeObject & { kind: string })
            .filter((document) => document?.kind === "Service");
        for (const name of SERVICES) {
            const service = documents.find((document) => document.metadata.name === name);
            assert.equal(service?.spec.ipFamilyPolicy, "RequireDualStack", shown(service));
            assert.deepEqual(service?.spec.ipFamilies, ["IPv4", "IPv6"], shown(service));
        }
    });

    it("10b. istioctl 1.19.0 install -f of that file: the API server holds istiod's and the gateway's Services RequireDualStack [IPv4, IPv6]; uninstall --purge removes them", () => {
        istioctl(["install", "--kubeconfig", cluster.kubeconfig, "-f", operatorFile, "--skip-confirmation", "--readiness-timeout", "4m"], ISTIOCTL_TIMEOUT_MS);
        for (const name of SERVICES) {
            const service = cluster.get("service", name, "istio-system");
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", shown(service.spec));
            assert.deepEqual(service.spec.ipFamilies, ["IPv4", "IPv6"], shown(service.spec));
            assert.deepEqual((service.spec.clusterIPs as string[]).map(familyOf), ["IPv4", "IPv6"], shown(service.spec));
        }
        assert.equal(cluster.get("service", "istio-ingressgateway", "istio-system").spec.type, "NodePort");

        istioctl(["uninstall", "--kubeconfig", cluster.kubeconfig, "--purge", "-y"], ISTIOCTL_TIMEOUT_MS);
        for (const kind of ["deployments", "services"]) {
            assert.deepEqual(
                cluster.list(kind, "istio-system").map((object) => `${kind}/${object.metadata.name}`),
                [],
            );
        }
    });
});
