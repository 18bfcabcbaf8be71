import assert from "node:assert/strict";
import * as path from "node:path";
import { runOffline } from "../../engine/offline-engine";

const PROGRAM = path.resolve(__dirname, "../../examples/istio-on-existing-cluster/index.ts");

describe("examples/istio-on-existing-cluster", () => {
    it("plans base, istiod and a NodePort gateway on the kubeconfig context", async () => {
        const run = await runOffline(
            async () => {
                // The program's exports are its stack outputs, as under `pulumi up`.
                const outputs: Record<string, unknown> = { ...(await import(PROGRAM)) };
                return outputs;
            },
            {
                project: "istio-on-existing-cluster",
                config: {
                    "istio-on-existing-cluster:context": "kind-dual-stack",
                    "istio-on-existing-cluster:kubernetesVersion": "1.33",
                },
            },
        );
        const provider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
        assert.deepEqual(provider?.inputs, { context: "kind-dual-stack" });
        const releases = run.resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release");
        assert.deepEqual(releases.map((release) => release.inputs.name).sort(), ["istio-base", "istio-ingressgateway", "istiod"]);
        const gateway = releases.find((release) => release.inputs.name === "istio-ingressgateway");
        assert.deepEqual(gateway?.inputs.values, {
            service: { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "RequireDualStack", type: "NodePort" },
        });
        assert.equal(run.stackOutputs.istiodImage, "docker.io/istio/pilot:1.30.3");
    });
});
