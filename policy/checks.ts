import { valueAt } from "../components/key-path";
import * as semver from "semver";
import { CLOUDS } from "../components/config/clouds";
import { IstioChart } from "../components/istio/values";
import { type PolicyResourceView, type PolicyViolation, type ResourceCheck, shown, violation } from "../components/target/policy-check";
import { chartSourceOf, HELM_CHART_V4, HELM_RELEASE, istioChartOf } from "./istio-releases";

export { dualStackServiceViolations, istiodFlagViolations, stackFamilies, type StackFamilies } from "./dual-stack";

/** The resource types {@link chartPinViolations} reads: the v3 Release and the v4 Chart. */
export const PINNED_CHART_TYPES: readonly string[] = [HELM_RELEASE, HELM_CHART_V4];

/**
 * A Helm Release (or v4 Chart) from a repository or an OCI registry names one exact chart
 * version (`X.Y.Z`): without it, or with a range, Helm installs whatever is newest on the day
 * (https://helm.sh/docs/helm/helm_install/, `--version`), so two runs of one stack differ. A
 * local chart (a folder or archive) is exempt: its files are the pin.
 */
export function chartPinViolations(resource: PolicyResourceView): PolicyViolation[] {
    if (!PINNED_CHART_TYPES.includes(resource.type)) {
        return [];
    }
    const source = chartSourceOf(resource.props);
    if (source === "local") {
        return [];
    }
    const version = resource.props.version;
    if (typeof version === "string" && semver.valid(version) !== null) {
        return [];
    }
    const repo = valueAt(resource.props, "repositoryOpts.repo");
    const from = source === "repository" && typeof repo === "string" ? ` from ${repo}` : "";
    return [violation(resource, "version", version === "" ? undefined : version, `an exact version (X.Y.Z) of chart ${shown(resource.props.chart)}${from}`)];
}

/** The value paths that name Istio's image hub, and its tag, in the charts' values (global, istiod's `pilot.*`, ztunnel's and 1.24+ istiod's top level). */
const IMAGE_FIELDS = { hub: ["values.global.hub", "values.pilot.hub", "values.hub"], tag: ["values.global.tag", "values.pilot.tag", "values.tag"] } as const;

/**
 * The Istio Releases of one control plane (one revision: `values.revision`, none for the default)
 * take their images from one hub and one tag: every hub and tag field any of them sets agrees with
 * the first one set, istiod's preferred. Mixed images (a gateway's proxy of another build than
 * istiod) are where a dual-stack switch one side reads and the other does not goes unnoticed.
 */
export function oneHubAndTagViolations(resources: readonly PolicyResourceView[]): PolicyViolation[] {
    const istio = resources.flatMap((resource) => {
        const chart = istioChartOf(resource);
        return chart === undefined ? [] : [{ resource, chart }];
    });
    const revisions = new Map<string, typeof istio>();
    for (const entry of istio) {
        const revision = valueAt(entry.resource.props, "values.revision");
        const key = typeof revision === "string" ? revision : "";
        revisions.set(key, [...(revisions.get(key) ?? []), entry]);
    }
    const violations: PolicyViolation[] = [];
    for (const group of revisions.values()) {
        // istiod first: its image is the one the proxies are injected with.
        const ordered = [...group.filter(({ chart }) => chart === IstioChart.Istiod), ...group.filter(({ chart }) => chart !== IstioChart.Istiod)];
        for (const [what, paths] of Object.entries(IMAGE_FIELDS)) {
            const set = ordered.flatMap(({ resource }) =>
                paths.flatMap((path) => (valueAt(resource.props, path) === undefined ? [] : [{ resource, path, value: valueAt(resource.props, path) }])),
            );
            const reference = set[0];
            for (const field of set.slice(1).filter(({ value }) => value !== reference.value)) {
                violations.push(
                    violation(field.resource, field.path, field.value, `${shown(reference.value)}, the ${what} of Release '${reference.resource.name}' (${reference.path})`),
                );
            }
        }
    }
    return violations;
}

/** Every cloud's checks of one kind from the registry (the pack never names a cloud). */
function cloudChecks(kind: "endpoint" | "cis"): ResourceCheck[] {
    return CLOUDS.flatMap((cloud) => (cloud.policyChecks ? [...cloud.policyChecks[kind]] : []));
}

/** The resource types some cloud's endpoint check reads. */
export const ENDPOINT_TYPES: readonly string[] = [...new Set(cloudChecks("endpoint").map((check) => check.type))];
/** The resource types some cloud's CIS checks read. */
export const CIS_TYPES: readonly string[] = [...new Set(cloudChecks("cis").map((check) => check.type))];

/** A cluster's API endpoint admits the whole internet (each cloud's `endpoint` checks). */
export function endpointViolations(resource: PolicyResourceView): PolicyViolation[] {
    return cloudChecks("endpoint")
        .filter((check) => check.type === resource.type)
        .flatMap((check) => check.check(resource));
}

/** A CIS control the cloud's cluster has on by default is off (each cloud's `cis` checks). */
export function cisViolations(resource: PolicyResourceView): PolicyViolation[] {
    return cloudChecks("cis")
        .filter((check) => check.type === resource.type)
        .flatMap((check) => check.check(resource));
}
