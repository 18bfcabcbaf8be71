import assert from "node:assert/strict";
import * as path from "node:path";
import { type OfflineRun, runOffline } from "../../engine/offline-engine";
import { cloudModule } from "../../components/config/clouds";
import type { Cloud } from "../../components/config/clouds";
import { kubeconfigText } from "../support/fixtures";

const PROGRAM = path.resolve(__dirname, "../../program/index.ts");

/** Runs the root program (Pulumi.yaml `main`) with stack config, as `pulumi up` would. */
function runRoot(config: Record<string, unknown>): Promise<OfflineRun> {
    const entries = Object.fromEntries(Object.entries(config).map(([key, value]) => [`dualstack-istio:${key}`, typeof value === "string" ? value : JSON.stringify(value)]));
    return runOffline(
        async () => {
            delete require.cache[require.resolve(PROGRAM)];
            // As the engine runs a CommonJS program: a function it exports is called, and what it returns are the outputs.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const exported: unknown = require(PROGRAM);
            const outputs = (typeof exported === "function" ? await (exported as () => Promise<unknown>)() : exported) as Record<string, unknown>;
            return outputs;
        },
        { project: "dualstack-istio", stack: "dev", config: entries, ...cloudModule(config.cloud as Cloud).offlineAnswers() },
    );
}

const summary = (run: OfflineRun) => run.resources.map((resource) => `${resource.type} ${resource.name}`);

describe("root program", () => {
    it("gcp: a GKE cluster and dual-stack Istio on it, with the outputs", async () => {
        const run = await runRoot({
            cloud: "gcp",
            clusterName: "tenant-a",
            region: "europe-west4",
            gcp: { project: "tenant-a-project", authorizedNetworks: ["81.2.69.0/24"] },
            nodes: { maxCount: "5" },
            istio: { hub: "registry.example.com/istio", tag: "1.30.3", revision: "stable", gateway: { enabled: true }, cni: { enabled: true } },
        });
        const types = summary(run);
        // 4 firewalls, network, subnet, router, NAT, key ring, key, its grant, node account, its 2 roles, cluster, node pool.
        assert.equal(types.filter((t) => t.startsWith("gcp:")).length, 16);
        assert.deepEqual(
            types.filter((t) => t.startsWith("dualstack-istio:")),
            ["dualstack-istio:index:GkeDualStackCluster tenant-a", "dualstack-istio:index:DualStackIstio istio"],
        );
        assert.deepEqual(
            types.filter((t) => t.startsWith("kubernetes:helm")),
            [
                "kubernetes:helm.sh/v3:Release istio-base",
                "kubernetes:helm.sh/v3:Release istio-cni",
                "kubernetes:helm.sh/v3:Release istio-istiod",
                "kubernetes:helm.sh/v3:Release istio-gateway",
            ],
        );
        const pool = run.resources.find((r) => r.type === "gcp:container/nodePool:NodePool");
        assert.deepEqual(pool?.inputs.autoscaling, { minNodeCount: 1, maxNodeCount: 5 });
        const istiod = run.resources.find((r) => r.name === "istio-istiod");
        assert.equal(istiod?.inputs.name, "istiod-stable");
        const values = istiod?.inputs.values as { global: { hub: string; tag: string }; revision: string };
        assert.equal(values.global.hub, "registry.example.com/istio");
        assert.equal(values.global.tag, "1.30.3");
        // GKE reaches the CNI chart as its platform profile.
        const cni = run.resources.find((r) => r.name === "istio-cni");
        assert.equal((cni?.inputs.values as { global: { platform: string } }).global.platform, "gke");
        assert.equal(values.revision, "stable");
        assert.deepEqual(
            { ...run.stackOutputs, subnetIpv6CidrRange: typeof run.stackOutputs.subnetIpv6CidrRange },
            {
                cloud: "gcp",
                clusterName: "tenant-a",
                ipFamilies: ["IPv4", "IPv6"],
                kubernetesVersion: "1.35",
                kubeconfig: "[secret]",
                endpoint: "203.0.113.10",
                subnetIpv6CidrRange: "string",
                istioRevision: "stable",
                istiodImage: "registry.example.com/istio/pilot:1.30.3",
                releaseStatuses: { base: "deployed", istiod: "deployed", cni: "deployed", gateway: "deployed" },
            },
        );
    });

    it("aws: an IPv6 EKS cluster with its dual-stack edge, and Istio for IPv6 on it, with the outputs", async () => {
        const run = await runRoot({
            cloud: "aws",
            clusterName: "tenant-b",
            region: "eu-central-1",
            aws: { publicAccessCidrs: ["81.2.69.0/24", "2a01:4f8:1234::/48"] },
            nodes: { machineType: "m7g.large", maxCount: "6" },
            istio: { gateway: { enabled: true } },
        });
        const types = summary(run);
        assert.equal(types.filter((t) => t.startsWith("aws:")).length, 48);
        assert.deepEqual(
            types.filter((t) => t.startsWith("dualstack-istio:")),
            ["dualstack-istio:index:EksIpv6Cluster tenant-b", "dualstack-istio:index:DualStackIstio istio"],
        );
        const group = run.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(group?.inputs.scalingConfig, { desiredSize: 2, minSize: 2, maxSize: 6 });
        assert.equal(group?.inputs.amiType, "AL2023_ARM_64_STANDARD");
        const istiod = run.resources.find((r) => r.name === "istio-istiod");
        // A single-family cluster: no dual-stack switches, whatever the release supports.
        assert.deepEqual((istiod?.inputs.values as { pilot: { env: object } }).pilot.env, {});
        const gateway = run.resources.find((r) => r.name === "istio-gateway");
        assert.equal(
            (gateway?.inputs.values as { service: { annotations: Record<string, string> } }).service.annotations["service.beta.kubernetes.io/aws-load-balancer-ip-address-type"],
            "dualstack",
        );
        assert.deepEqual(
            { ...run.stackOutputs, vpcIpv6CidrBlock: /^2001:db8:[0-9a-f:]+\/56$/.test(run.stackOutputs.vpcIpv6CidrBlock as string) },
            {
                cloud: "aws",
                clusterName: "tenant-b",
                ipFamilies: ["IPv6"],
                kubernetesVersion: "1.35",
                kubeconfig: "[secret]",
                endpoint: run.stackOutputs.endpoint,
                vpcIpv6CidrBlock: true,
                istioRevision: "",
                istiodImage: "docker.io/istio/pilot:1.30.3",
                releaseStatuses: { base: "deployed", istiod: "deployed", gateway: "deployed" },
            },
        );
        assert.match(run.stackOutputs.endpoint as string, /^https:\/\/[0-9A-F]{32}\.gr7\.eu-central-1\.eks\.amazonaws\.com$/);
    });

    it("existing: a provider from the kubeconfig, and Istio for the cluster's families", async () => {
        const run = await runRoot({
            cloud: "existing",
            clusterName: "onprem",
            kubernetesVersion: "1.32",
            existing: { kubeconfig: kubeconfigText(["onprem-admin"]), ipFamilies: ["IPv6", "IPv4"] },
        });
        assert.deepEqual(summary(run), [
            "pulumi:pulumi:Stack dualstack-istio-dev",
            "dualstack-istio:index:ExistingCluster onprem",
            "pulumi:providers:kubernetes onprem-k8s",
            "dualstack-istio:index:DualStackIstio istio",
            "kubernetes:core/v1:Namespace istio-istio-system",
            "kubernetes:helm.sh/v3:Release istio-base",
            "kubernetes:helm.sh/v3:Release istio-istiod",
        ]);
        const istiod = run.resources.find((r) => r.name === "istio-istiod");
        assert.deepEqual((istiod?.inputs.values as { pilot: { ipFamilies: string[] } }).pilot.ipFamilies, ["IPv6", "IPv4"]);
        assert.deepEqual(run.stackOutputs.ipFamilies, ["IPv6", "IPv4"]);
        assert.equal(run.stackOutputs.kubeconfig, undefined);
    });

    const refusals: [string, Record<string, unknown>, string][] = [
        [
            "an unknown key",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "my-project" }, istio: { gatway: {} } },
            "config: istio.gatway: unknown key; did you mean istio.gateway?",
        ],
        [
            "a component rule, by its config key",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "my-project", zones: ["us-east1-b"] } },
            "config: gcp.zones[0]: 'us-east1-b' is not a zone of europe-west4; expected e.g. europe-west4-a",
        ],
        [
            "an Istio rule, by its config key",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "my-project" }, istio: { tag: "1.30.3" } },
            "config: istio.tag: is set without hub; give the registry the tagged images live in, e.g. hub: docker.io/istio",
        ],
        [
            "Istio too new for the cluster",
            // GKE no longer offers a Kubernetes below Istio 1.30's floor; EKS still does, in extended support.
            { cloud: "aws", clusterName: "x", region: "eu-west-1", kubernetesVersion: "1.31" },
            "config: kubernetesVersion: Kubernetes 1.31 is below the minimum for Istio 1.30.3; it needs Kubernetes 1.32 or newer",
        ],
        [
            "dual-stack pods on EKS",
            { cloud: "aws", clusterName: "x", region: "eu-west-1", aws: { ipFamilies: ["IPv4", "IPv6"] } },
            "config: aws.ipFamilies: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers",
        ],
        [
            "an EKS instance type, by its config key",
            { cloud: "aws", clusterName: "x", region: "eu-west-1", nodes: { machineType: "t2.large" } },
            "config: nodes.machineType: t2.large is not a Nitro instance; IPv6 pods need prefix delegation, which only Nitro offers (e.g. m6i.large, m7g.large)",
        ],
        [
            "a key with control characters, shown as escapes",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "my-project" }, istio: { "hub\u001b]0;owned\u0007": "x" } },
            "config: istio.hub\\u001b]0;owned\\u0007: unknown key; allowed: flavor, version, hub, tag, imagePullPolicy, revision, chartsDir, chartRepository, imagePullSecrets, base, gateway, cni, mode, nativeNftables, verify",
        ],
    ];
    for (const [what, config, message] of refusals) {
        it(`refuses ${what} with one line and registers nothing`, async () => {
            await assert.rejects(runRoot(config), (error: Error & { resources: { type: string }[] }) => {
                assert.equal(error.message, message);
                assert.deepEqual(
                    error.resources.map((r) => r.type),
                    ["pulumi:pulumi:Stack"],
                );
                return true;
            });
        });
    }
});
