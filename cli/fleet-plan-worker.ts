// A worker thread of `fleet plan`: plans the tenants it is sent under its own offline engine (the
// engine's state is per thread) and writes their files; answers with each tenant's resource count.
import { parentPort } from "node:worker_threads";
import { planLaneJob, type LaneJob, type LaneResult } from "./fleet-plan-lanes";

parentPort?.on("message", (job: LaneJob) => {
    void planLaneJob(job).then(
        (resources) => parentPort?.postMessage({ index: job.index, resources } satisfies LaneResult),
        (error: unknown) => parentPort?.postMessage({ index: job.index, name: job.name, error: error instanceof Error ? error.message : String(error) } satisfies LaneResult),
    );
});
