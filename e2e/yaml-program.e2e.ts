import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { tempFolder } from "../test/support/plan-output";
import { availability, E2E_HUB, familyOf, HarnessCluster, shown, type KubeObject } from "./support/kube";
import { componentPluginFolder } from "../test/support/packed-package";
import { pluginLauncher } from "./support/node-plugins";
import { pulumiEnvironment, runPulumi, type PulumiOutput } from "./support/pulumi";
import { e2eTools, istioChartsRelease, type E2eTools } from "./support/tools";

/** A state's resources, as `pulumi stack export` prints them. */
interface ExportedResource {
    readonly urn: string;
    readonly type: string;
    readonly parent?: string;
    readonly inputs?: Record<string, unknown>;
}

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/**
 * Step 13, continued (issue 17): a Pulumi YAML program, run by Pulumi's YAML language host,
 * installs ExistingClusterMesh on a real dual-stack API server through the real engine and the
 * component plugin: a bad argument refused by name, the releases deployed, istiod's Service
 * dual-stack, the kubeconfig a secret in the state; the package's policy pack passes that stack
 * and fails a single-stack LoadBalancer Service; nothing left after destroy.
 */
describe("every Pulumi language: a YAML program installs the component package on a real dual-stack control plane, held by the policy pack", function () {
    this.bail(true);
    let tools: E2eTools;
    let cluster: HarnessCluster;
    let istio: { chartVersion: string; chartsDir: string; version: string };
    let work: string;
    let plugin: string;
    let project: string;
    let env: NodeJS.ProcessEnv;
    const pulumi = (args: readonly string[], expect = 0): PulumiOutput => runPulumi(tools, project, env, args, expect);
    const tag = () => `${istio.version}-yaml`;

    /** The YAML program, with `istio` as given. */
    const program = (istioSettings: Record<string, unknown>) => ({
        name: "yaml-mesh",
        runtime: "yaml",
        config: { kubeconfig: { type: "string" } },
        resources: {
            mesh: {
                type: "dualstack-istio:ExistingClusterMesh",
                properties: { kubeconfig: "${kubeconfig}", kubernetesVersion: cluster.kubernetesVersion, ipFamilies: ["IPv4", "IPv6"], istio: istioSettings },
            },
        },
        outputs: { revision: "${mesh.revision}", istiodImage: "${mesh.istiodImage}", releaseStatuses: "${mesh.releaseStatuses}", server: "${mesh.server}" },
    });
    const writeProgram = (istioSettings: Record<string, unknown>) => fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(program(istioSettings)));
    /** The pack, started from the package as installed (node_modules/pulumi-dualstack-istio/policy-pack). */
    const policyLauncher = () =>
        pluginLauncher(
            path.join(work, "policy-bin"),
            "dualstack-istio-policy-pack",
            path.join(plugin, "node_modules/pulumi-dualstack-istio/policy-pack"),
            "policy",
            path.join(plugin, "node_modules"),
        );
    /** An existing cluster's families are not in the stack: the pack's config gives them. */
    const policyConfig = () => {
        const file = path.join(work, "policy-config.json");
        const families = { ipFamilies: ["IPv4", "IPv6"] };
        fs.writeFileSync(file, JSON.stringify({ "dual-stack-services": families, "istiod-dual-stack-flags": families }));
        return file;
    };
    const settings = () => ({ version: istio.version, chartsDir: istio.chartsDir, hub: E2E_HUB, tag: tag(), gateway: { enabled: true, serviceType: "NodePort" } });

    before(() => {
        tools = e2eTools();
        istio = istioChartsRelease(tools);
        cluster = HarnessCluster.up(tools, "e2e-yaml");
        work = tempFolder("dualstack-e2e-yaml-");
        plugin = componentPluginFolder(path.join(work, "plugin"));
        pluginLauncher(path.join(work, "bin"), "pulumi-resource-dualstack-istio", plugin, "component");
        project = path.join(work, "project");
        fs.mkdirSync(path.join(work, "state"), { recursive: true });
        fs.mkdirSync(project);
        const base = pulumiEnvironment(tools, path.join(work, "pulumi-home"), `file://${path.join(work, "state")}`);
        // The engine and the YAML host each find the plugin by name on PATH, as an installed plugin.
        env = { ...base, PATH: [path.join(work, "bin"), base.PATH].join(path.delimiter) };
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
        if (!process.env.E2E_KEEP_CLUSTERS) {
            cluster?.down();
        }
    });

    it("13c. a bad argument fails the preview in one line naming it under the component's argument (istio.version)", () => {
        writeProgram({ ...settings(), version: "1.16.0" });
        pulumi(["stack", "init", "dev"]);
        pulumi(["config", "set", "--secret", "kubeconfig", fs.readFileSync(cluster.kubeconfig, "utf8")]);
        const failed = pulumi(["preview"], 1);
        assert.match(
            `${failed.stdout}\n${failed.stderr}`,
            /\n {4}error: dualstack-istio:index:ExistingClusterMesh resource 'mesh' has a problem: istio\.version: Istio 1\.16\.0 has no dual-stack support; upstream Istio 1\.17\.0 or newer is required \(ExistingClusterMesh 'mesh'\)\n/,
        );
    });

    it("13d. pulumi up of the YAML program: base, istiod and the gateway deployed by Istio's charts, istiod's Service dual-stack as the server holds it", () => {
        writeProgram(settings());
        pulumi(["up", "--yes", "--skip-preview"]);
        assert.deepEqual(cluster.releaseRows(), [
            `istio-ingress/istio-ingressgateway gateway-${istio.chartVersion} deployed`,
            `istio-system/istio-base base-${istio.chartVersion} deployed`,
            `istio-system/istiod istiod-${istio.chartVersion} deployed`,
        ]);
        const outputs = JSON.parse(pulumi(["stack", "output", "--json"]).stdout) as Record<string, unknown>;
        assert.deepEqual(outputs, {
            revision: "",
            istiodImage: `${E2E_HUB}/pilot:${tag()}`,
            releaseStatuses: { base: "deployed", istiod: "deployed", gateway: "deployed" },
            server: (YAML.parse(fs.readFileSync(cluster.kubeconfig, "utf8")) as { clusters: { cluster: { server: string } }[] }).clusters[0].cluster.server,
        });
        const istiod = cluster.get("deployment", "istiod", "istio-system");
        assert.equal(availability(istiod), "True", shown(istiod.status));
        assert.equal(istiod.spec.template.spec.containers[0].image, `${E2E_HUB}/pilot:${tag()}`);
        for (const [name, namespace] of [
            ["istiod", "istio-system"],
            ["istio-ingressgateway", "istio-ingress"],
        ]) {
            const service = cluster.get<KubeObject>("service", name, namespace);
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", shown(service.spec));
            assert.deepEqual((service.spec.clusterIPs as string[]).map(familyOf), ["IPv4", "IPv6"], shown(service.spec));
        }
    });

    it("13e. the state holds the YAML program's component with the package's components inside, and the kubeconfig only as a secret", () => {
        const state = JSON.parse(pulumi(["stack", "export"]).stdout) as { deployment: { resources: ExportedResource[] } };
        const resources = state.deployment.resources;
        const mesh = resources.find((resource) => resource.type === "dualstack-istio:index:ExistingClusterMesh");
        assert.ok(mesh, shown(resources.map((resource) => resource.type)));
        assert.deepEqual(
            resources
                .filter((resource) => resource.parent === mesh.urn)
                .map((resource) => resource.type)
                .sort(),
            ["dualstack-istio:index:DualStackIstio", "dualstack-istio:index:ExistingCluster"],
        );
        // The kubeconfig reaches the state once, as the Kubernetes provider's input, and as a secret.
        const provider = resources.find((resource) => resource.type === "pulumi:providers:kubernetes" && resource.urn.endsWith("::mesh-k8s"));
        assert.equal((provider?.inputs?.kubeconfig as Record<string, unknown> | undefined)?.[SECRET_SIGNATURE], "1b47061264138c4ac30d75fd1eb44270", shown(provider));
        const kubeconfig = fs.readFileSync(cluster.kubeconfig, "utf8");
        assert.ok(!JSON.stringify(state).includes(JSON.stringify(kubeconfig).slice(1, -1)), "the kubeconfig is in the state in the clear");
    });

    it("13f. the package's policy pack on the deployed stack (pulumi preview --policy-pack): no mandatory violation", () => {
        const preview = pulumi(["preview", "--policy-pack", policyLauncher(), "--policy-pack-config", policyConfig()]);
        // The CLI lists each pack that ran (backend/display/progress.go), and each violation as `[level]  name`.
        assert.match(preview.stdout, /Policies:\n {4}✅ dualstack-istio@v0\.1\.0 \(local: /, preview.stdout);
        assert.doesNotMatch(preview.stdout, /\[mandatory\]/, preview.stdout);
    });

    it("13g. a hand-written single-stack LoadBalancer Service on the dual-stack cluster fails the preview, naming the policy", () => {
        const withService = program(settings()) as ReturnType<typeof program> & { resources: Record<string, unknown> };
        withService.resources.edge = {
            type: "kubernetes:core/v1:Service",
            properties: {
                metadata: { name: "edge", namespace: "default" },
                spec: { type: "LoadBalancer", ipFamilyPolicy: "SingleStack", selector: { app: "edge" }, ports: [{ port: 80 }] },
            },
        };
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(withService));
        const failed = pulumi(["preview", "--policy-pack", policyLauncher(), "--policy-pack-config", policyConfig()], 1);
        const output = `${failed.stdout}\n${failed.stderr}`;
        assert.match(output, /❌ dualstack-istio@v0\.1\.0 /, output);
        assert.ok(
            output.includes(
                "- [mandatory]  dual-stack-services  (kubernetes:core/v1:Service: edge)\n" +
                    "          On a dual-stack cluster, LoadBalancer and istiod Services (and the Services of istiod and gateway Helm Releases) ask for both IP families.\n" +
                    "          kubernetes:core/v1:Service 'edge': spec.ipFamilyPolicy is \"SingleStack\"; allowed: RequireDualStack or PreferDualStack, with spec.ipFamilies [IPv4, IPv6] or [IPv6, IPv4]\n",
            ),
            output,
        );
        writeProgram(settings());
    });

    it("13h. pulumi destroy removes every release and Istio workload", () => {
        pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(cluster.releaseRows(), []);
        assert.deepEqual(cluster.istioWorkloadsLeft(), []);
    });
});
