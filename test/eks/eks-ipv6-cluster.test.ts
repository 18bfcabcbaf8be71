import assert from "node:assert/strict";
import * as ipaddr from "ipaddr.js";
import { parse } from "yaml";
import { EksIpv6Cluster } from "../../components/eks/eks-ipv6-cluster";
import { loadBalancerControllerPolicy } from "../../components/eks/load-balancer-controller";
import type { EksIpv6ClusterArgs } from "../../components/eks/plan";
import { DualStackIstio } from "../../components/istio/dual-stack-istio";
import { type OfflineRun, OfflineRunError, type RecordedResource, runOffline } from "../../engine/offline-engine";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "../../components/eks/offline-answers";

const ARGS: EksIpv6ClusterArgs = { region: "eu-west-1", publicAccessCidrs: ["81.2.69.0/24", "2a01:4f8:1234::/48"] };
const COMPONENT = "dualstack-istio:index:EksIpv6Cluster";
const urn = (type: string, name: string) => `urn:pulumi:stack::project::${COMPONENT}$${type}::${name}`;

const T = {
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

let kubeconfigSeen = "";

function runEks(args: EksIpv6ClusterArgs, withIstio = false): Promise<OfflineRun> {
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

function resource(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((candidate) => candidate.type === type && candidate.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
}

const deps = (run: OfflineRun, type: string, name: string) => resource(run, type, name).dependsOn;
const output = (run: OfflineRun, type: string, name: string, key: string) => resource(run, type, name).outputs[key] as string;
/** The id the engine gave a resource (its synthesizer is deterministic, so asking again gives the same). */
const idOf = (run: OfflineRun, type: string, name: string) => AWS_SYNTHESIZERS[type]({ type, name, inputs: resource(run, type, name).inputs }).id;

describe("EksIpv6Cluster", () => {
    let run: OfflineRun;
    before(async () => {
        run = await runEks(ARGS, true);
    });

    it("creates exactly the network, identities, cluster, add-ons, nodes, access, provider and edge", () => {
        const names = run.resources.filter((r) => r.parent === `urn:pulumi:stack::project::${COMPONENT}::demo`).map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(names.sort(), [
            `${T.logGroup} demo-control-plane-logs`,
            `${T.eip} demo-nat`,
            `${T.eigw} demo-eigw`,
            `${T.igw} demo-igw`,
            `${T.launchTemplate} demo-nodes`,
            `${T.nat} demo-nat`,
            `${T.route} demo-private-ipv4-default`,
            `${T.route} demo-private-ipv6-default`,
            `${T.route} demo-public-ipv4-default`,
            `${T.route} demo-public-ipv6-default`,
            `${T.routeTable} demo-private`,
            `${T.routeTable} demo-public`,
            `${T.association} demo-private-0`,
            `${T.association} demo-private-1`,
            `${T.association} demo-public-0`,
            `${T.association} demo-public-1`,
            `${T.sg} demo-nodes`,
            `${T.subnet} demo-private-0`,
            `${T.subnet} demo-private-1`,
            `${T.subnet} demo-public-0`,
            `${T.subnet} demo-public-1`,
            `${T.vpc} demo-vpc`,
            `${T.accessEntry} demo-deployer`,
            `${T.accessPolicy} demo-deployer-admin`,
            `${T.addon} demo-coredns`,
            `${T.addon} demo-eks-pod-identity-agent`,
            `${T.addon} demo-kube-proxy`,
            `${T.addon} demo-vpc-cni`,
            `${T.cluster} demo-cluster`,
            `${T.nodeGroup} demo-nodes`,
            `${T.podIdentity} demo-lb-controller`,
            `${T.policy} demo-lb-controller`,
            `${T.policy} demo-vpc-cni-ipv6`,
            `${T.role} demo-cluster-role`,
            `${T.role} demo-lb-controller`,
            `${T.role} demo-node-role`,
            `${T.attachment} demo-cluster-role-AmazonEKSClusterPolicy`,
            `${T.attachment} demo-lb-controller`,
            `${T.attachment} demo-node-role-AmazonEC2ContainerRegistryPullOnly`,
            `${T.attachment} demo-node-role-AmazonEKSWorkerNodePolicy`,
            `${T.attachment} demo-node-role-AmazonEKS_CNI_Policy`,
            `${T.attachment} demo-node-role-vpc-cni-ipv6`,
            `${T.key} demo-secrets-key`,
            `${T.egress} demo-nodes-egress-ipv4`,
            `${T.egress} demo-nodes-egress-ipv6`,
            `${T.ingress} demo-nodes-ingress-self`,
            `${T.release} demo-lb-controller`,
            `${T.provider} demo-k8s`,
        ].sort());
        // Every regional AWS resource is pinned to the region; IAM is global.
        for (const r of run.resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"))) {
            assert.equal(r.inputs.region, "eu-west-1", `${r.type} ${r.name}`);
        }
    });

    it("makes a dual-stack VPC with an Amazon /56 and DNS on", () => {
        assert.deepEqual(resource(run, T.vpc, "demo-vpc").inputs, {
            region: "eu-west-1",
            cidrBlock: "10.0.0.0/16",
            assignGeneratedIpv6CidrBlock: true,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: "demo" },
        });
    });

    it("gives every subnet its IPv4 slot and a concrete /64 of the VPC's /56, distinct, in the zones AWS reports", () => {
        const vpcBlock = output(run, T.vpc, "demo-vpc", "ipv6CidrBlock");
        assert.match(vpcBlock, /^2001:db8:[0-9a-f]+:[0-9a-f]*00::\/56$/);
        const parent = ipaddr.parseCIDR(vpcBlock);
        const expected = [
            ["demo-private-0", "eu-west-1a", "10.0.0.0/20", 0, false],
            ["demo-private-1", "eu-west-1b", "10.0.16.0/20", 1, false],
            ["demo-public-0", "eu-west-1a", "10.0.128.0/20", 8, true],
            ["demo-public-1", "eu-west-1b", "10.0.144.0/20", 9, true],
        ] as const;
        const blocks = new Set<string>();
        for (const [name, zone, ipv4, index, isPublic] of expected) {
            const subnet = resource(run, T.subnet, name);
            const ipv6 = subnet.inputs.ipv6CidrBlock as string;
            const [address, length] = ipaddr.parseCIDR(ipv6);
            assert.equal(length, 64);
            assert.ok((address as ipaddr.IPv6).match(parent), `${ipv6} inside ${vpcBlock}`);
            // The /64's number inside the /56 is the 8 bits after the VPC prefix.
            assert.equal(address.toByteArray()[7], index);
            blocks.add(ipv6);
            const tier = isPublic ? "public" : "private";
            assert.deepEqual(subnet.inputs, {
                region: "eu-west-1",
                vpcId: idOf(run, T.vpc, "demo-vpc"),
                availabilityZone: zone,
                cidrBlock: ipv4,
                ipv6CidrBlock: ipv6,
                assignIpv6AddressOnCreation: true,
                ipv6Native: false,
                enableDns64: false,
                mapPublicIpOnLaunch: isPublic,
                tags: {
                    Name: `demo-${tier}-${name.slice(-1)}`,
                    [isPublic ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
                    "kubernetes.io/cluster/demo": "shared",
                },
            });
        }
        assert.equal(blocks.size, 4);
    });

    it("routes each family to the right gateway: public both to the IGW, private IPv4 to NAT and IPv6 to the egress-only gateway", () => {
        const route = (name: string) => {
            const { region, routeTableId, ...rest } = resource(run, T.route, name).inputs;
            assert.equal(region, "eu-west-1");
            return [routeTableId, rest];
        };
        const igw = resource(run, T.igw, "demo-igw");
        assert.ok(deps(run, T.route, "demo-public-ipv4-default").includes(igw.urn));
        const ids = { igw: idOf(run, T.igw, "demo-igw"), nat: idOf(run, T.nat, "demo-nat"), eigw: idOf(run, T.eigw, "demo-eigw") };
        assert.match(ids.eigw, /^eigw-0[0-9a-f]{16}$/);
        const publicTable = idOf(run, T.routeTable, "demo-public");
        const privateTable = idOf(run, T.routeTable, "demo-private");
        assert.notEqual(publicTable, privateTable);
        assert.deepEqual(route("demo-public-ipv4-default"), [publicTable, { destinationCidrBlock: "0.0.0.0/0", gatewayId: ids.igw }]);
        assert.deepEqual(route("demo-public-ipv6-default"), [publicTable, { destinationIpv6CidrBlock: "::/0", gatewayId: ids.igw }]);
        assert.deepEqual(route("demo-private-ipv4-default"), [privateTable, { destinationCidrBlock: "0.0.0.0/0", natGatewayId: ids.nat }]);
        assert.deepEqual(route("demo-private-ipv6-default"), [privateTable, { destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: ids.eigw }]);
        for (const tier of ["public", "private"]) {
            for (const index of [0, 1]) {
                const association = resource(run, T.association, `demo-${tier}-${index}`);
                assert.equal(association.inputs.routeTableId, tier === "public" ? publicTable : privateTable);
                assert.ok(association.dependsOn.includes(urn(T.subnet, `demo-${tier}-${index}`)));
            }
        }
        // The NAT gateway lives in the first public subnet, with its own address, once the IGW exists.
        const nat = resource(run, T.nat, "demo-nat");
        assert.deepEqual(nat.inputs, {
            region: "eu-west-1",
            allocationId: idOf(run, T.eip, "demo-nat"),
            subnetId: idOf(run, T.subnet, "demo-public-0"),
            connectivityType: "public",
            tags: { Name: "demo" },
        });
        assert.ok(nat.dependsOn.includes(urn(T.igw, "demo-igw")));
        assert.deepEqual(resource(run, T.eip, "demo-nat").inputs, { region: "eu-west-1", domain: "vpc", tags: { Name: "demo-nat" } });
        assert.deepEqual(resource(run, T.igw, "demo-igw").inputs, { region: "eu-west-1", vpcId: idOf(run, T.vpc, "demo-vpc"), tags: { Name: "demo" } });
        assert.deepEqual(resource(run, T.eigw, "demo-eigw").inputs, { region: "eu-west-1", vpcId: idOf(run, T.vpc, "demo-vpc"), tags: { Name: "demo" } });
    });

    it("gives nodes egress in both families and lets them reach each other", () => {
        const group = resource(run, T.sg, "demo-nodes");
        assert.deepEqual(group.inputs, {
            region: "eu-west-1",
            vpcId: idOf(run, T.vpc, "demo-vpc"),
            description: "Nodes of EKS cluster demo",
            tags: { Name: "demo-nodes" },
        });
        const rule = (type: string, name: string) => {
            const { securityGroupId, region, ...rest } = resource(run, type, name).inputs;
            assert.equal(region, "eu-west-1");
            assert.equal(securityGroupId, idOf(run, T.sg, "demo-nodes"));
            return rest;
        };
        assert.deepEqual(rule(T.egress, "demo-nodes-egress-ipv4"), { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "All IPv4 egress" });
        assert.deepEqual(rule(T.egress, "demo-nodes-egress-ipv6"), { ipProtocol: "-1", cidrIpv6: "::/0", description: "All IPv6 egress" });
        assert.deepEqual(rule(T.ingress, "demo-nodes-ingress-self"), {
            ipProtocol: "-1",
            referencedSecurityGroupId: idOf(run, T.sg, "demo-nodes"),
            description: "Nodes and pods to each other",
        });
    });

    it("grants the nodes the managed policies and a per-cluster IPv6 CNI policy with the seven actions", () => {
        const trust = (name: string) => JSON.parse(resource(run, T.role, name).inputs.assumeRolePolicy as string) as unknown;
        assert.deepEqual(trust("demo-node-role"), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
        });
        assert.deepEqual(trust("demo-cluster-role"), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        });
        assert.deepEqual(JSON.parse(resource(run, T.policy, "demo-vpc-cni-ipv6").inputs.policy as string), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: [
                        "ec2:AssignIpv6Addresses",
                        "ec2:DescribeInstances",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeTags",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeInstanceTypes",
                    ],
                    Resource: "*",
                },
                { Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:*:*:network-interface/*" },
            ],
        });
        // Auto-named, so two stacks in one account never collide (AWS's guide name is account-global).
        assert.equal(resource(run, T.policy, "demo-vpc-cni-ipv6").inputs.name, undefined);
        const attached = (name: string) => resource(run, T.attachment, name).inputs;
        const nodeRoleName = output(run, T.role, "demo-node-role", "name");
        assert.deepEqual(attached("demo-node-role-AmazonEKSWorkerNodePolicy"), { role: nodeRoleName, policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" });
        assert.deepEqual(attached("demo-node-role-AmazonEC2ContainerRegistryPullOnly"), {
            role: nodeRoleName,
            policyArn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        });
        assert.deepEqual(attached("demo-node-role-AmazonEKS_CNI_Policy"), { role: nodeRoleName, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" });
        assert.deepEqual(attached("demo-node-role-vpc-cni-ipv6"), { role: nodeRoleName, policyArn: output(run, T.policy, "demo-vpc-cni-ipv6", "arn") });
        assert.deepEqual(attached("demo-cluster-role-AmazonEKSClusterPolicy"), {
            role: output(run, T.role, "demo-cluster-role", "name"),
            policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        });
    });

    it("creates an IPv6 cluster with KMS-encrypted Secrets, all five log types, API access and a restricted public endpoint", () => {
        const cluster = resource(run, T.cluster, "demo-cluster");
        assert.deepEqual(cluster.inputs, {
            region: "eu-west-1",
            name: "demo",
            version: "1.35",
            roleArn: output(run, T.role, "demo-cluster-role", "arn"),
            kubernetesNetworkConfig: { ipFamily: "ipv6" },
            vpcConfig: {
                subnetIds: [idOf(run, T.subnet, "demo-private-0"), idOf(run, T.subnet, "demo-private-1")],
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: ["81.2.69.0/24", "2a01:4f8:1234::/48"],
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: output(run, T.key, "demo-secrets-key", "arn") } },
            enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            bootstrapSelfManagedAddons: false,
            deletionProtection: true,
        });
        assert.deepEqual(resource(run, T.key, "demo-secrets-key").inputs, {
            region: "eu-west-1",
            description: "Encrypts Secrets of EKS cluster demo",
            enableKeyRotation: true,
        });
        assert.deepEqual(resource(run, T.logGroup, "demo-control-plane-logs").inputs, { region: "eu-west-1", name: "/aws/eks/demo/cluster", retentionInDays: 90 });
        assert.ok(cluster.dependsOn.includes(urn(T.logGroup, "demo-control-plane-logs")));
        assert.ok(cluster.dependsOn.includes(urn(T.attachment, "demo-cluster-role-AmazonEKSClusterPolicy")));
    });

    it("installs vpc-cni before the nodes, which also wait for the IPv6 policy; CoreDNS after them", () => {
        for (const addon of ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"]) {
            assert.deepEqual(resource(run, T.addon, `demo-${addon}`).inputs, {
                region: "eu-west-1",
                clusterName: "demo",
                addonName: addon,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
            });
        }
        const nodeDeps = deps(run, T.nodeGroup, "demo-nodes");
        for (const before of [
            urn(T.addon, "demo-vpc-cni"),
            urn(T.attachment, "demo-node-role-vpc-cni-ipv6"),
            urn(T.attachment, "demo-node-role-AmazonEKS_CNI_Policy"),
            urn(T.attachment, "demo-node-role-AmazonEKSWorkerNodePolicy"),
            urn(T.launchTemplate, "demo-nodes"),
        ]) {
            assert.ok(nodeDeps.includes(before), before);
        }
        assert.deepEqual(deps(run, T.addon, "demo-vpc-cni"), [urn(T.cluster, "demo-cluster")]);
        assert.deepEqual(deps(run, T.addon, "demo-kube-proxy"), [urn(T.cluster, "demo-cluster")]);
        assert.deepEqual(deps(run, T.addon, "demo-coredns"), [urn(T.cluster, "demo-cluster"), urn(T.nodeGroup, "demo-nodes")].sort());
        const order = run.resources.map((r) => r.urn);
        assert.ok(order.indexOf(urn(T.addon, "demo-vpc-cni")) < order.indexOf(urn(T.nodeGroup, "demo-nodes")));
    });

    it("runs AL2023 Nitro nodes in the private subnets with IMDSv2 required, hop limit 1, encrypted disks and no SSH", () => {
        const template = resource(run, T.launchTemplate, "demo-nodes");
        const clusterSecurityGroup = (resource(run, T.cluster, "demo-cluster").outputs.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
        assert.deepEqual(template.inputs, {
            region: "eu-west-1",
            description: "Nodes of EKS cluster demo",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIpv6: "enabled" },
            vpcSecurityGroupIds: [clusterSecurityGroup, idOf(run, T.sg, "demo-nodes")],
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            tagSpecifications: [{ resourceType: "instance", tags: { Name: "demo-node" } }],
        });
        const group = resource(run, T.nodeGroup, "demo-nodes");
        assert.deepEqual(group.inputs, {
            region: "eu-west-1",
            clusterName: "demo",
            nodeRoleArn: output(run, T.role, "demo-node-role", "arn"),
            subnetIds: [idOf(run, T.subnet, "demo-private-0"), idOf(run, T.subnet, "demo-private-1")],
            amiType: "AL2023_x86_64_STANDARD",
            instanceTypes: ["m6i.large"],
            scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 4 },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: idOf(run, T.launchTemplate, "demo-nodes"), version: "1" },
        });
    });

    it("gives the deploying role (not its session) cluster-admin through an access entry, before the provider talks to the cluster", () => {
        assert.deepEqual(resource(run, T.accessEntry, "demo-deployer").inputs, {
            region: "eu-west-1",
            clusterName: "demo",
            principalArn: "arn:aws:iam::123456789012:role/deployer",
            type: "STANDARD",
        });
        assert.deepEqual(resource(run, T.accessPolicy, "demo-deployer-admin").inputs, {
            region: "eu-west-1",
            clusterName: "demo",
            principalArn: "arn:aws:iam::123456789012:role/deployer",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
        });
        assert.ok(deps(run, T.provider, "demo-k8s").includes(urn(T.accessPolicy, "demo-deployer-admin")));
    });

    it("builds a secret kubeconfig with `aws eks get-token`, and a provider from it", () => {
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        assert.deepEqual(resource(run, T.provider, "demo-k8s").inputs, { kubeconfig: "[secret]" });
        const arn = "arn:aws:eks:eu-west-1:123456789012:cluster/demo";
        const endpoint = run.stackOutputs.endpoint as string;
        assert.match(endpoint, /^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
        assert.deepEqual(parse(kubeconfigSeen), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: arn, cluster: { server: endpoint, "certificate-authority-data": Buffer.from("offline plan of EKS cluster demo: no real certificate").toString("base64") } }],
            contexts: [{ name: arn, context: { cluster: arn, user: arn } }],
            "current-context": arn,
            users: [
                {
                    name: arn,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "demo", "--output", "json"],
                            env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
                            installHint: "Install the AWS CLI v2 and configure credentials: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
                        },
                    },
                },
            ],
        });
        assert.match(run.stackOutputs.serviceIpv6Cidr as string, /^fd[0-9a-f]{2}:[0-9a-f:]+\/108$/);
    });

    it("installs the AWS Load Balancer Controller with Pod Identity, and the dual-stack gateway after it", () => {
        assert.deepEqual(JSON.parse(resource(run, T.role, "demo-lb-controller").inputs.assumeRolePolicy as string), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        });
        assert.deepEqual(JSON.parse(resource(run, T.policy, "demo-lb-controller").inputs.policy as string), loadBalancerControllerPolicy("aws"));
        assert.deepEqual(resource(run, T.podIdentity, "demo-lb-controller").inputs, {
            region: "eu-west-1",
            clusterName: "demo",
            namespace: "kube-system",
            serviceAccount: "aws-load-balancer-controller",
            roleArn: output(run, T.role, "demo-lb-controller", "arn"),
        });
        const controller = resource(run, T.release, "demo-lb-controller");
        assert.deepEqual(controller.inputs, {
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            version: "3.5.0",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            namespace: "kube-system",
            values: {
                clusterName: "demo",
                region: "eu-west-1",
                vpcId: idOf(run, T.vpc, "demo-vpc"),
                serviceAccount: { create: true, name: "aws-load-balancer-controller" },
                enableServiceMutatorWebhook: false,
            },
            timeout: 600,
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 10,
            compat: "true",
        });
        assert.equal(controller.provider, urn(T.provider, "demo-k8s"));
        for (const before of [urn(T.nodeGroup, "demo-nodes"), urn(T.addon, "demo-coredns"), urn(T.addon, "demo-eks-pod-identity-agent"), urn(T.podIdentity, "demo-lb-controller"), urn(T.attachment, "demo-lb-controller")]) {
            assert.ok(controller.dependsOn.includes(before), before);
        }
        const gateway = resource(run, T.release, "istio-gateway");
        assert.ok(gateway.dependsOn.includes(urn(T.release, "demo-lb-controller")));
        assert.ok(!resource(run, T.release, "istio-istiod").dependsOn.includes(urn(T.release, "demo-lb-controller")));
        const service = (gateway.inputs.values as { service: Record<string, unknown> }).service;
        assert.equal(service.type, "LoadBalancer");
        assert.equal((service.annotations as Record<string, string>)["service.beta.kubernetes.io/aws-load-balancer-ip-address-type"], "dualstack");
        assert.equal(service.ipFamilies, undefined, "the gateway Service is single-stack IPv6, like the cluster");
    });

    it("waits for the CNI, kube-proxy, the nodes and CoreDNS before Istio schedules pods", () => {
        const istiod = deps(run, T.release, "istio-istiod");
        for (const ready of [urn(T.addon, "demo-vpc-cni"), urn(T.addon, "demo-kube-proxy"), urn(T.nodeGroup, "demo-nodes"), urn(T.addon, "demo-coredns")]) {
            assert.ok(istiod.includes(ready), ready);
        }
        assert.deepEqual(
            (resource(run, T.release, "istio-istiod").inputs.values as { pilot: { env: object } }).pilot.env,
            {},
            "no dual-stack switches on an IPv6 cluster",
        );
    });
});

describe("EksIpv6Cluster variants", () => {
    it("given zones, Bottlerocket on Graviton, an existing key and a private-only endpoint", async () => {
        const run = await runEks({
            region: "us-east-2",
            availabilityZones: ["us-east-2c", "us-east-2a", "us-east-2b"],
            nodeAmiFamily: "Bottlerocket",
            nodes: { instanceType: "m7g.xlarge", count: 3, minCount: 3, maxCount: 9 },
            publicEndpoint: false,
            secretsEncryptionKeyArn: "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            deletionProtection: false,
            kubernetesVersion: "1.34",
        });
        assert.equal(run.resources.filter((r) => r.type === T.key).length, 0);
        assert.equal(run.resources.filter((r) => r.type === T.subnet).length, 6);
        assert.deepEqual(
            ["private-0", "private-1", "private-2"].map((name) => resource(run, T.subnet, `demo-${name}`).inputs.availabilityZone),
            ["us-east-2c", "us-east-2a", "us-east-2b"],
        );
        const cluster = resource(run, T.cluster, "demo-cluster").inputs;
        assert.deepEqual(cluster.vpcConfig && { ...(cluster.vpcConfig as object), subnetIds: undefined }, {
            subnetIds: undefined,
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
        });
        assert.deepEqual(cluster.encryptionConfig, {
            resources: ["secrets"],
            provider: { keyArn: "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        });
        assert.equal(cluster.deletionProtection, false);
        assert.equal(cluster.version, "1.34");
        const group = resource(run, T.nodeGroup, "demo-nodes").inputs;
        assert.equal(group.amiType, "BOTTLEROCKET_ARM_64");
        assert.deepEqual(group.scalingConfig, { desiredSize: 3, minSize: 3, maxSize: 9 });
        assert.equal(
            (resource(run, T.launchTemplate, "demo-nodes").inputs.blockDeviceMappings as { deviceName: string }[])[0].deviceName,
            "/dev/xvdb",
        );
        assert.deepEqual(run.diagnostics.map((d) => d.message), [
            "publicEndpoint: false: the API is reachable only from inside the VPC, so run `pulumi up` from there (or a peered network); otherwise installing Istio times out",
        ]);
    });

    it("GovCloud: every ARN in the aws-us-gov partition", async () => {
        const run = await runEks({ region: "us-gov-west-1", publicAccessCidrs: ["81.2.69.0/24"] });
        const arns = run.resources
            .filter((r) => r.type === T.attachment)
            .map((r) => r.inputs.policyArn as string)
            .filter((arn) => arn.includes(":iam::aws:"));
        assert.deepEqual(arns.map((arn) => arn.split(":")[1]), ["aws-us-gov", "aws-us-gov", "aws-us-gov", "aws-us-gov"]);
        assert.equal(
            JSON.parse(resource(run, T.policy, "demo-vpc-cni-ipv6").inputs.policy as string).Statement[1].Resource,
            "arn:aws-us-gov:ec2:*:*:network-interface/*",
        );
        assert.equal(resource(run, T.accessPolicy, "demo-deployer-admin").inputs.policyArn, "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    });

    it("refuses a bad argument before registering anything, naming the component", async () => {
        await assert.rejects(runEks({ region: "eu-west-1", ipFamilies: ["IPv4", "IPv6"] }), (error: unknown) => {
            assert.ok(error instanceof OfflineRunError);
            assert.equal(
                error.message.split("\n")[0],
                "ipFamilies: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers (EksIpv6Cluster 'demo')",
            );
            assert.deepEqual(error.resources.map((r) => r.type), ["pulumi:pulumi:Stack"]);
            return true;
        });
    });
});
