import assert from "node:assert/strict";
import * as path from "node:path";
import { runOffline } from "../../engine/offline-engine";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../../components/eks/offline-answers";

const PROGRAM = path.resolve(__dirname, "../../examples/eks/index.ts");

describe("examples/eks", () => {
    it("plans an IPv6 EKS cluster with its dual-stack edge and Istio with a gateway from the stack config", async () => {
        const run = await runOffline(
            async () => {
                delete require.cache[require.resolve(PROGRAM)];
                const outputs: Record<string, unknown> = { ...(await import(PROGRAM)) };
                return outputs;
            },
            {
                project: "eks-ipv6-dual-stack-edge",
                config: {
                    "eks-ipv6-dual-stack-edge:region": "ap-southeast-2",
                    "eks-ipv6-dual-stack-edge:instanceType": "c7g.large",
                    "eks-ipv6-dual-stack-edge:publicAccessCidrs": '["81.2.69.0/24"]',
                },
                synthesizers: AWS_SYNTHESIZERS,
                invokes: AWS_INVOKES,
            },
        );
        const cluster = run.resources.find((resource) => resource.type === "aws:eks/cluster:Cluster");
        assert.equal(cluster?.inputs.name, "dualstack-eks");
        assert.equal(cluster?.inputs.region, "ap-southeast-2");
        assert.deepEqual(cluster?.inputs.kubernetesNetworkConfig, { ipFamily: "ipv6" });
        const group = run.resources.find((resource) => resource.type === "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(group?.inputs.instanceTypes, ["c7g.large"]);
        assert.equal(group?.inputs.amiType, "AL2023_ARM_64_STANDARD");
        assert.deepEqual(
            run.resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release").map((resource) => resource.inputs.name),
            ["aws-load-balancer-controller", "istio-base", "istiod", "istio-ingressgateway"],
        );
        const zones = run.resources.filter((resource) => resource.type === "aws:ec2/subnet:Subnet").map((resource) => resource.inputs.availabilityZone);
        assert.deepEqual(zones, ["ap-southeast-2a", "ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2b"]);
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        assert.equal(run.stackOutputs.clusterName, "dualstack-eks");
        assert.match(run.stackOutputs.vpcIpv6CidrBlock as string, /^2001:db8:[0-9a-f:]+\/56$/);
        assert.deepEqual(run.diagnostics, []);
    });
});
