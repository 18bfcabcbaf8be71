import assert from "node:assert/strict";
import * as ipaddr from "ipaddr.js";
import { type OfflineRun } from "../../engine/offline-engine";
import { ARGS, COMPONENT, urn, T, runEks, resource, deps, output, idOf } from "./eks-cluster-support";

describe("EksIpv6Cluster", () => {
    let run: OfflineRun;
    before(async () => {
        run = await runEks(ARGS, true);
    });

    it("creates exactly the network, identities, cluster, add-ons, nodes, access, provider and edge", () => {
        const names = run.resources.filter((r) => r.parent === `urn:pulumi:stack::project::${COMPONENT}::demo`).map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(
            names.sort(),
            [
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
                `${T.role} demo-vpc-cni`,
                `${T.attachment} demo-cluster-role-AmazonEKSClusterPolicy`,
                `${T.attachment} demo-lb-controller`,
                `${T.attachment} demo-node-role-AmazonEC2ContainerRegistryPullOnly`,
                `${T.attachment} demo-node-role-AmazonEKSWorkerNodePolicy`,
                `${T.attachment} demo-vpc-cni-AmazonEKS_CNI_Policy`,
                `${T.attachment} demo-vpc-cni-vpc-cni-ipv6`,
                `${T.key} demo-control-plane-logs-key`,
                `${T.key} demo-secrets-key`,
                `${T.egress} demo-nodes-egress-ipv4`,
                `${T.egress} demo-nodes-egress-ipv6`,
                `${T.ingress} demo-nodes-ingress-self`,
                `${T.release} demo-lb-controller`,
                `${T.provider} demo-k8s`,
            ].sort(),
        );
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

    it("grants the nodes the managed policies, and the VPC CNI's Pod Identity role its managed policy and a per-cluster IPv6 policy with the seven actions", () => {
        const trust = (name: string) => JSON.parse(resource(run, T.role, name).inputs.assumeRolePolicy as string) as unknown;
        assert.deepEqual(trust("demo-node-role"), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
        });
        assert.deepEqual(trust("demo-vpc-cni"), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
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
        const cniRoleName = output(run, T.role, "demo-vpc-cni", "name");
        assert.deepEqual(attached("demo-vpc-cni-AmazonEKS_CNI_Policy"), { role: cniRoleName, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" });
        assert.deepEqual(attached("demo-vpc-cni-vpc-cni-ipv6"), { role: cniRoleName, policyArn: output(run, T.policy, "demo-vpc-cni-ipv6", "arn") });
        assert.deepEqual(
            run.resources.filter((r) => r.type === T.attachment && r.inputs.role === nodeRoleName).map((r) => r.name),
            ["demo-node-role-AmazonEKSWorkerNodePolicy", "demo-node-role-AmazonEC2ContainerRegistryPullOnly"],
            "the node role holds no CNI permissions",
        );
        assert.deepEqual(attached("demo-cluster-role-AmazonEKSClusterPolicy"), {
            role: output(run, T.role, "demo-cluster-role", "name"),
            policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        });
    });
});
