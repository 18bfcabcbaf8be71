import { InputError, type InputWarning } from "../errors";
import { checkOneOf } from "../target/arg-checks";
import { IpFamily } from "../target/cluster-facts";

// The EKS planner's checks of single arguments: the region, the families and the instance type.

const REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/;
const CHINA_REGION = /^cn-[a-z]+-\d$/;
/** An availability zone; its region is the first group. */
export const ZONE = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/**
 * Instance families on the Xen hypervisor: no prefix delegation, so no IPv6 pods
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html lists the others).
 * Their `.metal` sizes run on Nitro hardware and are allowed.
 */
const XEN_FAMILIES = new Set([
    "c1",
    "c3",
    "c4",
    "cc2",
    "cr1",
    "d2",
    "f1",
    "g2",
    "g3",
    "g3s",
    "h1",
    "hs1",
    "i2",
    "i3",
    "m1",
    "m2",
    "m3",
    "m4",
    "p2",
    "p3",
    "r3",
    "r4",
    "t1",
    "t2",
    "x1",
    "x1e",
]);

/** Checks the AWS region (rule A1). */
export function checkRegion(region: string | undefined): string {
    if (!region) {
        throw new InputError("region", "required; give the AWS region to create the cluster in, e.g. eu-west-1");
    }
    if (CHINA_REGION.test(region)) {
        throw new InputError("region", `${region} is a China region, where EKS has no IPv6 clusters; use a commercial or GovCloud region`);
    }
    const zoneOf = ZONE.exec(region);
    if (zoneOf) {
        throw new InputError("region", `'${region}' is an availability zone; give its region, ${zoneOf[1]}`);
    }
    if (!REGION.test(region)) {
        throw new InputError("region", `'${region}' is not an AWS commercial or GovCloud region; expected e.g. eu-west-1`);
    }
    return region;
}

/** Refuses any families but `[IPv6]`, with the reason. */
export function checkIpFamilies(families: readonly string[] | undefined): void {
    if (families === undefined || (families.length === 1 && families[0] === IpFamily.IPv6)) {
        return;
    }
    if (families.length === 2 && families.includes(IpFamily.IPv4) && families.includes(IpFamily.IPv6)) {
        throw new InputError(
            "ipFamilies",
            "EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers",
        );
    }
    throw new InputError("ipFamilies", `[${families.join(", ")}] is not offered; this component builds IPv6 EKS clusters on a dual-stack VPC, so the only value is [IPv6]`);
}

/** Refuses what cannot run IPv6 pods (rule A8) and returns the instance type's architecture. */
export function checkInstanceType(instanceType: string): "x86_64" | "arm64" {
    if (!INSTANCE_TYPE.test(instanceType)) {
        throw new InputError("nodes.instanceType", `'${instanceType}' is not an EC2 instance type; expected e.g. m6i.large`);
    }
    const [family, size] = instanceType.split(".");
    if (XEN_FAMILIES.has(family) && size !== "metal") {
        throw new InputError(
            "nodes.instanceType",
            `${instanceType} is not a Nitro instance; IPv6 pods need prefix delegation, which only Nitro offers (e.g. m6i.large, m7g.large)`,
        );
    }
    if (family.startsWith("mac")) {
        throw new InputError("nodes.instanceType", `${instanceType} is a Mac instance, which EKS cannot run as a node`);
    }
    // Graviton: a1, and every family whose attribute letters after the generation include `g` (m7g, c6gn, is4gen).
    const attributes = /^[a-z]+\d+([a-z]*)/.exec(family)?.[1] ?? "";
    return family === "a1" || attributes.includes("g") ? "arm64" : "x86_64";
}

/** Who gets the deployer's access entry: see `EksIpv6ClusterArgs.deployerAccess`. */
export const EksDeployerAccess = { ClusterAdmin: "cluster-admin", None: "none" } as const;
export type EksDeployerAccess = (typeof EksDeployerAccess)[keyof typeof EksDeployerAccess];

/** Checks `deployerAccess` (default `cluster-admin`); with `none`, warns that the run needs access made elsewhere. */
export function checkDeployerAccess(value: EksDeployerAccess | undefined, warnings: InputWarning[]): EksDeployerAccess {
    const deployerAccess = checkOneOf(value, Object.values(EksDeployerAccess), "deployerAccess", "a deployer access", EksDeployerAccess.ClusterAdmin);
    if (deployerAccess === EksDeployerAccess.None) {
        warnings.push({
            field: "deployerAccess",
            message:
                "none: this stack gives its deployer no access entry, yet the same run installs Istio and the load-balancer controller through the deployer's access; an access entry made elsewhere must let it in while `pulumi up` runs",
        });
    }
    return deployerAccess;
}
