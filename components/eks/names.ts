import { nameWithin, PULUMI_AUTONAME_SUFFIX_LENGTH } from "../target/names";

export { PULUMI_AUTONAME_SUFFIX_LENGTH };

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

/**
 * `base` if it fits `limit` once `suffixLength` characters are added to it; otherwise cut, with 8
 * hex digits of its digest, so that the same sum fits (see {@link nameWithin}).
 * @param suffixLength what is added after the name (Pulumi's autoname suffix, for example)
 * @default suffixLength 0
 */
export function fittedName(base: string, limit: number, suffixLength = 0): string {
    return nameWithin(base, limit - suffixLength, 8);
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
