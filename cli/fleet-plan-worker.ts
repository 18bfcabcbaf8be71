// A worker thread of `fleet plan`: plans the tenants it is sent under its own offline engine (the
// engine's state is per thread) and writes their files; answers with each tenant's resource count.
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import { planOffline, writePlanFiles } from "./plan-command";
import type { LaneJob, LaneResult } from "./fleet-plan-lanes";

parentPort?.on("message", (job: LaneJob) => {
    void planTenant(job).then(
        (result) => parentPort?.postMessage(result),
        (error: unknown) => parentPort?.postMessage({ index: job.index, name: job.name, error: error instanceof Error ? error.message : String(error) } satisfies LaneResult),
    );
});

async function planTenant(job: LaneJob): Promise<LaneResult> {
    const { run, files } = await planOffline(job.plan, job.name);
    if (job.out !== undefined) {
        writePlanFiles(files, join(job.out, job.name));
    }
    return { index: job.index, resources: run.resources.length };
}
