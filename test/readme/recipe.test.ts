import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { makeChartsDir } from "../support/fixtures";
import { runCli } from "../support/run-cli";
import { tempFolder } from "../support/plan-output";

const README = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");

/** The fenced block right after `<!-- marker -->` in the README. */
function blockAfter(marker: string): string {
    const start = README.indexOf(`<!-- ${marker} -->`);
    assert.ok(start >= 0, `README has no <!-- ${marker} -->`);
    const fence = README.indexOf("```", start);
    const body = README.indexOf("\n", fence) + 1;
    return README.slice(body, README.indexOf("```", body));
}

// The README's recipe for a build of the experimental-dual-stack branch, executed: its config
// planned as written (the checkout's charts and the kubeconfig stood in for), and every file,
// chart and patch its helm, kubectl and istioctl lines name checked against what plan --out wrote.
describe("README recipe: your build of the experimental-dual-stack branch", function () {
    this.timeout(60_000);
    let work: string;
    let charts: string;
    before(() => {
        work = tempFolder("recipe-");
        charts = makeChartsDir();
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
        fs.rmSync(charts, { recursive: true, force: true });
    });

    it("plans as written, then every helm, kubectl and istioctl line names what plan --out wrote", async () => {
        const kubeconfig = path.join(work, "kubeconfig");
        fs.writeFileSync(kubeconfig, fs.readFileSync(path.resolve(__dirname, "../../examples/existing-cluster/kubeconfig.stand-in.yaml")));
        const config = blockAfter("recipe:config").replace("~/istio/manifests/charts", charts).replace("~/.kube/config", kubeconfig);
        fs.writeFileSync(path.join(work, "ds.yaml"), config);
        const out = path.join(work, "plan");
        const run = await runCli("plan", "--config", path.join(work, "ds.yaml"), "--out", out, "--json");
        assert.equal(run.status, 0, run.stderr);
        const resources = (JSON.parse(run.stdout) as { resources: { type: string; inputs: Record<string, unknown> }[] }).resources;

        const lines = blockAfter("recipe:commands")
            .split("\n")
            .filter((line) => line !== "" && !line.startsWith("#"));
        const helm = lines.filter((line) => line.startsWith("helm install "));
        const releases = resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release");
        // One helm line per planned release, each with its name, namespace, chart folder and values file.
        assert.deepEqual(
            helm.map((line) => {
                const [, , name, chart, , namespace] = line.split(" ");
                const values = /-f (\S+)/.exec(line)?.[1] ?? "";
                return [name, namespace, chart.replace("~/istio/manifests/charts", charts), values];
            }),
            releases.map((release) => [release.inputs.name, release.inputs.namespace, release.inputs.chart, `plan/${String(release.inputs.name)}-values.yaml`]),
        );
        for (const line of helm) {
            const values = (/-f plan\/(\S+)/.exec(line) as RegExpExecArray)[1];
            assert.ok(fs.existsSync(path.join(out, values)), values);
        }
        // Each kubectl patch is the plan's ServicePatch, as the component applies it.
        const patches = resources.filter((resource) => resource.type === "kubernetes:core/v1:ServicePatch");
        assert.deepEqual(
            lines
                .filter((line) => line.startsWith("kubectl patch service "))
                .map((line) => {
                    const [, , , name, , namespace] = line.split(" ");
                    return [name, namespace, JSON.parse((/-p '(.+)'$/.exec(line) as RegExpExecArray)[1]) as unknown];
                }),
            patches.map((patch) => {
                const metadata = patch.inputs.metadata as { name: string; namespace: string };
                return [metadata.name, metadata.namespace, { spec: patch.inputs.spec }];
            }),
        );
        // istioctl's file is the IstioOperator of the same build.
        const operatorLine = lines.find((line) => line.startsWith("istioctl install -f "));
        const operator = parse(fs.readFileSync(path.join(out, (operatorLine as string).split(" ").pop()?.replace("plan/", "") ?? ""), "utf8")) as {
            kind: string;
            spec: { hub: string; tag: string };
        };
        assert.deepEqual([operator.kind, operator.spec.hub, operator.spec.tag], ["IstioOperator", "registry.example.com/istio", "ds-1"]);
    });

    it("plan --help shows the recipe's command", async () => {
        const help = await runCli("plan", "--help");
        assert.equal(help.status, 0);
        assert.match(help.stdout, /experimental-dual-stack/);
        assert.match(help.stdout, /istio\.flavor=experimental-dual-stack/);
    });
});
