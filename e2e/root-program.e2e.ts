import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { availability, E2E_HUB, familyOf, HarnessCluster, shown, TIMEOUTS_MS, type KubeObject } from "./support/kube";
import { RootProject } from "./support/pulumi";
import { e2eTools, istioChartsRelease, REPO_ROOT, type E2eTools } from "./support/tools";

const HUB = E2E_HUB;

/**
 * Step by step, the repository's root program (`pulumi up` of Pulumi.yaml) with the real Pulumi
 * engine, the real Kubernetes provider and Istio's real charts, on a real dual-stack API server
 * whose nodes are kwok's. Later steps build on earlier ones, so the suite stops at the first failure.
 */
describe("the root program on a real dual-stack control plane", function () {
    this.bail(true);
    let tools: E2eTools;
    let cluster: HarnessCluster;
    let project: RootProject;
    let istio: { chartVersion: string; chartsDir: string; version: string };

    const stackConfig = (tag: string) => ({
        cloud: "existing",
        clusterName: "e2e",
        kubernetesVersion: cluster.kubernetesVersion,
        existing: { kubeconfig: cluster.kubeconfig, context: cluster.context, ipFamilies: ["IPv4", "IPv6"] },
        istio: {
            version: istio.version,
            chartsDir: istio.chartsDir,
            hub: HUB,
            tag,
            imagePullPolicy: "Always",
            gateway: { enabled: true, serviceType: "NodePort" },
            cni: { enabled: true },
        },
    });

    before(() => {
        tools = e2eTools();
        istio = istioChartsRelease(tools);
        cluster = HarnessCluster.up(tools, "e2e-root");
        project = new RootProject(tools, "e2e");
    });
    after(() => {
        project?.remove();
        if (!process.env.E2E_KEEP_CLUSTERS) {
            cluster?.down();
        }
    });

    const serviceFamilies = (service: KubeObject) => (service.spec.clusterIPs as string[]).map(familyOf);
    const releaseRows = () => cluster.releaseRows();

    it("1. pulumi up installs base, istiod, CNI and a gateway, dual-stack as the server holds them", () => {
        project.init(stackConfig(`${istio.version}-e2e.1`));
        project.pulumi(["up", "--yes", "--skip-preview"]);

        assert.deepEqual(releaseRows(), [
            `istio-ingress/istio-ingressgateway gateway-${istio.chartVersion} deployed`,
            `istio-system/istio-base base-${istio.chartVersion} deployed`,
            `istio-system/istio-cni cni-${istio.chartVersion} deployed`,
            `istio-system/istiod istiod-${istio.chartVersion} deployed`,
        ]);

        const istiod = cluster.get("deployment", "istiod", "istio-system");
        assert.equal(availability(istiod), "True", shown(istiod.status));
        const container = istiod.spec.template.spec.containers[0];
        assert.equal(container.image, `${HUB}/pilot:${istio.version}-e2e.1`);
        assert.equal(container.imagePullPolicy, "Always");
        assert.deepEqual(
            (container.env as { name: string; value?: string }[]).filter((entry) => entry.name === "ISTIO_DUAL_STACK"),
            [{ name: "ISTIO_DUAL_STACK", value: "true" }],
            shown(container.env),
        );

        const mesh = YAML.parse(cluster.get("configmap", "istio", "istio-system").data?.mesh ?? "") as {
            defaultConfig: { proxyMetadata: Record<string, string> };
        };
        assert.equal(mesh.defaultConfig.proxyMetadata.ISTIO_DUAL_STACK, "true", shown(mesh));

        for (const [name, namespace] of [
            ["istiod", "istio-system"],
            ["istio-ingressgateway", "istio-ingress"],
        ]) {
            const service = cluster.get("service", name, namespace);
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", shown(service.spec));
            assert.deepEqual(serviceFamilies(service), ["IPv4", "IPv6"], shown(service.spec));
        }
        assert.equal(cluster.get("service", "istio-ingressgateway", "istio-ingress").spec.type, "NodePort");

        const pods = cluster.list("pods", "istio-system", "app=istiod");
        assert.equal(pods.length, 1, shown(pods));
        assert.deepEqual((pods[0].status.podIPs as { ip: string }[]).map((entry) => familyOf(entry.ip)).sort(), ["IPv4", "IPv6"], shown(pods[0].status));
        const cni = cluster.get("daemonset", "istio-cni-node", "istio-system");
        assert.equal(cni.status.numberReady, 2, shown(cni.status));
    });

    it("2. a second preview has no changes, and a refresh finds no drift", () => {
        project.pulumi(["preview", "--expect-no-changes"]);
        project.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    });

    it("3. a new istio.tag updates in place only the releases whose images carry it (istiod, CNI; the gateway's comes from injection) and the component's recorded inputs", () => {
        project.setConfig(stackConfig(`${istio.version}-e2e.2`));
        const preview = JSON.parse(project.pulumi(["preview", "--json"]).stdout) as { steps: { op: string; urn: string }[] };
        const changed = preview.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.urn.split("::").pop()}`);
        assert.deepEqual(changed.sort(), ["update istio", "update istio-cni", "update istio-istiod"], shown(changed));
        project.pulumi(["up", "--yes", "--skip-preview"]);
        const istiod = cluster.get("deployment", "istiod", "istio-system");
        assert.equal(istiod.spec.template.spec.containers[0].image, `${HUB}/pilot:${istio.version}-e2e.2`);
        const gateway = cluster.get("deployment", "istio-ingressgateway", "istio-ingress");
        assert.equal(gateway.spec.template.spec.containers[0].image, "auto", shown(gateway.spec.template.spec.containers[0]));
        project.pulumi(["preview", "--expect-no-changes"]);
    });

    it("3b. a canary revision installs beside the default control plane from a second stack (base.enabled: false), and goes without touching it", () => {
        const releasesBefore = releaseRows();
        const canary = new RootProject(tools, "canary");
        try {
            const config = stackConfig(`${istio.version}-canary`);
            canary.init({ ...config, istio: { ...config.istio, revision: "canary", base: { enabled: false }, gateway: { enabled: false }, cni: { enabled: false } } });
            canary.pulumi(["up", "--yes", "--skip-preview"]);

            assert.deepEqual(releaseRows(), [...releasesBefore, `istio-system/istiod-canary istiod-${istio.chartVersion} deployed`].sort());
            const canaryIstiod = cluster.get("deployment", "istiod-canary", "istio-system");
            assert.equal(canaryIstiod.spec.template.spec.containers[0].image, `${HUB}/pilot:${istio.version}-canary`);
            assert.equal(availability(canaryIstiod), "True", shown(canaryIstiod.status));
            const service = cluster.get("service", "istiod-canary", "istio-system");
            assert.deepEqual(serviceFamilies(service), ["IPv4", "IPv6"], shown(service.spec));
            assert.equal(cluster.get("deployment", "istiod", "istio-system").spec.template.spec.containers[0].image, `${HUB}/pilot:${istio.version}-e2e.2`);

            canary.pulumi(["destroy", "--yes", "--skip-preview"]);
        } finally {
            canary.remove();
        }
        assert.deepEqual(releaseRows(), releasesBefore);
        assert.deepEqual(
            cluster.list("deployments", "istio-system").map((deployment) => deployment.metadata.name),
            ["istiod"],
        );
        assert.deepEqual(
            cluster.list("services", "istio-system").map((service) => service.metadata.name),
            ["istiod"],
        );
        project.pulumi(["preview", "--expect-no-changes"]);
    });

    it("8. istioctl at the release under test generates the IstioOperator that `plan --out` writes", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-plan-"));
        let manifest: string;
        try {
            const config = path.join(out, "stack-config.yaml");
            fs.writeFileSync(config, YAML.stringify(stackConfig(`${istio.version}-e2e.2`)));
            execFileSync(process.execPath, [path.join(REPO_ROOT, "dist/cli/bin.js"), "plan", "--config", config, "--out", path.join(out, "plan")], {
                stdio: "pipe",
                timeout: TIMEOUTS_MS.helm,
            });
            manifest = execFileSync(tools.istioctl, ["manifest", "generate", "-f", path.join(out, "plan/istio-operator.yaml")], {
                encoding: "utf8",
                maxBuffer: 64 * 1024 * 1024,
                stdio: ["ignore", "pipe", "pipe"],
                timeout: TIMEOUTS_MS.helm,
            });
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
        const documents = YAML.parseAllDocuments(manifest).map((document) => document.toJS() as KubeObject & { kind: string });
        const istiod = documents.find((document) => document?.kind === "Deployment" && document.metadata.name === "istiod");
        assert.equal(istiod?.spec.template.spec.containers[0].image, `${HUB}/pilot:${istio.version}-e2e.2`);
        const services = documents.filter((document) => document?.kind === "Service");
        for (const name of ["istiod", "istio-ingressgateway"]) {
            const service = services.find((document) => document.metadata.name === name);
            assert.equal(service?.spec.ipFamilyPolicy, "RequireDualStack", shown(service));
        }
    });

    it("6. pulumi destroy removes every Istio workload, Service and release Secret", () => {
        project.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(cluster.helmReleases(), []);
        assert.deepEqual(
            cluster.list("secrets", undefined, "owner=helm").map((secret) => secret.metadata.name),
            [],
        );
        assert.deepEqual(cluster.istioWorkloadsLeft(), []);
    });
});
