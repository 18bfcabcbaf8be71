import { valueAt } from "../components/key-path";
import { CLOUDS } from "../components/config/clouds";
import { IstioChart } from "../components/istio/values";
import { IpFamily } from "../components/target/cluster-facts";
import { finding, type PolicyResourceView, type PolicyViolation, shown, violation } from "../components/target/policy-check";
import {
    dualStackSwitches,
    isIstiodServiceName,
    OLDEST_DUAL_STACK_RELEASE,
    istioChartOf,
    istiodValuePaths,
    releaseVersionOf,
    type ReleaseVersion,
    SERVICE,
    SERVICE_PATCH,
    serviceNameOf,
    UNKNOWN_VERSION_SWITCHES,
} from "./istio-releases";

/** Why a stack is dual-stack: the policy config's `ipFamilies`, or a cluster resource in the stack. */
export interface StackFamilies {
    readonly dualStack: boolean;
    /** For a not-applicable reason: what was looked at. */
    readonly reason: string;
}

/**
 * Whether the stack runs on a dual-stack cluster: the policy config says so (`ipFamilies` with
 * both families: an existing cluster, or one another stack made), or a cluster resource of a
 * cloud in the registry reads as dual-stack (GKE `ipAllocationPolicy.stackType: IPV4_IPV6`, AKS
 * `networkProfile.ipFamilies`; EKS is never dual-stack).
 */
export function stackFamilies(resources: readonly PolicyResourceView[], configured: readonly string[] | undefined): StackFamilies {
    if (configured !== undefined && configured.includes(IpFamily.IPv4) && configured.includes(IpFamily.IPv6)) {
        return { dualStack: true, reason: "the policy config's ipFamilies" };
    }
    const clusters = CLOUDS.flatMap((cloud) => (cloud.policyChecks ? [cloud.policyChecks.cluster] : []));
    const dualStack = resources.some((resource) => clusters.some((cluster) => cluster.type === resource.type && cluster.families(resource.props).length > 1));
    return {
        dualStack,
        reason: dualStack ? "a dual-stack cluster in the stack" : "the stack holds no dual-stack cluster, and the policy config sets no ipFamilies with IPv4 and IPv6",
    };
}

const DUAL_STACK_POLICIES: readonly unknown[] = ["RequireDualStack", "PreferDualStack"];
const BOTH = "[IPv4, IPv6] or [IPv6, IPv4]";

/** The first of a policy/families pair that does not ask for both families, as a violation; none when both do. */
function familyFields(resource: PolicyResourceView, policyPath: string, familiesPath: string): PolicyViolation[] {
    const policy = valueAt(resource.props, policyPath);
    if (!DUAL_STACK_POLICIES.includes(policy)) {
        return [violation(resource, policyPath, policy, `RequireDualStack or PreferDualStack, with ${familiesPath} ${BOTH}`)];
    }
    const families = valueAt(resource.props, familiesPath);
    if (!Array.isArray(families) || !families.includes(IpFamily.IPv4) || !families.includes(IpFamily.IPv6)) {
        return [violation(resource, familiesPath, families, `${BOTH}, with ${policyPath} ${shown(policy)}`)];
    }
    return [];
}

/** True when a ServicePatch asks for both families. */
function patchAsksForBoth(patch: PolicyResourceView): boolean {
    return familyFields(patch, "spec.ipFamilyPolicy", "spec.ipFamilies").length === 0;
}

/** Where a chart takes its Service's family keys, and whether this release's chart has them. */
function chartFamilyKeys(chart: IstioChart, version: ReleaseVersion): { readonly paths: readonly [string, string][]; readonly read: boolean } {
    if (chart === IstioChart.Istiod) {
        const policies = istiodValuePaths(version, "ipFamilyPolicy");
        const families = istiodValuePaths(version, "ipFamilies");
        return { paths: policies.map((path, index): [string, string] => [path, families[index]]), read: version.kind !== "known" || version.release.istiodServiceFamilyKeys };
    }
    return { paths: [["values.service.ipFamilyPolicy", "values.service.ipFamilies"]], read: version.kind !== "known" || version.release.gatewayServiceFamilyKeys };
}

/** An istiod or gateway Release: its Service asks for both families, through chart values where the chart reads them, or a ServicePatch. */
function releaseServiceViolations(release: PolicyResourceView, chart: IstioChart, patches: readonly PolicyResourceView[]): PolicyViolation[] {
    const service = serviceNameOf(release, chart);
    if (patches.some((patch) => valueAt(patch.props, "metadata.name") === service && patchAsksForBoth(patch))) {
        return [];
    }
    const version = releaseVersionOf(release);
    const keys = chartFamilyKeys(chart, version);
    const orPatch = `a ${SERVICE_PATCH} of Service ${service} with spec.ipFamilyPolicy RequireDualStack and spec.ipFamilies ${BOTH}`;
    if (!keys.read) {
        const label = version.kind === "known" ? ` ${version.release.label}` : "";
        return [finding(release, `no ServicePatch asks for both families on Service ${service}, and chart ${chart}${label} has no ${keys.paths[0][0]} key`, orPatch)];
    }
    const found = keys.paths.map(([policy, families]) => familyFields(release, policy, families));
    if (found.some((violations) => violations.length === 0)) {
        return [];
    }
    const first = found[0][0];
    return [{ ...first, message: `${first.message} (or ${orPatch})` }];
}

/**
 * On a dual-stack stack: every LoadBalancer Service, every istiod Service, every ServicePatch of
 * one of them that sets the family fields, and the Service of every istiod and gateway Release asks
 * for both families (`ipFamilyPolicy` RequireDualStack or PreferDualStack, `ipFamilies` with both).
 */
export function dualStackServiceViolations(resources: readonly PolicyResourceView[]): PolicyViolation[] {
    const patches = resources.filter((resource) => resource.type === SERVICE_PATCH);
    const releases = resources.flatMap((resource) => {
        const chart = istioChartOf(resource);
        return chart === IstioChart.Istiod || chart === IstioChart.Gateway ? [{ resource, chart }] : [];
    });
    const gatewayServices = releases.filter(({ chart }) => chart === IstioChart.Gateway).map(({ resource, chart }) => serviceNameOf(resource, chart));
    const ours = (resource: PolicyResourceView) => {
        const name = valueAt(resource.props, "metadata.name") ?? resource.name;
        return valueAt(resource.props, "spec.type") === "LoadBalancer" || isIstiodServiceName(name) || gatewayServices.includes(name as string);
    };
    const services = resources
        .filter((resource) => resource.type === SERVICE && ours(resource))
        .flatMap((service) => familyFields(service, "spec.ipFamilyPolicy", "spec.ipFamilies"));
    const patched = patches
        .filter((patch) => ours(patch) && (valueAt(patch.props, "spec.ipFamilyPolicy") !== undefined || valueAt(patch.props, "spec.ipFamilies") !== undefined))
        .flatMap((patch) => familyFields(patch, "spec.ipFamilyPolicy", "spec.ipFamilies"));
    return [...services, ...patched, ...releases.flatMap(({ resource, chart }) => releaseServiceViolations(resource, chart, patches))];
}

const ON = "true";

/** The first of the paths that holds a value, or the first path when none does. */
function firstSet(resource: PolicyResourceView, paths: readonly string[]): { path: string; value: unknown } {
    const values = paths.map((path) => ({ path, value: valueAt(resource.props, path) }));
    return values.find(({ value }) => value !== undefined) ?? values[0];
}

/**
 * On a dual-stack stack: every istiod Release carries the dual-stack switches its Istio version
 * reads, each `"true"`: istiod's env and the proxies' `proxyMetadata`, exactly as `DualStackIstio`
 * sets them. A chart older than the first dual-stack Istio is refused.
 */
export function istiodFlagViolations(resources: readonly PolicyResourceView[]): PolicyViolation[] {
    return resources
        .filter((resource) => istioChartOf(resource) === IstioChart.Istiod)
        .flatMap((release) => {
            const version = releaseVersionOf(release);
            if (version.kind === "no-dual-stack") {
                return [violation(release, version.from, version.version, `an Istio release with dual-stack support, ${OLDEST_DUAL_STACK_RELEASE} or newer`)];
            }
            const switches = version.kind === "known" ? dualStackSwitches(version.release) : UNKNOWN_VERSION_SWITCHES;
            const unknown = `the version is unknown: ${version.kind === "unknown" ? version.why : ""}`;
            const reads = version.kind === "known" ? `Istio ${version.release.label} reads it` : `every dual-stack Istio reads it; ${unknown}`;
            const env = switches.env.flatMap((name) => {
                const { path, value } = firstSet(release, istiodValuePaths(version, `env.${name}`));
                return value === ON ? [] : [violation(release, path, value, `"true" (${reads})`)];
            });
            const proxyPath = (name: string) => `values.meshConfig.defaultConfig.proxyMetadata.${name}`;
            const missing = switches.proxy.filter((name) => valueAt(release.props, proxyPath(name)) !== ON);
            if (switches.anyOf) {
                const none = missing.length === switches.proxy.length;
                const allowed = `"true" in one of ${switches.proxy.map(proxyPath).join(", ")} (each dual-stack Istio reads one; ${unknown})`;
                return none ? [...env, violation(release, proxyPath(switches.proxy[0]), valueAt(release.props, proxyPath(switches.proxy[0])), allowed)] : env;
            }
            return [...env, ...missing.map((name) => violation(release, proxyPath(name), valueAt(release.props, proxyPath(name)), `"true" (${reads})`))];
        });
}
