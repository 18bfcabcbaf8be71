import assert from "node:assert/strict";
import * as path from "node:path";
import { runOffline } from "../../engine/offline-engine";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";

const PROGRAM = path.resolve(__dirname, "../../examples/gke/index.ts");

describe("examples/gke", () => {
    it("plans a dual-stack GKE cluster and Istio with a gateway from the stack config", async () => {
        const run = await runOffline(
            async () => {
                delete require.cache[require.resolve(PROGRAM)];
                const outputs: Record<string, unknown> = { ...(await import(PROGRAM)) };
                return outputs;
            },
            {
                project: "gke-dual-stack",
                config: { "gcp:project": "my-project", "gke-dual-stack:region": "us-central1", "gke-dual-stack:authorizedNetworks": '["81.2.69.0/24"]' },
                synthesizers: GCP_SYNTHESIZERS,
                invokes: GCP_INVOKES,
            },
        );
        const cluster = run.resources.find((resource) => resource.type === "gcp:container/cluster:Cluster");
        assert.equal(cluster?.inputs.name, "dualstack-gke");
        assert.equal(cluster?.inputs.location, "us-central1");
        assert.deepEqual(cluster?.inputs.ipAllocationPolicy, { stackType: "IPV4_IPV6", clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
        assert.deepEqual(
            run.resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release").map((resource) => resource.inputs.name),
            ["istio-base", "istiod", "istio-ingressgateway"],
        );
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        assert.equal(run.stackOutputs.clusterName, "dualstack-gke");
        assert.equal(run.stackOutputs.istiodImage, "docker.io/istio/pilot:1.30.3");
    });
});
