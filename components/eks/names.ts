import { createHash } from "node:crypto";

/**
 * What Pulumi adds to a resource's logical name when it names the cloud resource itself: `-` and
 * 7 random hex digits (pulumi-terraform-bridge `tfbridge.AutoName`, `Randlen: 7`, separator `-`).
 * The bridge refuses a name whose prefix plus suffix passes the field's `Maxlen` ("plus 7 random
 * chars is longer than maximum length"), but only where pulumi-aws declares the AWS limit.
 */
export const PULUMI_AUTONAME_SUFFIX_LENGTH = 8;

/**
 * The AWS limits on the names this component's resources get, in characters.
 * - `iamRole` 64, `iamPolicy` 128: IAM quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 *   (pulumi-aws declares `AutoName("name", 64, "-")` for `aws_iam_role`).
 * - `eksCluster` 100, `nodeGroup` 63: EKS `CreateCluster` / `CreateNodegroup`; the provider's own
 *   docs say "The node group name can't be longer than 63 characters", while pulumi-aws autonames
 *   `nodeGroupName` with a 255 cap, so an overlong one would only fail at create time.
 * - `launchTemplate` 128, `securityGroup` 255 (and its description 255): EC2 `CreateLaunchTemplate`, `CreateSecurityGroup`.
 * - `logGroup` 512: CloudWatch Logs `CreateLogGroup`.
 * - `tagKey` 128, `tagValue` 256: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
export const AWS_NAME_LIMITS = {
    iamRole: 64,
    iamPolicy: 128,
    eksCluster: 100,
    nodeGroup: 63,
    launchTemplate: 128,
    securityGroup: 255,
    logGroup: 512,
    tagKey: 128,
    tagValue: 256,
} as const;

/** A kind of AWS name with a limit in {@link AWS_NAME_LIMITS}. */
export type AwsNameKind = keyof typeof AWS_NAME_LIMITS;

/** Hex digits of the hash that keeps two shortened names apart. */
const HASH_LENGTH = 8;

/**
 * `base` if it fits `limit` once `suffixLength` characters are added to it; otherwise its start,
 * `-` and 8 hex digits of its SHA-256, cut so that the same sum fits. Deterministic, so a stack
 * plans the same names on every run, and names that already fit are left exactly as they were.
 * @param suffixLength what is added after the name (Pulumi's autoname suffix, for example)
 * @default suffixLength 0
 */
export function fittedName(base: string, limit: number, suffixLength = 0): string {
    const room = limit - suffixLength;
    if (base.length <= room) {
        return base;
    }
    if (room < HASH_LENGTH + 2) {
        throw new Error(`internal: a name limit of ${limit} leaves no room for a shortened name`);
    }
    const hash = createHash("sha256").update(base).digest("hex").slice(0, HASH_LENGTH);
    return `${base.slice(0, room - HASH_LENGTH - 1)}-${hash}`;
}

/**
 * The logical name for a resource Pulumi autonames: its AWS name is this plus
 * {@link PULUMI_AUTONAME_SUFFIX_LENGTH} characters, which then fits the limit of `kind`.
 * Logical names that fit are unchanged, so existing stacks keep their resources; longer ones
 * could never be created (the bridge or AWS refused them), so no deployed resource is renamed.
 */
export function autonamedLogicalName(base: string, kind: AwsNameKind): string {
    return fittedName(base, AWS_NAME_LIMITS[kind], PULUMI_AUTONAME_SUFFIX_LENGTH);
}
