import assert from "node:assert/strict";
import { GkeDualStackCluster } from "../../components/gke/gke-dual-stack-cluster";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";
import type { GkeDualStackClusterArgs } from "../../components/gke/plan";
import { type OfflineRun, type RecordedResource, runOffline } from "../../engine/offline-engine";

/** The arguments most GKE component tests start from. */
export const GKE_ARGS: GkeDualStackClusterArgs = { project: "my-project", region: "europe-west4", authorizedNetworks: ["81.2.69.0/24"] };

/** One `GkeDualStackCluster` named `demo`, run on the offline engine. */
export function runGkeCluster(args: GkeDualStackClusterArgs): Promise<OfflineRun> {
    return runOffline(
        () => {
            new GkeDualStackCluster("demo", args);
        },
        { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
    );
}

/** The one resource of `type` named `name` the run registered. */
export function resource(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((candidate) => candidate.type === type && candidate.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
}
