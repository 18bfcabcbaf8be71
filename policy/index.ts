import type { Policies, PolicyConfigSchema, ReportViolation, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyResourceView, PolicyViolation } from "../components/target/policy-check";
import {
    chartPinViolations,
    CIS_TYPES,
    cisViolations,
    dualStackServiceViolations,
    ENDPOINT_TYPES,
    endpointViolations,
    istiodFlagViolations,
    oneHubAndTagViolations,
    PINNED_CHART_TYPES,
    stackFamilies,
} from "./checks";

/** The policies' names: stable, kebab-case, what `pulumi preview` prints and pack config keys. */
export const POLICY_NAMES = {
    dualStackServices: "dual-stack-services",
    istiodDualStackFlags: "istiod-dual-stack-flags",
    istioOneHubAndTag: "istio-one-hub-and-tag",
    helmChartVersionPinned: "helm-chart-version-pinned",
    apiEndpointNotOpenToWorld: "api-endpoint-not-open-to-world",
    cisSecureDefaults: "cis-secure-defaults",
} as const;

/** The config of the two dual-stack policies: the cluster's IP families, for a stack that does not hold its cluster. */
export interface DualStackPolicyConfig {
    /** `[IPv4, IPv6]` or `[IPv6, IPv4]` declares the stack's cluster dual-stack (an existing cluster, or one another stack made). */
    readonly ipFamilies?: readonly string[];
}

const FAMILIES_SCHEMA: PolicyConfigSchema = {
    properties: {
        ipFamilies: {
            type: "array",
            description: "The cluster's IP families, primary first, for a stack whose cluster is not one of its resources: [IPv4, IPv6] or [IPv6, IPv4] makes it dual-stack.",
            items: { type: "string", enum: ["IPv4", "IPv6"] },
            minItems: 1,
            maxItems: 2,
            uniqueItems: true,
        },
    },
};

/** Reports each violation against its resource. */
function report(violations: readonly PolicyViolation[], reportViolation: ReportViolation): void {
    for (const found of violations) {
        reportViolation(found.message, found.urn);
    }
}

/** The stack's resources as the pure checks read them (their properties stay the SDK's unknown-checking proxies). */
function views(args: StackValidationArgs): PolicyResourceView[] {
    return args.resources.map(({ type, name, urn, props }) => ({ type, name, urn, props }));
}

/** A stack policy that runs only on a dual-stack stack, and says why it did not apply otherwise. */
function dualStackPolicy(name: string, description: string, check: (resources: readonly PolicyResourceView[]) => PolicyViolation[]): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema: FAMILIES_SCHEMA,
        validateStack: (args, reportViolation) => {
            const resources = views(args);
            const families = stackFamilies(resources, args.getConfig<DualStackPolicyConfig>().ipFamilies);
            if (!families.dualStack) {
                args.notApplicable(families.reason);
            }
            report(check(resources), reportViolation);
        },
    };
}

/** A resource policy over the resource types `types`, reporting what `check` finds. */
function resourcePolicy(
    name: string,
    description: string,
    enforcementLevel: "mandatory" | "advisory",
    types: readonly string[],
    check: (resource: PolicyResourceView) => PolicyViolation[],
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            if (!types.includes(args.type)) {
                return;
            }
            report(check({ type: args.type, name: args.name, urn: args.urn, props: args.props }), reportViolation);
        },
    };
}

/**
 * The pack's policies, to run as the `dualstack-istio` pack (`policy-pack/`) or to add to a pack
 * of your own (`new PolicyPack("mine", { policies: [...dualStackIstioPolicies(), ...mine] })`).
 * Mandatory: the dual-stack and Istio invariants, chart pins and an API endpoint open to the
 * world. Advisory: the CIS controls the package's clusters have on by default, each of which a
 * stack may turn off with a config key of its own (`npm run docs` tables them in the README).
 */
export function dualStackIstioPolicies(): Policies {
    return [
        dualStackPolicy(
            POLICY_NAMES.dualStackServices,
            "On a dual-stack cluster, LoadBalancer and istiod Services (and the Services of istiod and gateway Helm Releases) ask for both IP families.",
            dualStackServiceViolations,
        ),
        dualStackPolicy(
            POLICY_NAMES.istiodDualStackFlags,
            "On a dual-stack cluster, every istiod Helm Release sets the dual-stack switches its Istio version reads.",
            istiodFlagViolations,
        ),
        {
            name: POLICY_NAMES.istioOneHubAndTag,
            description: "The Istio Helm Releases of one control plane take their images from one hub and one tag.",
            enforcementLevel: "mandatory",
            validateStack: (args, reportViolation) => report(oneHubAndTagViolations(views(args)), reportViolation),
        },
        resourcePolicy(
            POLICY_NAMES.helmChartVersionPinned,
            "A Helm chart from a repository or an OCI registry is pinned to an exact version.",
            "mandatory",
            PINNED_CHART_TYPES,
            chartPinViolations,
        ),
        resourcePolicy(
            POLICY_NAMES.apiEndpointNotOpenToWorld,
            "A cluster's Kubernetes API endpoint is private or admits only listed ranges, none of them 0.0.0.0/0 or ::/0.",
            "mandatory",
            ENDPOINT_TYPES,
            endpointViolations,
        ),
        resourcePolicy(POLICY_NAMES.cisSecureDefaults, "The CIS benchmark controls this package's clusters have on by default are on.", "advisory", CIS_TYPES, cisViolations),
    ];
}
