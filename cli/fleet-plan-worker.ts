// A worker thread of `fleet plan`: plans the tenants it is sent under its own offline engine (the
// engine's state is per thread) and stages their files; answers with each tenant's resource count.
// Before the lanes' imports load the SDK, as in the bin.
import "./enable-compile-cache";
import "./deferred-sdk-modules";
import { parentPort } from "node:worker_threads";
import { laneFailure, planLaneJob, type LaneJob, type LaneResult } from "./fleet-plan-lanes";

parentPort?.on("message", (job: LaneJob) => {
    void planLaneJob(job).then(
        (resources) => parentPort?.postMessage({ index: job.index, resources } satisfies LaneResult),
        (error: unknown) => parentPort?.postMessage(laneFailure(job, error)),
    );
});
