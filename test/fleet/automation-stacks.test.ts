import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutomationStacks, commandFailure } from "../../fleet/automation-stacks";
import { planFleet } from "../../fleet/fleet-plan";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import { FleetOperation, runFleet, type FleetReporter, type TenantProgress } from "../../fleet/orchestrator";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { kubeconfigText, tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";

/** The version of a provider SDK this package depends on. */
const versions = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`@pulumi/${name}/package.json`), "utf8")) as { version: string }).version;

// The Automation API cannot be mocked (pulumi/pulumi#7790), so these tests run the real
// AutomationStacks against a fake `pulumi` on PATH that answers what the API sends and records it.
const FAKE = path.resolve(__dirname, "support/fake-pulumi.js");

interface Call {
    readonly args: string[];
    readonly cwd: string;
}

function fleetOf(yaml: string): readonly PlannedTenant[] {
    return planFleet(parseTenantsFile(yaml, "tenants.yaml", "/fleet"), TODAY).tenants;
}

const GCP = "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\n";

const silent: FleetReporter = { started: () => undefined, step: () => undefined, finished: () => undefined };

describe("AutomationStacks (the Automation API, against a fake pulumi CLI)", function () {
    this.timeout(60_000);
    const saved = { ...process.env };
    let state: string;
    let workRoot: string;

    beforeEach(() => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-bin-"));
        fs.chmodSync(FAKE, 0o755);
        fs.symlinkSync(FAKE, path.join(bin, "pulumi"));
        state = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-state-"));
        workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-work-"));
        process.env.PATH = `${bin}${path.delimiter}${saved.PATH ?? ""}`;
        process.env.FAKE_PULUMI_STATE = state;
        process.env.PULUMI_CONFIG_PASSPHRASE = "test-passphrase";
        delete process.env.FAKE_PULUMI_FAIL;
        delete process.env.FAKE_PULUMI_HANG;
        delete process.env.FAKE_PULUMI_BACKEND;
        delete process.env.FAKE_PULUMI_FLAKY;
        delete process.env.FAKE_PULUMI_FORBIDDEN;
        delete process.env.FAKE_PULUMI_PLUGINS;
        delete process.env.PULUMI_IGNORE_AMBIENT_PLUGINS;
        delete process.env.FAKE_PULUMI_SIGNALS;
        delete process.env.FAKE_PULUMI_FAIL_SECRET;
    });

    afterEach(() => {
        for (const key of Object.keys(process.env)) {
            if (!(key in saved)) {
                delete process.env[key];
            }
        }
        Object.assign(process.env, saved);
    });

    function calls(): Call[] {
        return fs
            .readFileSync(path.join(state, "calls.jsonl"), "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Call);
    }

    function stackConfig(stack: string): Record<string, { value: string; secret: boolean }> {
        return (JSON.parse(fs.readFileSync(path.join(state, `stack-${stack}.json`), "utf8")) as { config: Record<string, { value: string; secret: boolean }> }).config;
    }

    it("prepares once: finds the CLI, asks the backend, installs each provider plugin the fleet needs at this package's version", async () => {
        process.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "1"; // whatever plugins this machine has on PATH
        const kubeconfig = tempFile("kube.yaml", kubeconfigText(["kind"]));
        const tenants = fleetOf(`${GCP}tenants:\n  - name: a\n  - name: b\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${kubeconfig}\n`);
        const stacks = new AutomationStacks({ workRoot });
        assert.deepEqual(await stacks.prepare(tenants), { backend: "file:///fake-state" });
        assert.deepEqual(
            calls().map((call) => call.args.join(" ")),
            ["version", "whoami --json", "plugin ls --json", `plugin install resource gcp v${versions("gcp")}`, `plugin install resource kubernetes v${versions("kubernetes")}`],
        );
    });

    it("installs no plugin the engine would find: one cached at that version or newer, or one on PATH", async () => {
        const kubeconfig = tempFile("kube.yaml", kubeconfigText(["kind"]));
        const tenants = fleetOf(`${GCP}tenants:\n  - name: a\n  - name: b\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${kubeconfig}\n`);
        process.env.FAKE_PULUMI_PLUGINS = JSON.stringify([{ name: "gcp", kind: "resource", version: `${versions("gcp").split(".")[0]}.999.0` }]);
        const ambient = fs.mkdtempSync(path.join(os.tmpdir(), "ambient-plugins-"));
        fs.writeFileSync(path.join(ambient, "pulumi-resource-kubernetes"), "#!/bin/sh\n", { mode: 0o755 });
        process.env.PATH = `${process.env.PATH ?? ""}${path.delimiter}${ambient}`;
        await new AutomationStacks({ workRoot }).prepare(tenants);
        assert.deepEqual(
            calls().map((call) => call.args.join(" ")),
            ["version", "whoami --json", "plugin ls --json"],
        );
    });

    it("says in one line that the CLI is missing, and how to install it", async () => {
        process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "empty-bin-"));
        await assert.rejects(new AutomationStacks({ workRoot }).prepare(fleetOf(`${GCP}tenants:\n  - name: a\n`)), (error: Error) => {
            assert.equal(
                error.message,
                "pulumi: the Pulumi CLI is not on PATH; install it (curl -fsSL https://get.pulumi.com | sh, or brew install pulumi/tap/pulumi) and run again",
            );
            return true;
        });
    });

    it("refuses a self-managed backend without a passphrase or secrets provider, and accepts Pulumi Cloud", async () => {
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        const tenants = fleetOf(`${GCP}tenants:\n  - name: a\n`);
        process.env.FAKE_PULUMI_BACKEND = "s3://fleet-state";
        await assert.rejects(
            new AutomationStacks({ workRoot }).prepare(tenants),
            /^InputError: PULUMI_CONFIG_PASSPHRASE: not set, and the backend s3:\/\/fleet-state keeps secrets with a passphrase; set it \(or PULUMI_CONFIG_PASSPHRASE_FILE\), or give --secrets-provider$/,
        );
        await new AutomationStacks({ workRoot, secretsProvider: "awskms://alias/fleet" }).prepare(tenants);
        process.env.FAKE_PULUMI_BACKEND = "https://api.pulumi.com";
        await new AutomationStacks({ workRoot }).prepare(tenants);
    });

    it("up: creates the tenant's stack in its own folder, sets exactly its config, runs, and reports changes and steps", async () => {
        const [tenant] = fleetOf(`${GCP}tenants:\n  - name: acme\n    istio:\n      revision: blue\n`);
        const stacks = new AutomationStacks({ workRoot, parallel: 8 });
        await stacks.prepare([tenant]);
        const progress: TenantProgress[] = [];
        const output: string[] = [];
        const changes = await stacks.run({
            tenant,
            operation: FleetOperation.Up,
            log: (text) => output.push(text),
            progress: (event) => progress.push(event),
            signal: new AbortController().signal,
        });
        assert.deepEqual(changes, { create: 2 });
        assert.deepEqual(
            progress.map((event) => (event.kind === "step" ? event.op : event.kind)),
            ["create", "create"],
        );
        assert.match(output.join(""), /Updating \(acme\):/);
        const tenantCalls = calls().slice(5); // after prepare's version, whoami, plugin ls and two installs
        assert.ok(
            tenantCalls.every((call) => call.cwd === path.join(workRoot, "acme")),
            "every call runs in the tenant's own folder",
        );
        const commands = tenantCalls.map((call) => call.args.filter((arg) => !arg.startsWith("--client=") && !arg.includes("automation-logs")).join(" "));
        assert.deepEqual(commands.slice(0, 4), [
            "stack select --stack acme",
            "stack init acme",
            "config --show-secrets --json --stack acme",
            "config set-all --stack acme --plaintext dualstack-istio:cloud=gcp --plaintext dualstack-istio:clusterName=acme " +
                '--plaintext dualstack-istio:gcp={"project":"fleet-project","authorizedNetworks":["81.2.69.0/24"]} ' +
                '--plaintext dualstack-istio:istio={"revision":"blue"} --plaintext dualstack-istio:region=europe-west4',
        ]);
        assert.match(commands[4], /^up --yes --skip-preview --parallel 8 --color never --exec-kind auto\.inline --event-log --stack acme$/);
        assert.deepEqual(stackConfig("acme")["dualstack-istio:istio"], { value: '{"revision":"blue"}', secret: false });
    });

    it("a second run removes config keys the tenants file no longer has, and keeps an inline kubeconfig secret", async () => {
        const [first] = fleetOf(`${GCP}tenants:\n  - name: acme\n    nodes:\n      count: 2\n`);
        const stacks = new AutomationStacks({ workRoot });
        await stacks.prepare([first]);
        const run = (tenant: PlannedTenant) =>
            stacks.run({ tenant, operation: FleetOperation.Preview, log: () => undefined, progress: () => undefined, signal: new AbortController().signal });
        assert.deepEqual(await run(first), { create: 2 });
        assert.ok("dualstack-istio:nodes" in stackConfig("acme"));
        const [second] = fleetOf(`${GCP}tenants:\n  - name: acme\n`);
        await run(second);
        assert.deepEqual(Object.keys(stackConfig("acme")).sort(), ["dualstack-istio:cloud", "dualstack-istio:clusterName", "dualstack-istio:gcp", "dualstack-istio:region"]);
        assert.ok(calls().some((call) => call.args.join(" ") === "config rm-all --stack acme dualstack-istio:nodes"));

        const inline = kubeconfigText(["kind"]);
        const [existing] = fleetOf(`tenants:\n  - name: onprem\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${JSON.stringify(inline)}\n`);
        await run(existing);
        assert.deepEqual(stackConfig("onprem")["dualstack-istio:existing"], { value: JSON.stringify({ kubeconfig: inline }), secret: true }, "exactly the value, set as a secret");
        assert.equal(stackConfig("onprem")["dualstack-istio:cloud"].secret, false);
        const onprem = calls().filter((call) => call.args.includes("onprem") && call.args[0] === "config");
        assert.ok(
            onprem.some((call) => call.args.join(" ") === "config set --stack onprem --secret dualstack-istio:existing"),
            "the secret through stdin",
        );
        assert.ok(
            calls().every((call) => !call.args.some((arg) => arg.includes("secret-token") || arg.includes("kind: Config"))),
            "no secret on any command line",
        );
    });

    it("a secret that fails to be set is not printed: not in the tenant's failure, nor its log", async () => {
        process.env.FAKE_PULUMI_FAIL_SECRET = "1";
        const inline = kubeconfigText(["kind"]);
        const tenants = fleetOf(`tenants:\n  - name: onprem\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${JSON.stringify(inline)}\n`);
        const stacks = new AutomationStacks({ workRoot });
        await stacks.prepare(tenants);
        const logDir = path.join(workRoot, "logs");
        const [outcome] = await runFleet({ tenants, operation: FleetOperation.Up, stacks, concurrency: 1, logDir, reporter: silent });
        assert.equal(outcome.status, "failed");
        assert.equal(outcome.message, "could not set dualstack-istio:existing: pulumi config set dualstack-istio:existing [secret]");
        const log = fs.readFileSync(path.join(logDir, "onprem.log"), "utf8");
        for (const text of [outcome.message ?? "", log]) {
            for (const leak of ["secret-token", inline, JSON.stringify(inline).slice(1, -1)]) {
                assert.ok(!text.includes(leak), text);
            }
        }
    });

    it("a failed pre-check leaves no work folder behind, and never removes one that was there", async () => {
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        const tenants = fleetOf(`${GCP}tenants:\n  - name: a\n`);
        const fresh = path.join(workRoot, "new", "work");
        await assert.rejects(new AutomationStacks({ workRoot: fresh }).prepare(tenants), /PULUMI_CONFIG_PASSPHRASE: not set/);
        assert.deepEqual(fs.readdirSync(workRoot), [], "the folders it made are gone");
        await assert.rejects(new AutomationStacks({ workRoot }).prepare(tenants), /PULUMI_CONFIG_PASSPHRASE: not set/);
        assert.deepEqual(fs.readdirSync(workRoot), [], "its own .fleet is gone, the work folder given stays");
        fs.mkdirSync(path.join(workRoot, ".fleet"));
        fs.writeFileSync(path.join(workRoot, ".fleet", "Pulumi.yaml"), "name: dualstack-istio\n");
        await assert.rejects(new AutomationStacks({ workRoot }).prepare(tenants), /PULUMI_CONFIG_PASSPHRASE: not set/);
        assert.ok(fs.existsSync(path.join(workRoot, ".fleet", "Pulumi.yaml")), "a folder that was there stays");
        process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "empty-bin-"));
        await assert.rejects(new AutomationStacks({ workRoot: fresh }).prepare(tenants), /the Pulumi CLI is not on PATH/);
        assert.equal(fs.existsSync(path.join(workRoot, "new")), false);
    });

    it("runs a fleet through runFleet: a failing tenant is reported by its engine error, the others succeed, each logs to its own file", async () => {
        process.env.FAKE_PULUMI_FAIL = "b";
        const tenants = fleetOf(`${GCP}tenants:\n  - name: a\n  - name: b\n  - name: c\n`);
        const stacks = new AutomationStacks({ workRoot });
        await stacks.prepare(tenants);
        const logDir = path.join(workRoot, "logs");
        const outcomes = await runFleet({ tenants, operation: FleetOperation.Up, stacks, concurrency: 2, logDir, reporter: silent });
        assert.deepEqual(
            outcomes.map(({ tenant, status, changes, message }) => ({ tenant, status, changes, message })),
            [
                { tenant: "a", status: "succeeded", changes: { create: 2 }, message: undefined },
                { tenant: "b", status: "failed", changes: {}, message: "gcp:container:Cluster (cluster): googleapi: Error 403: quota exceeded" },
                { tenant: "c", status: "succeeded", changes: { create: 2 }, message: undefined },
            ],
        );
        assert.match(fs.readFileSync(path.join(logDir, "b.log"), "utf8"), /Updating \(b\):[\s\S]*# failed: update failed/);
        assert.doesNotMatch(fs.readFileSync(path.join(logDir, "a.log"), "utf8"), /\(b\)/);
    });

    it("cancels a running update through its signal: Pulumi gets exactly one SIGINT and stops, the tenant ends as cancelled", async () => {
        process.env.FAKE_PULUMI_HANG = "slow";
        const signals = path.join(state, "signals");
        process.env.FAKE_PULUMI_SIGNALS = signals;
        const tenants = fleetOf(`${GCP}tenants:\n  - name: slow\n`);
        const stacks = new AutomationStacks({ workRoot });
        await stacks.prepare(tenants);
        const stopRunning = new AbortController();
        const reporter: FleetReporter = { ...silent, step: () => stopRunning.abort() };
        const outcomes = await runFleet({
            tenants,
            operation: FleetOperation.Up,
            stacks,
            concurrency: 1,
            logDir: path.join(workRoot, "logs"),
            reporter,
            stopRunning: stopRunning.signal,
        });
        assert.deepEqual(
            outcomes.map(({ status, message }) => [status, message]),
            [["cancelled", "update canceled"]],
        );
        assert.equal(fs.readFileSync(signals, "utf8"), "SIGINT\n");
    });

    it("stopNow sends each running pulumi a second SIGINT: Pulumi's stop at once", async () => {
        process.env.FAKE_PULUMI_HANG = "slow";
        const signals = path.join(state, "signals");
        process.env.FAKE_PULUMI_SIGNALS = signals;
        const tenants = fleetOf(`${GCP}tenants:\n  - name: slow\n`);
        const stopRunning = new AbortController();
        const stopNow = new AbortController();
        const stacks = new AutomationStacks({ workRoot, stopNow: stopNow.signal });
        await stacks.prepare(tenants);
        const reporter: FleetReporter = {
            ...silent,
            step: () => {
                stopRunning.abort();
                // Signals sent at the same instant would merge: the second once the first is in.
                const second = setInterval(() => {
                    if (fs.existsSync(signals)) {
                        clearInterval(second);
                        stopNow.abort();
                    }
                }, 10);
            },
        };
        const outcomes = await runFleet({
            tenants,
            operation: FleetOperation.Up,
            stacks,
            concurrency: 1,
            logDir: path.join(workRoot, "logs"),
            reporter,
            stopRunning: stopRunning.signal,
        });
        assert.equal(outcomes[0].status, "cancelled");
        assert.equal(fs.readFileSync(signals, "utf8"), "SIGINT\nSIGINT\n");
    });

    it("retries a transient backend failure in stack setup, and reports a lasting one at once", async () => {
        process.env.FAKE_PULUMI_FLAKY = "acme";
        process.env.FAKE_PULUMI_FORBIDDEN = "globex";
        const [acme, globex] = fleetOf(`${GCP}tenants:\n  - name: acme\n  - name: globex\n`);
        const stacks = new AutomationStacks({ workRoot, retryDelayMs: 1 });
        await stacks.prepare([acme, globex]);
        const run = (tenant: PlannedTenant) =>
            stacks.run({ tenant, operation: FleetOperation.Up, log: () => undefined, progress: () => undefined, signal: new AbortController().signal });
        assert.deepEqual(await run(acme), { create: 2 });
        const selects = (stack: string) => calls().filter((call) => call.args.join(" ") === `stack select --stack ${stack}`).length;
        assert.equal(selects("acme"), 2, "the select that failed, then the retry (which found no stack, so init followed)");
        assert.equal(calls().filter((call) => call.args.join(" ") === "stack init acme").length, 1);
        await assert.rejects(run(globex), /^Error: \[403\] Forbidden: you are not a member of this organization$/);
        assert.equal(selects("globex"), 1);
    });

    it("destroy and preview report their own changes", async () => {
        const [tenant] = fleetOf(`${GCP}tenants:\n  - name: acme\n`);
        const stacks = new AutomationStacks({ workRoot });
        await stacks.prepare([tenant]);
        const run = (operation: FleetOperation) => stacks.run({ tenant, operation, log: () => undefined, progress: () => undefined, signal: new AbortController().signal });
        assert.deepEqual(await run(FleetOperation.Preview), { create: 2 });
        assert.deepEqual(await run(FleetOperation.Destroy), { delete: 2 });
        assert.ok(calls().some((call) => call.args[0] === "destroy" && call.args.includes("--stack") && call.args.includes("acme")));
    });

    it("reduces a failed command to the CLI's own error line", () => {
        assert.equal(commandFailure({ commandResult: { stderr: "warning: x\nerror: no stack named 'a' found\n", stdout: "" } }), "no stack named 'a' found");
        assert.equal(commandFailure({ commandResult: { stderr: "", stdout: "something\n" } }), "something");
        assert.equal(commandFailure(new Error("plain\nmore")), "plain");
    });
});
