import { valueAt } from "../components/key-path";
import * as semver from "semver";
import { InputError } from "../components/errors";
import { CHART_DIRECTORIES } from "../components/istio/charts";
import { IstioMode } from "../components/istio/settings";
import { type DualStackSwitchInputs, istiodEnv, IstioChart, proxyMetadata, releaseName } from "../components/istio/values";
import { DEFAULT_ISTIO_VERSION, IstioFlavor, OLDEST_UPSTREAM_MINOR, type IstioRelease, resolveIstioRelease } from "../components/istio/versions";
import { IpFamily } from "../components/target/cluster-facts";
import { type PolicyResourceView } from "../components/target/policy-check";

/** A Helm Release of the Kubernetes provider (v3), as `DualStackIstio` registers its charts. */
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
/** The Kubernetes provider's v4 Chart (a remote component, so its inputs reach the engine). */
export const HELM_CHART_V4 = "kubernetes:helm.sh/v4:Chart";
/** A Kubernetes Service. */
export const SERVICE = "kubernetes:core/v1:Service";
/** A server-side-apply patch of a Service, as `DualStackIstio` patches the Services whose charts lack family keys. */
export const SERVICE_PATCH = "kubernetes:core/v1:ServicePatch";

/** The first Istio release with dual-stack support, from the oldest minor the package resolves (components/istio/versions.ts). */
export const OLDEST_DUAL_STACK_RELEASE = `1.${OLDEST_UPSTREAM_MINOR}.0`;

/** Where a Release's chart comes from: a Helm repository, an OCI registry, or a folder or archive on the deploying machine. */
export type ChartSourceKind = "repository" | "oci" | "local";

/**
 * Where a Release's (or v4 Chart's) `chart` comes from. Helm reads `alias/chart` as a chart of an
 * added repository and anything else without a repository as a folder or archive (`helm install`
 * docs: https://helm.sh/docs/helm/helm_install/), so a bare name, a path and a `.tgz` are local.
 * A local folder is best written `./dir/chart` or absolute: `dir/chart` reads as a repository's.
 */
export function chartSourceOf(props: Readonly<Record<string, unknown>>): ChartSourceKind {
    const chart = props.chart;
    const repo = valueAt(props, "repositoryOpts.repo");
    if (typeof chart === "string" && chart.startsWith("oci://")) {
        return "oci";
    }
    if (typeof repo === "string" && repo !== "") {
        return "repository";
    }
    return typeof chart === "string" && /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(chart) && !chart.endsWith(".tgz") ? "repository" : "local";
}

/**
 * Which Istio chart a Release installs, from its chart's last path segment: the chart's name in a
 * repository or registry (`istiod`, `oci://…/istiod`) or its folder in a checkout
 * (`…/istio-control/istio-discovery`, `…/istio-cni`).
 */
export function istioChartOf(resource: PolicyResourceView): IstioChart | undefined {
    if (resource.type !== HELM_RELEASE) {
        return undefined;
    }
    const chart = resource.props.chart;
    if (typeof chart !== "string") {
        return undefined;
    }
    const last =
        chart
            .replace(/[/\\]+$/, "")
            .split(/[/\\]/)
            .pop() ?? "";
    return Object.values(IstioChart).find((candidate) => last === candidate || last === CHART_DIRECTORIES[candidate].split("/").pop());
}

/** The Istio release a chart is from, or why it cannot be told. */
export type ReleaseVersion =
    | { readonly kind: "known"; readonly release: IstioRelease; readonly from: string }
    | { readonly kind: "unknown"; readonly why: string }
    | { readonly kind: "no-dual-stack"; readonly version: string; readonly from: string };

/**
 * The Istio release of an Istio Release: its chart `version` (repository and OCI charts), or, for a
 * local chart (a checkout, whose Chart.yaml carries a placeholder), its `values.global.tag` when that
 * is an Istio release version. Otherwise (a build of your own, the experimental-dual-stack branch)
 * it is unknown, and only what every dual-stack Istio reads is required.
 */
export function releaseVersionOf(resource: PolicyResourceView): ReleaseVersion {
    const local = chartSourceOf(resource.props) === "local";
    const from = local ? "values.global.tag" : "version";
    const text = valueAt(resource.props, local ? "values.global.tag" : "version");
    const unknown = { kind: "unknown", why: local ? "a local chart whose values.global.tag is no Istio release" : "its version is no Istio release" } as const;
    if (typeof text !== "string" || semver.valid(text) !== text) {
        return unknown;
    }
    try {
        return { kind: "known", release: resolveIstioRelease(IstioFlavor.Upstream, text, from), from };
    } catch (error) {
        if (error instanceof InputError && semver.lt(text, OLDEST_DUAL_STACK_RELEASE)) {
            return { kind: "no-dual-stack", version: text, from };
        }
        return unknown;
    }
}

/** What a dual-stack istiod needs: its own env (`pilot.env`) and the proxies' (`meshConfig.defaultConfig.proxyMetadata`). */
export interface DualStackSwitches {
    readonly env: readonly string[];
    /** Every one is needed; with `anyOf`, one of them is enough. */
    readonly proxy: readonly string[];
    readonly anyOf: boolean;
}

/**
 * The switches `DualStackIstio` sets for this release on a dual-stack cluster, read from the
 * planner itself (`istiodEnv`, `proxyMetadata` in components/istio/values.ts). Those read only the
 * settings' families, release and mode, which is all a policy knows.
 */
export function dualStackSwitches(release: IstioRelease): DualStackSwitches {
    const settings: DualStackSwitchInputs = { ipFamilies: [IpFamily.IPv4, IpFamily.IPv6], release, mode: IstioMode.Sidecar };
    return { env: Object.keys(istiodEnv(settings)), proxy: Object.keys(proxyMetadata(settings)), anyOf: false };
}

/**
 * For an unknown version: the istiod env every release and the branch read (the switches of both
 * flavours, in common), and any one of the proxy switches some release reads.
 */
export const UNKNOWN_VERSION_SWITCHES: DualStackSwitches = (() => {
    const branch = dualStackSwitches(resolveIstioRelease(IstioFlavor.ExperimentalDualStack, undefined, "version"));
    const upstream = dualStackSwitches(resolveIstioRelease(IstioFlavor.Upstream, DEFAULT_ISTIO_VERSION, "version"));
    return {
        env: branch.env.filter((name) => upstream.env.includes(name)),
        proxy: [...new Set([...branch.proxy, ...upstream.proxy])].sort(),
        anyOf: true,
    };
})();

/**
 * Where the istiod chart reads a `pilot.*` value: `pilot.<key>` at every release, and from 1.24 also
 * the top-level `<key>`, which the chart's `templates/zzy_descope_legacy.yaml` merges `pilot.*` into
 * (components/istio/values.ts, istiodValues).
 */
export function istiodValuePaths(version: ReleaseVersion, key: string): string[] {
    const topLevel = version.kind === "unknown" || (version.kind === "known" && (version.release.major > 1 || version.release.minor >= 24));
    return topLevel ? [`values.pilot.${key}`, `values.${key}`] : [`values.pilot.${key}`];
}

/** The name of the Service an Istio Release's chart renders: `istiod[-<revision>]`, or the gateway's `name` value or release name. */
export function serviceNameOf(resource: PolicyResourceView, chart: IstioChart): string {
    if (chart === IstioChart.Istiod) {
        const revision = valueAt(resource.props, "values.revision");
        return releaseName(IstioChart.Istiod, typeof revision === "string" ? revision : "");
    }
    const named = valueAt(resource.props, "values.name") ?? resource.props.name;
    return typeof named === "string" && named !== "" ? named : resource.name;
}

/** True for the name of an istiod Service (`istiod`, `istiod-<revision>`). */
export function isIstiodServiceName(name: unknown): boolean {
    const istiod = releaseName(IstioChart.Istiod, "");
    return typeof name === "string" && (name === istiod || name.startsWith(`${istiod}-`));
}
