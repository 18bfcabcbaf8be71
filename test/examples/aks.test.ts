import assert from "node:assert/strict";
import * as path from "node:path";
import { runOffline } from "../../engine/offline-engine";
import { AZURE_INVOKES, AZURE_SYNTHESIZERS } from "../../components/aks/offline-answers";

const PROGRAM = path.resolve(__dirname, "../../examples/aks/index.ts");
const SUBSCRIPTION = "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42";

describe("examples/aks", () => {
    it("plans a dual-stack AKS cluster and Istio with a probed dual-stack gateway from the stack config", async () => {
        const run = await runOffline(
            async () => {
                delete require.cache[require.resolve(PROGRAM)];
                const outputs: Record<string, unknown> = { ...(await import(PROGRAM)) };
                return outputs;
            },
            {
                project: "aks-dual-stack",
                config: {
                    "aks-dual-stack:subscriptionId": SUBSCRIPTION,
                    "aks-dual-stack:location": "swedencentral",
                    "aks-dual-stack:vmSize": "Standard_D8ds_v5",
                    "aks-dual-stack:authorizedIpRanges": '["81.2.69.0/24"]',
                },
                synthesizers: AZURE_SYNTHESIZERS,
                invokes: AZURE_INVOKES,
            },
        );
        const cluster = run.resources.find((resource) => resource.type === "azure-native:containerservice:ManagedCluster");
        assert.equal(cluster?.inputs.resourceName, "dualstack-aks");
        assert.equal(cluster?.inputs.resourceGroupName, "dualstack-aks-rg");
        assert.equal(cluster?.inputs.location, "swedencentral");
        assert.equal(cluster?.inputs.kubernetesVersion, "1.35");
        assert.deepEqual(cluster?.inputs.apiServerAccessProfile, { authorizedIPRanges: ["81.2.69.0/24"] });
        const network = cluster?.inputs.networkProfile as Record<string, unknown>;
        assert.deepEqual([network.networkPluginMode, network.ipFamilies, network.networkDataplane], ["overlay", ["IPv4", "IPv6"], "cilium"]);
        const provider = run.resources.find((resource) => resource.type === "pulumi:providers:azure-native");
        assert.deepEqual(provider?.inputs, { environment: "public", subscriptionId: SUBSCRIPTION, location: "swedencentral" });
        const pool = run.resources.find((resource) => resource.type === "azure-native:containerservice:AgentPool");
        assert.equal(pool?.inputs.vmSize, "Standard_D8ds_v5");
        const releases = run.resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release");
        assert.deepEqual(
            releases.map((resource) => resource.inputs.name),
            ["istio-base", "istiod", "istio-ingressgateway"],
        );
        const gateway = (releases[2].inputs.values as { service: { ipFamilyPolicy: string; annotations: Record<string, string> } }).service;
        assert.equal(gateway.ipFamilyPolicy, "RequireDualStack");
        assert.equal(gateway.annotations["service.beta.kubernetes.io/port_80_health-probe_request-path"], "/healthz/ready");
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        assert.equal(run.stackOutputs.clusterName, "dualstack-aks");
        assert.match(run.stackOutputs.endpoint as string, /^https:\/\/dualstack-aks-[0-9a-f]{8}\.hcp\.[a-z]+\.azmk8s\.io:443$/);
        assert.match(run.stackOutputs.oidcIssuerUrl as string, /^https:\/\/swedencentral\.oic\.prod-aks\.azure\.com\//);
        assert.equal(run.stackOutputs.istiodImage, "docker.io/istio/pilot:1.30.3");
        assert.deepEqual(Object.keys(run.stackOutputs).sort(), ["clusterName", "endpoint", "istiodImage", "kubeconfig", "oidcIssuerUrl", "releaseStatuses"]);
        assert.deepEqual(run.diagnostics, []);
    });
});
