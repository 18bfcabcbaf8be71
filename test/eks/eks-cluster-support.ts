// What the EksIpv6Cluster suites share: the arguments, type names and an offline run with lookups.
import assert from "node:assert/strict";
import { EksIpv6Cluster } from "../../components/eks/eks-ipv6-cluster";
import type { EksIpv6ClusterArgs } from "../../components/eks/plan";
import { DualStackIstio } from "../../components/istio/dual-stack-istio";
import { type OfflineRun, type RecordedResource, runOffline } from "../../engine/offline-engine";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../../components/eks/offline-answers";

export const ARGS: EksIpv6ClusterArgs = { region: "eu-west-1", publicAccessCidrs: ["81.2.69.0/24", "2a01:4f8:1234::/48"] };
export const COMPONENT = "dualstack-istio:index:EksIpv6Cluster";
export const urn = (type: string, name: string) => `urn:pulumi:stack::project::${COMPONENT}$${type}::${name}`;

export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    igw: "aws:ec2/internetGateway:InternetGateway",
    eigw: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    nat: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    cluster: "aws:eks/cluster:Cluster",
    addon: "aws:eks/addon:Addon",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    release: "kubernetes:helm.sh/v3:Release",
    provider: "pulumi:providers:kubernetes",
} as const;

/** The kubeconfig text of the last run (captured through `apply`). */
export let kubeconfigSeen = "";

/** Runs an EksIpv6Cluster (and, optionally, Istio with a gateway on it) under the offline engine. */
export function runEks(args: EksIpv6ClusterArgs, withIstio = false): Promise<OfflineRun> {
    return runOffline(
        () => {
            const cluster = new EksIpv6Cluster("demo", args);
            cluster.kubeconfig.apply((text) => (kubeconfigSeen = text));
            if (withIstio) {
                new DualStackIstio("istio", { target: cluster.target, gateway: { enabled: true } });
            }
            return { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, vpcIpv6CidrBlock: cluster.vpcIpv6CidrBlock, serviceIpv6Cidr: cluster.serviceIpv6Cidr };
        },
        { synthesizers: AWS_SYNTHESIZERS, invokes: AWS_INVOKES },
    );
}

/** The one resource of a type and name. */
export function resource(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((candidate) => candidate.type === type && candidate.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
}

export const deps = (run: OfflineRun, type: string, name: string) => resource(run, type, name).dependsOn;
export const output = (run: OfflineRun, type: string, name: string, key: string) => resource(run, type, name).outputs[key] as string;
/** The id the engine gave a resource (its synthesizer is deterministic, so asking again gives the same). */
export const idOf = (run: OfflineRun, type: string, name: string) => AWS_SYNTHESIZERS[type]({ type, name, inputs: resource(run, type, name).inputs }).id;
