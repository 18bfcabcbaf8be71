import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { InputError, OperationError } from "../components/errors";
import type { PlannedTenant } from "../fleet/planned-tenant";
import type { StackPlan } from "../program/stack-plan";
import { planOffline } from "./plan-command";
import { stageFiles } from "./plan-output";
import { planFiles } from "./plan-report";

/** One tenant for a lane: its checked plan (a structured clone of it, in a worker), planned under its own name. */
export interface LaneJob {
    readonly index: number;
    readonly name: string;
    readonly plan: StackPlan;
    /** The staging folder of `--out` to write `<name>/…` into. */
    readonly out?: string;
}

/**
 * What a lane reports for a tenant: its resource count, or why it failed, as plain data that
 * survives the trip from a worker: `field` when that was bad input (an {@link InputError} on
 * `field`, `error` its problem), `operation` when the tenant's offline program failed (an
 * {@link OperationError}); neither is a bug.
 */
export type LaneResult =
    | { readonly index: number; readonly resources: number }
    | { readonly index: number; readonly name: string; readonly error: string; readonly field?: string; readonly operation?: true };

export type LaneFailure = Extract<LaneResult, { error: string }>;

/** The {@link LaneResult} of a job that failed. */
export function laneFailure(job: LaneJob, error: unknown): LaneFailure {
    if (error instanceof InputError) {
        return { index: job.index, name: job.name, error: error.problem, field: error.field };
    }
    if (error instanceof OperationError) {
        return { index: job.index, name: job.name, error: error.message, operation: true };
    }
    return { index: job.index, name: job.name, error: error instanceof Error ? error.message : String(error) };
}

/** The error a failed lane job ends the plan with, the same from this thread and from a worker. */
export function laneError(failure: LaneFailure): Error {
    if (failure.field !== undefined) {
        return new InputError(failure.field, failure.error);
    }
    const message = `tenant '${failure.name}': ${failure.error}`;
    return failure.operation ? new OperationError(message) : new Error(message);
}

/** How many lanes `fleet plan` uses by default: one per core the process may use, at most 8 (each loads the Pulumi SDK). */
export function defaultFleetPlanLanes(cores: number = availableParallelism()): number {
    return Math.min(cores, 8);
}

/** {@link defaultFleetPlanLanes} on this machine. */
export const DEFAULT_FLEET_PLAN_LANES = defaultFleetPlanLanes();

/**
 * Lanes that plan tenants' stacks offline at once. One lane is this thread; each more is a worker
 * thread with its own offline engine (the engine's state is per thread). This thread plans too,
 * between handing out tenants: a worker holds its next tenant while it plans one, so it does not
 * wait for this thread, and one worker fewer is one SDK fewer to load (README, "Performance").
 * Workers start when the lanes are made, so they load the SDK while this thread checks the fleet.
 */
export class PlanLanes {
    private readonly workers: Worker[];

    constructor(lanes: number) {
        this.workers = Array.from({ length: Math.max(lanes - 1, 0) }, () => startWorker());
    }

    /**
     * Plans every tenant, each lane taking the next as it finishes one, and returns each tenant's
     * resource count in tenant order; `onPlanned` hears how many are planned after each. Each lane stages the files of the tenants it planned into
     * `out`, so the output is the serial run's, byte for byte, whatever the order.
     */
    async plan(tenants: readonly PlannedTenant[], out: string | undefined, onPlanned: (planned: number) => void = () => undefined): Promise<number[]> {
        const counts: number[] = new Array<number>(tenants.length);
        let planned = 0;
        const record = (index: number, resources: number) => {
            counts[index] = resources;
            onPlanned(++planned);
        };
        let next = 0;
        // Once a lane fails, no lane takes another tenant.
        let stopped = false;
        const take = (): LaneJob | undefined => {
            if (stopped || next >= tenants.length) {
                return undefined;
            }
            const index = next++;
            const tenant = tenants[index];
            return { index, name: tenant.name, plan: tenant.plan, ...(out !== undefined ? { out } : {}) };
        };
        const here = runHere(take, record);
        try {
            await Promise.all([here, ...this.workers.map((worker) => runOnWorker(worker, take, record))]);
        } catch (error) {
            // The first failure ends the plan, once this thread's tenant is done: what is closed or
            // thrown away after this is never written to by this thread (workers are terminated).
            stopped = true;
            await here.catch(() => undefined);
            throw error;
        }
        return counts;
    }

    /** Stops the workers; once stopped, none writes any more. Closing again does nothing. */
    async close(): Promise<void> {
        await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
    }
}

/** What every lane does with a tenant, here or in a worker: plan it offline, stage its files; returns its resource count. */
export async function planLaneJob(job: LaneJob): Promise<number> {
    const run = await planOffline(job.plan, job.name);
    if (job.out !== undefined) {
        stageFiles(job.out, planFiles(job.plan, run.resources), job.name);
    }
    return run.resources.length;
}

async function runHere(take: () => LaneJob | undefined, record: (index: number, resources: number) => void): Promise<void> {
    for (let job = take(); job !== undefined; job = take()) {
        try {
            record(job.index, await planLaneJob(job));
        } catch (error) {
            throw laneError(laneFailure(job, error));
        }
    }
}

/** Tenants a worker holds at once: the one it plans and the next, so it never waits for this thread. */
const IN_HAND = 2;

function runOnWorker(worker: Worker, take: () => LaneJob | undefined, record: (index: number, resources: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
        let pending = 0;
        const send = () => {
            const job = take();
            if (job !== undefined) {
                pending++;
                worker.postMessage(job);
            } else if (pending === 0) {
                resolve();
            }
        };
        worker.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
        worker.on("message", (result: LaneResult) => {
            pending--;
            if ("error" in result) {
                reject(laneError(result));
                return;
            }
            record(result.index, result.resources);
            send();
        });
        worker.on("error", reject);
        worker.on("exit", (code) => {
            if (pending > 0) {
                reject(new Error(`a fleet plan worker stopped (exit code ${code}) with ${pending} tenant${pending === 1 ? "" : "s"} in hand`));
            }
        });
        for (let held = 0; held < IN_HAND; held++) {
            send();
        }
    });
}

/** A worker running the compiled worker module, or its TypeScript source under ts-node (the test suite). */
function startWorker(): Worker {
    const extension = extname(__filename);
    return new Worker(join(__dirname, `fleet-plan-worker${extension}`), {
        execArgv: extension === ".ts" ? ["-r", "ts-node/register/transpile-only"] : [],
    });
}
