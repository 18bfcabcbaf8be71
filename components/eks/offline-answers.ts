import * as ipaddr from "ipaddr.js";
import { autoName, type InvokeAnswer, stableUuid, type Synthesizer } from "../../engine/synthesis";

/** The account AWS's own documentation uses in examples. */
export const OFFLINE_AWS_ACCOUNT = "123456789012";
/** The identity an offline run deploys as: a role assumed for the run, as CI systems do. */
export const OFFLINE_AWS_DEPLOYER_ROLE = `arn:aws:iam::${OFFLINE_AWS_ACCOUNT}:role/deployer`;

function hex(seed: string, length: number): string {
    return stableUuid(seed).replace(/-/g, "").slice(0, length);
}

function regionOf(inputs: Record<string, unknown>): string {
    return typeof inputs.region === "string" ? inputs.region : "us-east-1";
}

/** An EC2-style id (`vpc-0a1b…`): the prefix and 17 stable hex digits. */
function ec2Id(prefix: string): Synthesizer {
    return ({ type, name }) => ({ id: `${prefix}-0${hex(`${type}::${name}`, 16)}`, outputs: {} });
}

/** VPCs get an Amazon-style /56 from the documentation range `2001:db8::/32`. */
const vpc: Synthesizer = (request) => {
    const id = `vpc-0${hex(`${request.type}::${request.name}`, 16)}`;
    const bits = hex(id, 6);
    const block = ipaddr.parse(`2001:db8:${bits.slice(0, 4)}:${bits.slice(4, 6)}00::`).toString();
    return {
        id,
        outputs: {
            arn: `arn:aws:ec2:${regionOf(request.inputs)}:${OFFLINE_AWS_ACCOUNT}:vpc/${id}`,
            ipv6CidrBlock: `${block}/56`,
            ipv6AssociationId: `vpc-cidr-assoc-0${hex(`${id}/ipv6`, 16)}`,
            mainRouteTableId: `rtb-0${hex(`${id}/main`, 16)}`,
            defaultSecurityGroupId: `sg-0${hex(`${id}/default`, 16)}`,
        },
    };
};

const eip: Synthesizer = (request) => {
    const id = `eipalloc-0${hex(`${request.type}::${request.name}`, 16)}`;
    // TEST-NET-2: an address nobody has.
    return { id, outputs: { allocationId: id, publicIp: `198.51.100.${(parseInt(hex(id, 2), 16) % 254) + 1}` } };
};

const role: Synthesizer = (request) => {
    const roleName = autoName(request);
    return { id: roleName, outputs: { name: roleName, arn: `arn:aws:iam::${OFFLINE_AWS_ACCOUNT}:role/${roleName}`, uniqueId: `AROA${hex(roleName, 17).toUpperCase()}` } };
};

const policy: Synthesizer = (request) => {
    const policyName = autoName(request);
    const arn = `arn:aws:iam::${OFFLINE_AWS_ACCOUNT}:policy/${policyName}`;
    return { id: arn, outputs: { name: policyName, arn, policyId: `ANPA${hex(policyName, 17).toUpperCase()}` } };
};

const kmsKey: Synthesizer = (request) => {
    const keyId = stableUuid(`${request.type}::${request.name}`);
    return { id: keyId, outputs: { keyId, arn: `arn:aws:kms:${regionOf(request.inputs)}:${OFFLINE_AWS_ACCOUNT}:key/${keyId}` } };
};

const logGroup: Synthesizer = (request) => {
    const groupName = autoName(request);
    return { id: groupName, outputs: { name: groupName, arn: `arn:aws:logs:${regionOf(request.inputs)}:${OFFLINE_AWS_ACCOUNT}:log-group:${groupName}` } };
};

const launchTemplate: Synthesizer = (request) => {
    const id = `lt-0${hex(`${request.type}::${request.name}`, 16)}`;
    return { id, outputs: { name: autoName(request), latestVersion: 1, defaultVersion: 1 } };
};

/** EKS clusters: an endpoint in EKS's own format, a Service range from `fd00::/8` as EKS picks them. */
const eksCluster: Synthesizer = (request) => {
    const clusterName = autoName(request);
    const region = regionOf(request.inputs);
    const id = hex(`${region}/${clusterName}`, 32).toUpperCase();
    const network = typeof request.inputs.kubernetesNetworkConfig === "object" ? request.inputs.kubernetesNetworkConfig : {};
    const vpcConfig = typeof request.inputs.vpcConfig === "object" ? request.inputs.vpcConfig : {};
    const serviceBits = hex(`${id}/services`, 10);
    return {
        id: clusterName,
        outputs: {
            name: clusterName,
            arn: `arn:aws:eks:${region}:${OFFLINE_AWS_ACCOUNT}:cluster/${clusterName}`,
            endpoint: `https://${id}.gr7.${region}.eks.amazonaws.com`,
            certificateAuthority: { data: Buffer.from(`offline plan of EKS cluster ${clusterName}: no real certificate`).toString("base64") },
            vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-0${hex(`${id}/cluster-sg`, 16)}` },
            kubernetesNetworkConfig: {
                ...network,
                serviceIpv6Cidr: `${ipaddr.parse(`fd${serviceBits.slice(0, 2)}:${serviceBits.slice(2, 6)}:${serviceBits.slice(6, 10)}::`).toString()}/108`,
            },
            status: "ACTIVE",
        },
    };
};

const eksChild =
    (kind: string): Synthesizer =>
    (request) => {
        const region = regionOf(request.inputs);
        const clusterName = typeof request.inputs.clusterName === "string" ? request.inputs.clusterName : "cluster";
        const childName = typeof request.inputs.addonName === "string" ? request.inputs.addonName : autoName(request);
        return {
            id: `${clusterName}:${childName}`,
            outputs: { arn: `arn:aws:eks:${region}:${OFFLINE_AWS_ACCOUNT}:${kind}/${clusterName}/${childName}`, status: "ACTIVE" },
        };
    };

/** Outputs of the AWS resources the EKS component creates. */
export const AWS_SYNTHESIZERS: Readonly<Record<string, Synthesizer>> = {
    "aws:ec2/vpc:Vpc": vpc,
    "aws:ec2/subnet:Subnet": ec2Id("subnet"),
    "aws:ec2/internetGateway:InternetGateway": ec2Id("igw"),
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": ec2Id("eigw"),
    "aws:ec2/eip:Eip": eip,
    "aws:ec2/natGateway:NatGateway": ec2Id("nat"),
    "aws:ec2/routeTable:RouteTable": ec2Id("rtb"),
    "aws:ec2/route:Route": ec2Id("r-rtb"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ec2Id("rtbassoc"),
    "aws:ec2/securityGroup:SecurityGroup": ec2Id("sg"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ec2Id("sgr"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ec2Id("sgr"),
    "aws:ec2/launchTemplate:LaunchTemplate": launchTemplate,
    "aws:iam/role:Role": role,
    "aws:iam/policy:Policy": policy,
    "aws:kms/key:Key": kmsKey,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:eks/cluster:Cluster": eksCluster,
    "aws:eks/addon:Addon": eksChild("addon"),
    "aws:eks/nodeGroup:NodeGroup": eksChild("nodegroup"),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": eksChild("podidentityassociation"),
};

/** Answers to the AWS data sources the EKS component reads. */
export const AWS_INVOKES: Readonly<Record<string, InvokeAnswer>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
        const region = regionOf(inputs);
        const letters = ["a", "b", "c"];
        const [area, direction, number] = region.split("-");
        return {
            id: region,
            region,
            names: letters.map((letter) => `${region}${letter}`),
            zoneIds: letters.map((_, index) => `${area}${direction?.[0] ?? ""}${number ?? ""}-az${index + 1}`),
            groupNames: [region],
        };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: OFFLINE_AWS_ACCOUNT,
        accountId: OFFLINE_AWS_ACCOUNT,
        arn: `arn:aws:sts::${OFFLINE_AWS_ACCOUNT}:assumed-role/deployer/pulumi`,
        userId: "AROAEXAMPLEDEPLOYER:pulumi",
    }),
    "aws:iam/getSessionContext:getSessionContext": (inputs) => {
        const arn = typeof inputs.arn === "string" ? inputs.arn : "";
        const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
        return assumed
            ? { id: arn, arn, issuerArn: `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`, issuerName: assumed[3], sessionName: assumed[4] }
            : { id: arn, arn, issuerArn: arn, issuerName: "", sessionName: "" };
    },
};
