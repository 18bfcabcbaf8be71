import type * as pulumi from "@pulumi/pulumi";
import { EgressOnlyInternetGateway } from "@pulumi/aws/ec2/egressOnlyInternetGateway";
import { Eip } from "@pulumi/aws/ec2/eip";
import { InternetGateway } from "@pulumi/aws/ec2/internetGateway";
import { NatGateway } from "@pulumi/aws/ec2/natGateway";
import { Route, type RouteArgs } from "@pulumi/aws/ec2/route";
import { RouteTable } from "@pulumi/aws/ec2/routeTable";
import { RouteTableAssociation } from "@pulumi/aws/ec2/routeTableAssociation";
import { SecurityGroup } from "@pulumi/aws/ec2/securityGroup";
import { Subnet } from "@pulumi/aws/ec2/subnet";
import { Vpc } from "@pulumi/aws/ec2/vpc";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { SecurityGroupEgressRule } from "@pulumi/aws/vpc/securityGroupEgressRule";
import { SecurityGroupIngressRule } from "@pulumi/aws/vpc/securityGroupIngressRule";
import { carveIpv6Subnet } from "../network/subnets";
import { autonamedLogicalName } from "./names";
import type { EksClusterPlan } from "./plan";

// The EKS component's network: registered by EksIpv6Cluster, as its children, in this order.

/** A pair of subnets in one availability zone. */
export interface EksZoneSubnetPair {
    readonly public: Subnet;
    readonly private: Subnet;
}

/** A NAT gateway: its name (after the component's) and the zone whose public subnet holds it. */
export interface NatGatewayPlacement {
    readonly name: string;
    readonly publicSubnet: number;
}

/** A private route table: its name, the NAT gateway (an index) its IPv4 goes through, and its zones. */
export interface PrivateRouteTable {
    readonly name: string;
    readonly natGateway: number;
    readonly zones: readonly number[];
}

/**
 * How the private subnets reach IPv4: one NAT gateway (in the first zone) and one private table
 * for every zone, or, `perZone`, a NAT gateway and a table in each zone. The first zone's gateway
 * and table keep the names they have with one, so switching keeps them and adds the others.
 */
export function privateIpv4Routing(zoneCount: number, perZone: boolean): { natGateways: NatGatewayPlacement[]; privateTables: PrivateRouteTable[] } {
    const zones = Array.from({ length: zoneCount }, (_, index) => index);
    if (!perZone) {
        return { natGateways: [{ name: "nat", publicSubnet: 0 }], privateTables: [{ name: "private", natGateway: 0, zones }] };
    }
    return {
        natGateways: zones.map((index) => ({ name: index === 0 ? "nat" : `nat-${index}`, publicSubnet: index })),
        privateTables: zones.map((index) => ({ name: index === 0 ? "private" : `private-zone-${index}`, natGateway: index, zones: [index] })),
    };
}

/**
 * The dual-stack VPC: a public and a private subnet per zone, both gateways, NAT for IPv4 (one, or
 * one per zone: {@link privateIpv4Routing}), and the routes.
 * @internal
 */
export function createEksNetwork(component: pulumi.ComponentResource, name: string, plan: EksClusterPlan): { vpc: Vpc; subnets: EksZoneSubnetPair[] } {
    const { region } = plan;
    const parent = { parent: component };
    const vpc = new Vpc(
        `${name}-vpc`,
        {
            region,
            cidrBlock: plan.ipv4Cidr,
            assignGeneratedIpv6CidrBlock: true,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: plan.clusterName },
        },
        parent,
    );
    const zoneNames = plan.zones.some((zone) => zone.availabilityZone === undefined)
        ? getAvailabilityZonesOutput({ region, state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent).names
        : undefined;
    const clusterTag = `kubernetes.io/cluster/${plan.clusterName}`;
    const subnet = (zone: EksClusterPlan["zones"][number], tier: "public" | "private") =>
        new Subnet(
            `${name}-${tier}-${zone.index}`,
            {
                region,
                vpcId: vpc.id,
                availabilityZone: zone.availabilityZone ?? zoneNames?.apply((names) => nthZone(names, zone.index, region)),
                cidrBlock: tier === "public" ? zone.publicIpv4Cidr : zone.privateIpv4Cidr,
                ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => carveIpv6Subnet(block, tier === "public" ? zone.publicIpv6Index : zone.privateIpv6Index)),
                assignIpv6AddressOnCreation: true,
                // Dual-stack, not IPv6-only: EKS nodes need both families, so no DNS64/NAT64.
                ipv6Native: false,
                enableDns64: false,
                mapPublicIpOnLaunch: tier === "public",
                tags: {
                    Name: `${plan.clusterName}-${tier}-${zone.index}`,
                    [tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
                    [clusterTag]: "shared",
                },
            },
            // A subnet's IPv6 block cannot change while addresses are assigned on creation.
            { parent: component, replaceOnChanges: ["ipv6CidrBlock"] },
        );
    const subnets = plan.zones.map((zone) => ({ public: subnet(zone, "public"), private: subnet(zone, "private") }));

    const internetGateway = new InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: { Name: plan.clusterName } }, parent);
    const egressOnlyGateway = new EgressOnlyInternetGateway(`${name}-eigw`, { region, vpcId: vpc.id, tags: { Name: plan.clusterName } }, parent);
    const routing = privateIpv4Routing(plan.zones.length, plan.natGatewayPerZone);
    const natGateways = routing.natGateways.map((nat) => {
        const address = new Eip(`${name}-${nat.name}`, { region, domain: "vpc", tags: { Name: `${plan.clusterName}-${nat.name}` } }, parent);
        return new NatGateway(
            `${name}-${nat.name}`,
            {
                region,
                allocationId: address.id,
                subnetId: subnets[nat.publicSubnet].public.id,
                connectivityType: "public",
                tags: { Name: nat.name === "nat" ? plan.clusterName : `${plan.clusterName}-${nat.name}` },
            },
            { parent: component, dependsOn: [internetGateway] },
        );
    });

    const routeTable = (
        tableName: string,
        tier: "public" | "private",
        zones: readonly number[],
        routes: Record<"ipv4" | "ipv6", Pick<RouteArgs, "gatewayId" | "natGatewayId" | "egressOnlyGatewayId">>,
    ) => {
        const table = new RouteTable(`${name}-${tableName}`, { region, vpcId: vpc.id, tags: { Name: `${plan.clusterName}-${tableName}` } }, parent);
        new Route(`${name}-${tableName}-ipv4-default`, { region, routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", ...routes.ipv4 }, parent);
        new Route(`${name}-${tableName}-ipv6-default`, { region, routeTableId: table.id, destinationIpv6CidrBlock: "::/0", ...routes.ipv6 }, parent);
        for (const index of zones) {
            new RouteTableAssociation(`${name}-${tier}-${index}`, { region, routeTableId: table.id, subnetId: subnets[index][tier].id }, parent);
        }
    };
    const allZones = plan.zones.map((zone) => zone.index);
    routeTable("public", "public", allZones, { ipv4: { gatewayId: internetGateway.id }, ipv6: { gatewayId: internetGateway.id } });
    // IPv6 leaves private subnets through the egress-only gateway: without it nodes never join.
    for (const table of routing.privateTables) {
        routeTable(table.name, "private", table.zones, {
            ipv4: { natGatewayId: natGateways[table.natGateway].id },
            ipv6: { egressOnlyGatewayId: egressOnlyGateway.id },
        });
    }
    return { vpc, subnets };
}

/**
 * The nodes' own security group, next to the cluster security group EKS creates (which already
 * lets nodes and control plane talk). Security groups hold one family per rule, so egress comes
 * twice; without `::/0`, CoreDNS cannot reach upstream resolvers and crash-loops. It carries no
 * `kubernetes.io/cluster/*` tag: the load-balancer controller opens NLB traffic on the one
 * security group that has it.
 */
export function createNodeSecurityGroup(component: pulumi.ComponentResource, name: string, plan: EksClusterPlan, vpc: Vpc): SecurityGroup {
    const { region } = plan;
    const parent = { parent: component };
    const group = new SecurityGroup(
        autonamedLogicalName(`${name}-nodes`, "securityGroup"),
        { region, vpcId: vpc.id, description: `Nodes of EKS cluster ${plan.clusterName}`, tags: { Name: `${plan.clusterName}-nodes` } },
        parent,
    );
    new SecurityGroupEgressRule(
        `${name}-nodes-egress-ipv4`,
        { region, securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "All IPv4 egress" },
        parent,
    );
    new SecurityGroupEgressRule(`${name}-nodes-egress-ipv6`, { region, securityGroupId: group.id, ipProtocol: "-1", cidrIpv6: "::/0", description: "All IPv6 egress" }, parent);
    // A security-group reference matches both families, so one rule covers node-to-node and pod-to-pod.
    new SecurityGroupIngressRule(
        `${name}-nodes-ingress-self`,
        { region, securityGroupId: group.id, ipProtocol: "-1", referencedSecurityGroupId: group.id, description: "Nodes and pods to each other" },
        parent,
    );
    return group;
}

function nthZone(names: readonly string[], index: number, region: string): string {
    const zone = names[index];
    if (zone === undefined) {
        throw new Error(`${region} reports ${names.length} available zones; list availabilityZones to choose them`);
    }
    return zone;
}
