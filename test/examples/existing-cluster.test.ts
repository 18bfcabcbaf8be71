import assert from "node:assert/strict";
import * as path from "node:path";
import { runOffline } from "../../engine/offline-engine";
import { kubeconfigText, tempFile } from "../support/fixtures";

const PROGRAM = path.resolve(__dirname, "../../examples/existing-cluster/index.ts");

function runExample(config: Record<string, string>) {
    return runOffline(
        async () => {
            // A fresh module each run: its top level is the program. Its exports are the stack outputs.
            delete require.cache[require.resolve(PROGRAM)];
            const outputs: Record<string, unknown> = { ...(await import(PROGRAM)) };
            return outputs;
        },
        { project: "existing-cluster", config },
    );
}

describe("examples/existing-cluster", () => {
    it("plans the kubeconfig's provider, then base, istiod and a NodePort gateway", async () => {
        const kubeconfig = tempFile("config", kubeconfigText(["kind-other", "kind-dual-stack"]));
        const run = await runExample({
            "existing-cluster:kubeconfig": kubeconfig,
            "existing-cluster:context": "kind-dual-stack",
            "existing-cluster:kubernetesVersion": "1.33",
        });
        const provider = run.resources.find((resource) => resource.type === "pulumi:providers:kubernetes");
        assert.deepEqual(provider?.inputs, { context: "kind-dual-stack", kubeconfig: "[secret]" });
        assert.equal(provider?.parent, "urn:pulumi:stack::existing-cluster::dualstack-istio:index:ExistingCluster::kind");
        const releases = run.resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release");
        assert.deepEqual(
            releases.map((release) => release.inputs.name),
            ["istio-base", "istiod", "istio-ingressgateway"],
        );
        assert.ok(releases.every((release) => release.provider === provider?.urn));
        const gateway = releases.find((release) => release.inputs.name === "istio-ingressgateway");
        assert.deepEqual(gateway?.inputs.values, {
            service: { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "RequireDualStack", type: "NodePort" },
        });
        assert.equal(run.stackOutputs.server, "https://127.0.0.1:6444");
        assert.equal(run.stackOutputs.istiodImage, "docker.io/istio/pilot:1.30.3");
    });

    it("stops before creating anything when the context is not in the kubeconfig", async () => {
        const kubeconfig = tempFile("config", kubeconfigText(["kind-other"]));
        await assert.rejects(
            runExample({ "existing-cluster:kubeconfig": kubeconfig, "existing-cluster:context": "kind-dual-stack", "existing-cluster:kubernetesVersion": "1.33" }),
            (error: Error & { resources: unknown[] }) => {
                assert.equal(error.message.split("\n")[0], `context: context 'kind-dual-stack' is not in ${kubeconfig}; it has kind-other (ExistingCluster 'kind')`);
                assert.deepEqual(
                    error.resources.filter((resource) => (resource as { type: string }).type !== "pulumi:pulumi:Stack"),
                    [],
                );
                return true;
            },
        );
    });
});
