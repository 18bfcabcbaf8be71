import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exitCodeOf, fleetRunCommand, formatChanges, renderOutcomes } from "../../cli/fleet-run-command";
import { planFleet } from "../../fleet/fleet-plan";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import {
    FleetOperation,
    runFleet,
    runLogDir,
    TenantStatus,
    type FleetReporter,
    type PreparedStacks,
    type ResourceChanges,
    type TenantOutcome,
    type TenantRun,
    type TenantStacks,
} from "../../fleet/orchestrator";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";

function tenantsYaml(count: number, extra = ""): string {
    const names = Array.from({ length: count }, (_, index) => `  - name: t${index}\n`).join("");
    return `defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\n${extra}tenants:\n${names}`;
}

function tenants(count: number): readonly PlannedTenant[] {
    return planFleet(parseTenantsFile(tenantsYaml(count), "tenants.yaml", "/fleet"), TODAY).tenants;
}

/** A deferred: lets a test decide when each tenant's operation ends. */
function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((yes, no) => {
        resolve = yes;
        reject = no;
    });
    return { promise, resolve, reject };
}

/**
 * The workspace boundary's test double: records every call, tracks how many tenants run at once,
 * and ends each tenant's operation as the test says (at once by default).
 */
class FakeStacks implements TenantStacks {
    readonly calls: string[] = [];
    running = 0;
    maxRunning = 0;
    prepared: string[] = [];
    readonly pending = new Map<string, ReturnType<typeof deferred<ResourceChanges>>>();
    behaviour: (request: TenantRun) => Promise<ResourceChanges> = () => Promise.resolve({ create: 3 });

    prepare(list: readonly PlannedTenant[]): Promise<PreparedStacks> {
        this.prepared = list.map((tenant) => tenant.name);
        return Promise.resolve({ backend: "s3://fleet-state" });
    }

    async run(request: TenantRun): Promise<ResourceChanges> {
        this.calls.push(`${request.operation} ${request.tenant.name}`);
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        try {
            return await this.behaviour(request);
        } finally {
            this.running--;
        }
    }

    /** Each run waits until the test settles it through `pending`. */
    held(): this {
        this.behaviour = (request) => {
            const gate = deferred<ResourceChanges>();
            this.pending.set(request.tenant.name, gate);
            request.signal.addEventListener("abort", () => gate.reject(new Error("error: update canceled")));
            return gate.promise;
        };
        return this;
    }
}

class RecordingReporter implements FleetReporter {
    readonly events: string[] = [];
    started(tenant: string): void {
        this.events.push(`started ${tenant}`);
    }
    step(tenant: string, stepsDone: number): void {
        this.events.push(`step ${tenant} ${stepsDone}`);
    }
    finished(outcome: TenantOutcome): void {
        this.events.push(`finished ${outcome.tenant} ${outcome.status}`);
    }
}

function logDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "fleet-logs-"));
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits (a bounded number of turns of the event loop, with file I/O in them) for a condition. */
async function eventually(condition: () => boolean): Promise<void> {
    for (let turn = 0; turn < 500 && !condition(); turn++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
    }
}

describe("fleet orchestration (against a test double of the workspace boundary)", () => {
    it("never runs more than N tenants at once, and runs every tenant once, in file order", async () => {
        for (const concurrency of [1, 3, 8]) {
            const stacks = new FakeStacks();
            stacks.behaviour = async () => {
                await new Promise((resolve) => setTimeout(resolve, 2));
                return { create: 1 };
            };
            const outcomes = await runFleet({ tenants: tenants(7), operation: FleetOperation.Up, stacks, concurrency, logDir: logDir(), reporter: new RecordingReporter() });
            assert.equal(stacks.maxRunning, Math.min(concurrency, 7), `concurrency ${concurrency}`);
            assert.deepEqual(stacks.calls, ["up t0", "up t1", "up t2", "up t3", "up t4", "up t5", "up t6"]);
            assert.deepEqual(
                outcomes.map((outcome) => [outcome.tenant, outcome.status]),
                tenants(7).map((tenant) => [tenant.name, TenantStatus.Succeeded]),
            );
        }
    });

    it("starts the next tenant only when one finishes", async () => {
        const stacks = new FakeStacks().held();
        const run = runFleet({ tenants: tenants(3), operation: FleetOperation.Up, stacks, concurrency: 2, logDir: logDir(), reporter: new RecordingReporter() });
        await tick();
        assert.deepEqual(stacks.calls, ["up t0", "up t1"]);
        stacks.pending.get("t1")?.resolve({ create: 1 });
        await eventually(() => stacks.calls.length === 3);
        assert.deepEqual(stacks.calls, ["up t0", "up t1", "up t2"]);
        assert.equal(stacks.running, 2);
        stacks.pending.get("t0")?.resolve({});
        stacks.pending.get("t2")?.resolve({});
        assert.equal((await run).length, 3);
    });

    it("isolates a failure: the others run to the end, the failure is reported with the engine's first error", async () => {
        const stacks = new FakeStacks();
        stacks.behaviour = (request) => {
            request.log(`output of ${request.tenant.name}\n`);
            if (request.tenant.name === "t1") {
                request.progress({ kind: "step", urn: "urn:a", op: "create" });
                request.progress({ kind: "error", message: "gcp:container:Cluster (t1): googleapi: Error 403: quota exceeded\nmore detail" });
                request.progress({ kind: "error", message: "a later error" });
                return Promise.reject(new Error("code: 255\n stdout: …"));
            }
            if (request.tenant.name === "t2") {
                return Promise.reject(new Error("stack select failed: lock held\nsecond line"));
            }
            request.progress({ kind: "step", urn: "urn:a", op: "create" });
            return Promise.resolve({ create: 20, same: 2 });
        };
        const reporter = new RecordingReporter();
        const directory = logDir();
        const outcomes = await runFleet({ tenants: tenants(4), operation: FleetOperation.Up, stacks, concurrency: 2, logDir: directory, reporter });
        assert.deepEqual(
            outcomes.map(({ tenant, status, changes, message }) => ({ tenant, status, changes, message })),
            [
                { tenant: "t0", status: "succeeded", changes: { create: 20, same: 2 }, message: undefined },
                { tenant: "t1", status: "failed", changes: {}, message: "gcp:container:Cluster (t1): googleapi: Error 403: quota exceeded" },
                { tenant: "t2", status: "failed", changes: {}, message: "stack select failed: lock held" },
                { tenant: "t3", status: "succeeded", changes: { create: 20, same: 2 }, message: undefined },
            ],
        );
        assert.equal(exitCodeOf(outcomes), 1);
        // Each tenant's output in its own file, nothing of another's.
        assert.deepEqual(fs.readdirSync(directory).sort(), ["t0.log", "t1.log", "t2.log", "t3.log"]);
        const t1 = fs.readFileSync(path.join(directory, "t1.log"), "utf8");
        assert.match(t1, /^# dualstack-istio fleet up: tenant t1, started \d{4}-\d\d-\d\dT/);
        assert.match(t1, /output of t1\n/);
        assert.match(t1, /# failed: code: 255/);
        assert.doesNotMatch(t1, /output of t0/);
        assert.deepEqual(reporter.events.filter((event) => event.startsWith("finished")).sort(), [
            "finished t0 succeeded",
            "finished t1 failed",
            "finished t2 failed",
            "finished t3 succeeded",
        ]);
        assert.ok(reporter.events.includes("step t1 1"));
    });

    it("cancellation stops new work: running tenants finish, the rest are skipped", async () => {
        const stacks = new FakeStacks().held();
        const stopNew = new AbortController();
        const reporter = new RecordingReporter();
        const directory = logDir();
        const run = runFleet({ tenants: tenants(5), operation: FleetOperation.Up, stacks, concurrency: 2, logDir: directory, reporter, stopNew: stopNew.signal });
        await tick();
        assert.deepEqual(stacks.calls, ["up t0", "up t1"]);
        stopNew.abort();
        stacks.pending.get("t0")?.resolve({ create: 1 });
        stacks.pending.get("t1")?.resolve({ create: 1 });
        const outcomes = await run;
        assert.deepEqual(stacks.calls, ["up t0", "up t1"], "no tenant started after the cancellation");
        assert.deepEqual(
            outcomes.map((outcome) => outcome.status),
            ["succeeded", "succeeded", "skipped", "skipped", "skipped"],
        );
        assert.equal(exitCodeOf(outcomes), 130);
        assert.deepEqual(
            outcomes.map((outcome) => outcome.logFile && path.basename(outcome.logFile)),
            ["t0.log", "t1.log", undefined, undefined, undefined],
        );
        assert.deepEqual(fs.readdirSync(directory).sort(), ["t0.log", "t1.log"], "no log for a tenant that never started");
    });

    it("makes the run's log folder only when a tenant starts", async () => {
        const stopNew = new AbortController();
        stopNew.abort();
        const directory = path.join(logDir(), "run");
        const outcomes = await runFleet({
            tenants: tenants(2),
            operation: FleetOperation.Up,
            stacks: new FakeStacks(),
            concurrency: 2,
            logDir: directory,
            reporter: new RecordingReporter(),
            stopNew: stopNew.signal,
        });
        assert.deepEqual(
            outcomes.map((outcome) => outcome.status),
            ["skipped", "skipped"],
        );
        assert.equal(fs.existsSync(directory), false);
    });

    it("names each run's log folder by its UTC start time and a random suffix", () => {
        const at = Date.UTC(2026, 10, 25, 10, 15, 30, 123);
        const first = runLogDir("/w/logs/up", at);
        assert.match(first, /^\/w\/logs\/up\/20261125T101530Z-[0-9a-f]{4}$/);
        const names = new Set(Array.from({ length: 50 }, () => runLogDir("/w/logs/up", at)));
        assert.ok(names.size > 40, "runs started in the same second get folders of their own");
    });

    it("cancelling the running operations hands them the abort, and they end as cancelled", async () => {
        const stacks = new FakeStacks().held();
        const stopNew = new AbortController();
        const stopRunning = new AbortController();
        const run = runFleet({
            tenants: tenants(3),
            operation: FleetOperation.Destroy,
            stacks,
            concurrency: 2,
            logDir: logDir(),
            reporter: new RecordingReporter(),
            stopNew: stopNew.signal,
            stopRunning: stopRunning.signal,
        });
        await tick();
        stopNew.abort();
        stopRunning.abort();
        const outcomes = await run;
        assert.deepEqual(
            outcomes.map(({ status, message }) => [status, message]),
            [
                ["cancelled", "error: update canceled"],
                ["cancelled", "error: update canceled"],
                ["skipped", undefined],
            ],
        );
    });

    it("refuses a concurrency below 1", async () => {
        await assert.rejects(
            runFleet({ tenants: tenants(1), operation: FleetOperation.Up, stacks: new FakeStacks(), concurrency: 0, logDir: logDir(), reporter: new RecordingReporter() }),
            /concurrency must be a whole number of at least 1, got 0/,
        );
    });
});

describe("fleet preview|up|destroy command", () => {
    function writeFleet(yaml: string): string {
        return tempFile("tenants.yaml", yaml);
    }

    async function command(operation: FleetOperation, yaml: string, flags: Parameters<typeof fleetRunCommand>[2] = {}, stacks = new FakeStacks()) {
        const output: string[] = [];
        const file = writeFleet(yaml);
        const result = await fleetRunCommand(
            operation,
            file,
            { workDir: path.join(path.dirname(file), "work"), ...flags },
            { stacks, write: (text) => output.push(text), today: TODAY },
        );
        return { ...result, output: output.join(""), stacks, file };
    }

    it("runs the chosen tenants, prints progress and a summary, and exits 0 when all succeed", async () => {
        const { exitCode, output, stacks, file } = await command(FleetOperation.Preview, tenantsYaml(3), { tenant: ["t2", "t0"], concurrency: "1" });
        assert.equal(exitCode, 0);
        assert.deepEqual(stacks.prepared, ["t0", "t2"]);
        assert.deepEqual(stacks.calls, ["preview t0", "preview t2"]);
        const runs = path.join(path.dirname(file), "work", "logs", "preview");
        assert.equal(fs.readdirSync(runs).length, 1);
        const logs = path.join(runs, fs.readdirSync(runs)[0]);
        assert.deepEqual(fs.readdirSync(logs).sort(), ["t0.log", "t2.log"]);
        assert.deepEqual(output.split("\n").slice(0, 5), [
            `preview: 2 tenants, at most 1 at once, state in s3://fleet-state; logs in ${logs}`,
            `[t0] preview started (log: ${logs}/t0.log)`,
            "[t0] preview succeeded in 0s: create 3",
            `[t2] preview started (log: ${logs}/t2.log)`,
            "[t2] preview succeeded in 0s: create 3",
        ]);
        assert.match(output, /\nTenant {2}Result {5}Changes {3}Time {2}Log\nt0 {6}succeeded {2}create 3 {2}0s {4}\S+t0.log\n/);
        assert.match(output, /\n2 succeeded\n$/);
    });

    it("exits 1 when a tenant failed and lists why", async () => {
        const stacks = new FakeStacks();
        stacks.behaviour = (request) => (request.tenant.name === "t1" ? Promise.reject(new Error("boom")) : Promise.resolve({}));
        const { exitCode, output } = await command(FleetOperation.Up, tenantsYaml(3), {}, stacks);
        assert.equal(exitCode, 1);
        assert.match(output, /\n2 succeeded, 1 failed\n {2}t1: boom\n$/);
        assert.match(output, /\[t1\] up failed after 0s: boom\n/);
    });

    it("checks the whole fleet before anything runs, and the flags", async () => {
        const stacks = new FakeStacks();
        await assert.rejects(command(FleetOperation.Up, `${tenantsYaml(2)}  - name: t0\n`, {}, stacks), /tenants\[2\].name: 't0' is already the name of tenants\[0\]/);
        await assert.rejects(
            command(FleetOperation.Up, tenantsYaml(2), { tenant: ["t3"] }, stacks),
            /^InputError: --tenant: 't3' is not a tenant of this file; did you mean 't0'\?$/,
        );
        await assert.rejects(command(FleetOperation.Up, tenantsYaml(2), { tenant: ["acme"] }, stacks), /--tenant: 'acme' is not a tenant of this file; tenants: t0, t1$/);
        await assert.rejects(
            command(FleetOperation.Up, tenantsYaml(2), { concurrency: "0" }, stacks),
            /--concurrency: expected a whole number (of at least 1|from 1 to \d+), got '0'/,
        );
        await assert.rejects(
            command(FleetOperation.Up, tenantsYaml(2), { concurrency: "two" }, stacks),
            /--concurrency: expected a whole number (of at least 1|from 1 to \d+), got 'two'/,
        );
        assert.deepEqual(stacks.calls, []);
        assert.deepEqual(stacks.prepared, []);
    });

    it("refuses to destroy clusters with deletion protection, naming each tenant, before anything runs", async () => {
        const stacks = new FakeStacks();
        await assert.rejects(command(FleetOperation.Destroy, tenantsYaml(2), {}, stacks), (error: Error & { problems?: string[] }) => {
            assert.deepEqual(
                error.problems?.map((problem) => problem.replace(/^.*tenants.yaml: /, "")),
                ["t0", "t1"].map((name) => `tenant '${name}': gcp.deletionProtection: is true, so the cluster cannot be destroyed; set it to false, run fleet up, then destroy`),
            );
            return true;
        });
        assert.deepEqual(stacks.calls, []);
        const { exitCode } = await command(FleetOperation.Destroy, tenantsYaml(2, "    deletionProtection: false\n"), {}, stacks);
        assert.equal(exitCode, 0);
        assert.deepEqual(stacks.calls, ["destroy t0", "destroy t1"]);
    });
});

describe("fleet summary", () => {
    it("formats changes in Pulumi's order and outcomes as a table", () => {
        assert.equal(formatChanges({ same: 4, create: 2, delete: 1, update: 0 }), "create 2, delete 1, same 4");
        assert.equal(formatChanges({}), "no changes");
        const outcomes: TenantOutcome[] = [
            { tenant: "acme", status: "succeeded", changes: { create: 56 }, durationMs: 754_000, logFile: "logs/acme.log" },
            { tenant: "globex", status: "failed", changes: {}, message: "quota", durationMs: 5_000, logFile: "logs/globex.log" },
            { tenant: "initech", status: "skipped", changes: {}, durationMs: 0 },
        ];
        assert.equal(
            renderOutcomes(outcomes),
            [
                "Tenant   Result     Changes    Time    Log",
                "acme     succeeded  create 56  12m34s  logs/acme.log",
                "globex   failed     -          5s      logs/globex.log",
                "initech  skipped    -          -       -",
                "",
                "1 succeeded, 1 failed, 1 skipped",
                "  globex: quota",
                "",
            ].join("\n"),
        );
    });
});
