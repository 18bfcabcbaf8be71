import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { withEnv } from "../support/env";
import { tempFile } from "../support/fixtures";
import { CLI_BIN, runBin, runCli } from "../support/run-cli";

// Relative to the working folder, the repository's root when mocha runs.
const EXAMPLE = "examples/fleet/tenants.yaml";

/**
 * The compiled bin in a process of its own, for a plan on several lanes (the default concurrency):
 * in this process the lanes' workers would load the TypeScript sources under ts-node, several
 * seconds each, where the bin's compiled workers start in well under one.
 */
const spawnCli = (...args: string[]) => runBin(args);

function outDir(): string {
    return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fleet-plan-")), "out");
}

describe("dualstack-istio fleet", function () {
    this.timeout(60_000);

    it("plan: checks the example fleet across clouds and prints one row per tenant", () => {
        const { status, stdout, stderr } = spawnCli("fleet", "plan", EXAMPLE);
        assert.equal(stderr, "");
        assert.equal(status, 0);
        assert.equal(
            stdout,
            [
                "Tenant    Cloud     Region        Resources  Istio            Revision",
                "acme      gcp       europe-west4         25  upstream 1.30.3  default",
                "globex    gcp       us-east1             26  upstream 1.30.3  canary",
                "initech   aws       eu-west-1            58  upstream 1.30.3  default",
                "umbrella  existing  -                     9  upstream 1.30.3  default",
                "",
                "4 tenants, 118 resources to create",
                "",
            ].join("\n"),
        );
    });

    it("plan --out writes every tenant's plan, under its own stack name, and fleet.json", () => {
        const out = outDir();
        const { status, stdout } = spawnCli("fleet", "plan", EXAMPLE, "--out", out);
        assert.equal(status, 0);
        assert.match(stdout, new RegExp(`Wrote 4 tenants' plans and fleet.json to ${out}\\n$`));
        assert.deepEqual(fs.readdirSync(out).sort(), [".dualstack-istio-plan.json", "acme", "fleet.json", "globex", "initech", "umbrella"]);
        assert.deepEqual(fs.readdirSync(path.join(out, "acme")).sort(), [
            "istio-base-values.yaml",
            "istio-ingressgateway-values.yaml",
            "istio-operator.yaml",
            "istiod-values.yaml",
            "plan.json",
            "plan.md",
        ]);
        assert.ok(fs.readdirSync(path.join(out, "globex")).includes("istio-cni-values.yaml"));
        assert.ok(fs.readdirSync(path.join(out, "initech")).includes("aws-load-balancer-controller-values.yaml"));
        for (const tenant of ["acme", "globex", "initech", "umbrella"]) {
            const plan = JSON.parse(fs.readFileSync(path.join(out, tenant, "plan.json"), "utf8")) as { resources: { urn: string }[] };
            assert.ok(
                plan.resources.every((resource) => resource.urn.startsWith(`urn:pulumi:${tenant}::dualstack-istio::`)),
                tenant,
            );
        }
        const summary = JSON.parse(fs.readFileSync(path.join(out, "fleet.json"), "utf8")) as { tenants: { tenant: string; resources: number }[]; warnings: string[] };
        assert.deepEqual(
            summary.tenants.map((row) => [row.tenant, row.resources]),
            [
                ["acme", 25],
                ["globex", 26],
                ["initech", 58],
                ["umbrella", 9],
            ],
        );
        assert.deepEqual(summary.warnings, []);
    });

    it("plan of a bad fleet: exit 2, one error line per problem, each naming its tenant, nothing written", async () => {
        const file = tempFile(
            "tenants.yaml",
            "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\ntenants:\n  - name: a\n    istio:\n      hub: HTTPS://x\n  - name: b\n    nodes:\n      count: -1\n  - name: a\n",
        );
        const out = outDir();
        const { status, stdout, stderr } = await runCli("fleet", "plan", file, "--out", out);
        assert.equal(status, 2);
        assert.equal(stdout, "");
        const lines = stderr.trimEnd().split("\n");
        assert.equal(lines.length, 3);
        assert.match(lines[0], new RegExp(`^error: ${file}: tenants\\[0\\] 'a': istio.hub: `));
        assert.equal(lines[1], `error: ${file}: tenants[1] 'b': nodes.count: must be 0 or more, got -1`);
        assert.equal(lines[2], `error: ${file}: tenants[2].name: 'a' is already the name of tenants[0]; tenant names must be unique`);
        assert.equal(fs.existsSync(out), false);
    });

    it("up without the Pulumi CLI on PATH: exit 2 and one line saying how to install it", async () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
        const { status, stdout, stderr } = await withEnv({ PATH: bin }, () => runCli("fleet", "up", EXAMPLE, "--work-dir", path.join(bin, "work")));
        assert.equal(status, 2);
        assert.equal(stdout, "");
        assert.equal(
            stderr,
            "error: pulumi: the Pulumi CLI is not on PATH; install it (curl -fsSL https://get.pulumi.com | sh, or brew install pulumi/tap/pulumi) and run again\n",
        );
    });

    it("preview of an unknown tenant, or a bad concurrency: exit 2 and one line, before Pulumi is looked for", async () => {
        assert.deepEqual((await runCli("fleet", "preview", EXAMPLE, "--tenant", "acm")).stderr, "error: --tenant: 'acm' is not a tenant of this file; did you mean 'acme'?\n");
        const { status, stderr } = await runCli("fleet", "preview", EXAMPLE, "--concurrency", "0");
        assert.equal(status, 2);
        assert.equal(stderr, "error: --concurrency: expected a whole number from 1 to 64, got '0'\n");
    });

    it("export-operator prints a Stack per tenant and names the Secrets to create", async () => {
        const { status, stdout, stderr } = await runCli("fleet", "export-operator", EXAMPLE, "--repo", "https://github.com/ecloud/platform.git");
        assert.equal(status, 0);
        const stacks = parseAllDocuments(stdout).map((document) => document.toJS() as { kind: string; metadata: { name: string } });
        assert.deepEqual(
            stacks.map((stack) => `${stack.kind} ${stack.metadata.name}`),
            ["Stack dualstack-istio-acme", "Stack dualstack-istio-globex", "Stack dualstack-istio-initech", "Stack dualstack-istio-umbrella"],
        );
        assert.equal(
            stderr,
            "note: create Secret pulumi-operator/pulumi-credentials with key PULUMI_ACCESS_TOKEN\n" +
                "note: create Secret pulumi-operator/dualstack-istio-umbrella with key existing: the existing section of tenant 'umbrella' as JSON, with the kubeconfig's content inline\n",
        );
        assert.equal((await runCli("fleet", "export-operator", EXAMPLE)).stderr, "error: --repo: required; run with --help for what it takes\n");
        assert.equal((await runCli("fleet", "plan")).stderr, "error: file: required; run with --help for the arguments\n");
        assert.equal((await runCli("fleet")).stderr, "error: fleet: missing a subcommand; available: plan, preview, up, destroy, export-operator\n");
        assert.equal((await runCli("fleet", "plann", EXAMPLE)).stderr, "error: fleet: unknown subcommand 'plann'; available: plan, preview, up, destroy, export-operator\n");
    });

    it("up, Ctrl-C: the running tenant's pulumi cancels at a safe point, no other tenant starts, exit 130", async () => {
        // A fake pulumi on PATH whose update of t0 runs until interrupted; the command runs in its
        // own process group, and Ctrl-C is sent to the whole group, as a terminal does.
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-bin-"));
        const fake = path.resolve(__dirname, "../support/fake-pulumi.js");
        fs.chmodSync(fake, 0o755);
        fs.symlinkSync(fake, path.join(bin, "pulumi"));
        const state = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-state-"));
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-work-"));
        const file = tempFile(
            "tenants.yaml",
            "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: t0\n  - name: t1\n  - name: t2\n",
        );
        // A process of its own: the test is about its exit code on a signal.
        const child = spawn(process.execPath, [CLI_BIN, "fleet", "up", file, "--concurrency", "1", "--work-dir", work], {
            detached: true,
            env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, FAKE_PULUMI_STATE: state, FAKE_PULUMI_HANG: "t0", PULUMI_CONFIG_PASSPHRASE: "x" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        // Each run logs into a folder of its own under logs/up/.
        const t0Log = () => {
            const runs = path.join(work, "logs", "up");
            const log = fs.existsSync(runs)
                ? fs
                      .readdirSync(runs)
                      .map((run) => path.join(runs, run, "t0.log"))
                      .find((candidate) => fs.existsSync(candidate))
                : undefined;
            return log === undefined ? "" : fs.readFileSync(log, "utf8");
        };
        for (let wait = 0; wait < 300 && !t0Log().includes("Updating (t0):"); wait++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        process.kill(-(child.pid ?? 0), "SIGINT");
        const code = await exited;
        assert.equal(code, 130, stdout + stderr);
        assert.match(stderr, /cancelling: no new tenant starts; running ones stop at a safe point \(Ctrl-C again to stop at once\)/);
        assert.match(stdout, /\[t0\] up cancelled after \d+s: update canceled\n/);
        assert.match(stdout, /\[t1\] skipped: cancelled before it started\n\[t2\] skipped: cancelled before it started\n/);
        assert.match(stdout, /\n1 cancelled, 2 skipped\n {2}t0: update canceled\n$/);
        const updates = fs
            .readFileSync(path.join(state, "calls.jsonl"), "utf8")
            .split("\n")
            .filter((line) => line.includes('"up"'));
        assert.equal(updates.length, 1, "only t0 was ever updated");
    });
});
