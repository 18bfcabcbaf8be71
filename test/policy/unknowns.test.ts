import assert from "node:assert/strict";
import { analyzeAll, type Diagnostic, PACK, PACK_VERSION, UNKNOWN, urnOf } from "./analyzer";
import { gkeCluster, istiod } from "./stacks";

/** What the SDK reports for a policy that read a value unknown during preview: advisory, not a failure. */
function notRun(policy: string, path: string, urn = ""): Diagnostic {
    return {
        policy,
        level: "advisory",
        message: `can't run policy '${policy}' from policy pack '${PACK}@v${PACK_VERSION}' during preview: string value at .${path} can't be known during preview`,
        urn,
    };
}

describe("the policy pack on values unknown during preview", () => {
    it("ignores unknowns in properties no policy reads", async () => {
        const cluster = gkeCluster({ network: UNKNOWN, subnetwork: UNKNOWN, databaseEncryption: { state: "ENCRYPTED", keyName: UNKNOWN } });
        assert.deepEqual(await analyzeAll([cluster, istiod()]), []);
    });

    it("reports a resource policy that reads an unknown as not run, and runs the others", async () => {
        const cluster = gkeCluster({ masterAuthorizedNetworksConfig: UNKNOWN, enableShieldedNodes: false });
        const found = await analyzeAll([cluster]);
        assert.deepEqual(found, [
            notRun("api-endpoint-not-open-to-world", "masterAuthorizedNetworksConfig"),
            {
                policy: "cis-secure-defaults",
                level: "advisory",
                message:
                    "The CIS benchmark controls this package's clusters have on by default are on.\ngcp:container/cluster:Cluster 'gke': enableShieldedNodes is false; allowed: true or not set (CIS GKE Benchmark v1.9.0 5.5.5: Shielded GKE Nodes are Enabled)",
                urn: urnOf(cluster),
            },
        ]);
    });

    it("reports a stack policy that reads an unknown as not run", async () => {
        const release = istiod("1.30.3", { global: { hub: "docker.io/istio", tag: UNKNOWN } });
        const cni = { ...istiod(), name: "cni" };
        assert.deepEqual(await analyzeAll([gkeCluster(), release, cni]), [notRun("istio-one-hub-and-tag", "values.global.tag")]);
    });

    it("reports every stack policy that reads an unknown istiod values object as not run", async () => {
        const release = istiod();
        release.props.values = UNKNOWN;
        assert.deepEqual(await analyzeAll([gkeCluster(), release]), [
            notRun("dual-stack-services", "values"),
            notRun("istiod-dual-stack-flags", "values"),
            notRun("istio-one-hub-and-tag", "values"),
        ]);
    });
});
