import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { laneError, laneFailure, PlanLanes, type LaneJob } from "../../cli/fleet-plan-lanes";
import * as planCommandModule from "../../cli/plan-command";
import { planFleet } from "../../fleet/fleet-plan";
import { readTenantsFile } from "../../fleet/tenants-file";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import { folderEntries } from "../support/plan-output";
import { InputError, OperationError } from "../../components/errors";
import { runBin, runCli } from "../support/run-cli";

// Relative to the working folder, the repository's root when mocha runs.
const EXAMPLE = "examples/fleet/tenants.yaml";

/** `fleet plan EXAMPLE --out <a new folder> ...flags`, run by `main()` in this process. */
async function fleetPlan(...flags: string[]) {
    const out = outFolder();
    return planned(out, await runCli("fleet", "plan", EXAMPLE, "--out", out, ...flags));
}

/**
 * The same, run by the compiled bin in a process of its own, for several lanes: in this process
 * the lanes' workers would load the TypeScript sources under ts-node, several seconds each, where
 * the bin's compiled workers start in well under one.
 */
function fleetPlanProcess(...flags: string[]) {
    const out = outFolder();
    return planned(out, runBin(["fleet", "plan", EXAMPLE, "--out", out, ...flags]));
}

function outFolder(): string {
    return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fleet-lanes-")), "out");
}

function planned(out: string, result: { status: number | null; stdout: string; stderr: string }) {
    return { status: result.status, stdout: result.stdout.replace(out, "OUT"), stderr: result.stderr, files: fs.existsSync(out) ? folderEntries(out) : {} };
}

describe("fleet plan on several lanes", function () {
    this.timeout(120_000);

    it("prints and writes exactly what one lane does, byte for byte, on 1, 2 and 3 lanes", async () => {
        const serial = await fleetPlan("--concurrency", "1");
        assert.equal(serial.status, 0, serial.stderr);
        // Each tenant's plan, report, IstioOperator and one values file per Helm Release (the EKS
        // tenant's load-balancer controller, the canary's CNI), the fleet's summary, and the list of
        // the files the plan owns there (.dualstack-istio-plan.json).
        assert.equal(Object.keys(serial.files).length, 4 * 6 + 2 + 1 + 1);
        assert.ok(serial.files["initech/aws-load-balancer-controller-values.yaml"] && serial.files["globex/istiod-canary-values.yaml"] && serial.files["fleet.json"]);
        for (const lanes of ["2", "3"]) {
            const parallel = fleetPlanProcess("--concurrency", lanes);
            assert.equal(parallel.status, 0, parallel.stderr);
            assert.equal(parallel.stdout, serial.stdout);
            assert.equal(parallel.stderr, serial.stderr);
            assert.deepEqual(parallel.files, serial.files);
        }
    });

    it("refuses a concurrency that is not a whole number from 1 to 64, naming the flag, exit 2, writing nothing", async () => {
        for (const bad of ["0", "two", "-1", "65", "99999999999"]) {
            const result = await fleetPlan("--concurrency", bad);
            assert.equal(result.status, 2);
            assert.equal(result.stderr, `error: --concurrency: expected a whole number from 1 to 64, got '${bad}'\n`);
            assert.deepEqual(result.files, {});
        }
    });

    it("ends a failed tenant the same from this thread and from a worker: bad input, a failed operation, or a bug", () => {
        const job = { index: 3, name: "acme" } as LaneJob;
        // A worker posts the failure as data; structuredClone is that trip.
        const across = (error: unknown) => laneError(structuredClone(laneFailure(job, error)));
        const input = across(new InputError("--out", "is a file"));
        assert.ok(input instanceof InputError);
        assert.equal(input.message, "--out: is a file");
        const failed = across(new OperationError("the program failed: boom"));
        assert.ok(failed instanceof OperationError);
        assert.equal(failed.message, "tenant 'acme': the program failed: boom");
        const bug = across(new TypeError("x is undefined"));
        assert.ok(!(bug instanceof OperationError) && !(bug instanceof InputError));
        assert.equal(bug.message, "tenant 'acme': x is undefined");
    });
});

describe("fleet plan lanes: a failure", function () {
    this.timeout(120_000);

    it("on a worker ends the plan once this thread's tenant is done: it takes no other, and once the lanes close nothing more is written", async () => {
        const planned = planFleet(readTenantsFile(EXAMPLE)).tenants;
        // t0 goes to this thread (slowed down), t1 and t2 to the worker (t1 broken), t3 would be this thread's next.
        const broken = { ...planned[1], plan: { ...planned[1].plan, config: { ...planned[1].plan.config, cloud: "nowhere" } } } as unknown as PlannedTenant;
        const tenants = [planned[0], broken, planned[2], planned[3]];
        const seam = planCommandModule as unknown as { planOffline: (plan: unknown, stack: string) => Promise<unknown> };
        const planOffline = seam.planOffline;
        const hereStarted: string[] = [];
        const events: string[] = [];
        const lanes = new PlanLanes(2);
        // The worker's first answer is t1's failure; this thread's t0 waits for it (and a moment more,
        // for the plan to stop). Heard after the lanes' own listener, which is set once plan() starts.
        const worker = (lanes as unknown as { workers: Worker[] }).workers[0];
        seam.planOffline = async (plan, stack) => {
            hereStarted.push(stack);
            await new Promise((resolve) => setImmediate(resolve));
            await new Promise((resolve) => worker.once("message", resolve));
            await new Promise((resolve) => setTimeout(resolve, 50));
            const result = await planOffline(plan, stack);
            events.push("this thread's tenant done");
            return result;
        };
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "lanes-failure-"));
        try {
            const failure = await lanes.plan(tenants, out).then(
                () => assert.fail("the plan succeeded"),
                (error: unknown) => {
                    events.push("plan ended");
                    return { error };
                },
            );
            assert.match((failure.error as Error).message, new RegExp(`^tenant '${broken.name}': `));
            assert.deepEqual(events, ["this thread's tenant done", "plan ended"]);
            assert.deepEqual(hereStarted, [planned[0].name]);
            // As fleet plan does: the lanes are closed (the worker terminated) before the output is judged.
            await lanes.close();
            const written = folderEntries(out);
            await new Promise((resolve) => setTimeout(resolve, 300));
            assert.deepEqual(folderEntries(out), written);
            assert.ok(Object.keys(written).every((file) => file.startsWith(`${planned[0].name}/`) || file.startsWith(`${planned[2].name}/`)));
        } finally {
            seam.planOffline = planOffline;
            await lanes.close();
        }
    });
});
