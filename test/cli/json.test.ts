import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../support/run-cli";
import { tempFolder } from "../support/plan-output";

const FLEET = path.resolve(__dirname, "../../examples/fleet/tenants.yaml");

/** stdout as the one JSON document it must be, with nothing on stderr but what the command says it writes there. */
function document(stdout: string): Record<string, unknown> {
    return JSON.parse(stdout) as Record<string, unknown>;
}

describe("--json: one machine-readable document on stdout", function () {
    this.timeout(120_000);
    let work: string;
    before(() => {
        work = tempFolder("json-");
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("plan --json: the stack, the summary rows, the warnings, and exactly the resources plan.json holds", async () => {
        const out = path.join(work, "plan");
        const run = await runCli("plan", "--json", "--set", "istio.version=1.28.0", "--out", out);
        assert.equal(run.status, 0, run.stderr);
        const plan = document(run.stdout);
        assert.deepEqual(Object.keys(plan), ["kind", "version", "stack", "cloud", "clusterName", "summary", "warnings", "resources"]);
        assert.deepEqual([plan.kind, plan.version, plan.stack, plan.cloud, plan.clusterName], ["dualstack-istio/plan", 1, "dev", "gcp", "dualstack-demo"]);
        assert.deepEqual((plan.summary as { label: string }[]).map((row) => row.label).slice(0, 3), ["Cluster", "IP families", "Istio"]);
        assert.deepEqual(plan.warnings, [
            {
                field: "gcp.authorizedNetworks",
                message: "not set: the control-plane endpoint accepts connections from any address (Google authentication still applies); list your networks to restrict it",
            },
            { field: "kubernetesVersion", message: "Istio 1.28.0 was tested with Kubernetes 1.30 to 1.34, not 1.35" },
            { field: "istio.version", message: "Istio 1.28 reached end of life on 2026-07-01 and gets no security fixes" },
        ]);
        assert.deepEqual(plan.resources, (JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: unknown }).resources);
        // The files' line goes to stderr, so stdout stays one document.
        assert.match(run.stderr, /^Wrote plan\.json, plan\.md, .* to /);
    });

    it("values --json: chart, format, the values and the warnings in the document, nothing on stderr", async () => {
        const run = await runCli("values", "--json", "--chart", "gateway", "--istio-version", "1.23.6", "--kubernetes-version", "1.30");
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stderr, "");
        const values = document(run.stdout);
        assert.deepEqual(Object.keys(values), ["kind", "version", "chart", "format", "values", "warnings"]);
        assert.deepEqual([values.kind, values.chart, values.format], ["dualstack-istio/values", "gateway", "helm"]);
        assert.deepEqual(values.values, { service: { type: "LoadBalancer", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] } });
        assert.deepEqual(values.warnings, [
            "--istio-version: Istio 1.23 reached end of life on 2025-04-16 and gets no security fixes",
            "--chart: Istio 1.23.6's gateway chart is refused by Helm 3.18.5 and newer: its values.schema.json forbids its own values (istio/istio#57354): install it with helm install --skip-schema-validation (Helm 3.16 or newer), or use Istio 1.25.5 or newer",
        ]);
    });

    it("fleet plan --json: what fleet.json holds, with its kind and version", async () => {
        const out = path.join(work, "fleet");
        const run = await runCli("fleet", "plan", FLEET, "--json", "--out", out, "--concurrency", "1");
        assert.equal(run.status, 0, run.stderr);
        const fleet = document(run.stdout);
        assert.deepEqual(Object.keys(fleet), ["kind", "version", "tenants", "warnings"]);
        assert.deepEqual(
            { ...fleet, kind: undefined, version: undefined },
            { kind: undefined, version: undefined, ...JSON.parse(fs.readFileSync(path.join(out, "fleet.json"), "utf8")) },
        );
        assert.equal(fleet.kind, "dualstack-istio/fleet-plan");
    });

    it("a refusal under --json is still one error line on stderr and exit 2, with nothing on stdout", async () => {
        const run = await runCli("plan", "--json", "--set", "istio.mode=ambient", "--set", "istio.version=1.23.6");
        assert.deepEqual([run.status, run.stdout], [2, ""]);
        assert.match(run.stderr, /^error: [^\n]+\n$/);
    });
});
