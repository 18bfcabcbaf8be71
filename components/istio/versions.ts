import * as semver from "semver";
import { isoDay, today as currentDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { staleCalendarWarnings, type CalendarProvenance } from "../support-calendar";
import type { KubernetesMinor } from "../target/cluster-facts";

/** Where Istio's charts and images come from. */
export const IstioFlavor = {
    /** A published Istio release, `X.Y.Z` with `X.Y` ≥ 1.17. */
    Upstream: "upstream",
    /**
     * Istio's `experimental-dual-stack` branch (≈1.14-dev, 2022): charts from the user's checkout,
     * images built from it with `make docker`.
     */
    ExperimentalDualStack: "experimental-dual-stack",
} as const;
export type IstioFlavor = (typeof IstioFlavor)[keyof typeof IstioFlavor];

const FLAVORS: readonly string[] = Object.values(IstioFlavor);

/** The newest upstream release whose charts this package has been rendered against. */
export const DEFAULT_ISTIO_VERSION = "1.30.3";

/** The oldest upstream minor with dual-stack support (1.17 introduced `ISTIO_DUAL_STACK`). */
export const OLDEST_UPSTREAM_MINOR = 17;

/**
 * One Istio minor's support window (istio.io `data/compatibility/supportStatus.yml`) and the
 * Kubernetes floor istioctl's precheck enforces (`MinK8SVersion` in
 * `istioctl/pkg/install/k8sversion/version.go` at each tag). istioctl only warns below the floor;
 * this package refuses.
 */
interface IstioMinorSupport {
    readonly minor: number;
    /** Lowest and highest Kubernetes minor Istio tested this release with. */
    readonly supportedKubernetes: readonly [number, number];
    /** Kubernetes minor below which the control plane does not run. */
    readonly minKubernetes: number;
    /** End of upstream support (ISO date), where it has been announced. */
    readonly endOfLife?: string;
}

/** Where {@link UPSTREAM_SUPPORT} comes from and when it was last compared with its sources. */
export const ISTIO_SUPPORT_PROVENANCE: CalendarProvenance = {
    table: "the Istio release support table",
    file: "components/istio/versions.ts",
    source: "istio.io data/compatibility/supportStatus.yml (support windows, end-of-life dates) and istioctl/pkg/install/k8sversion/version.go at each release tag (MinK8SVersion)",
    checkedOn: "2026-11-25",
};

/**
 * Oldest first. When Istio releases a minor or announces an end of life: add or update its row,
 * and move {@link ISTIO_SUPPORT_PROVENANCE}'s `checkedOn` to the day you compared.
 */
const UPSTREAM_SUPPORT: readonly IstioMinorSupport[] = [
    { minor: 17, supportedKubernetes: [23, 26], minKubernetes: 23, endOfLife: "2023-10-27" },
    { minor: 18, supportedKubernetes: [24, 27], minKubernetes: 23, endOfLife: "2024-01-04" },
    { minor: 19, supportedKubernetes: [25, 28], minKubernetes: 25, endOfLife: "2024-04-24" },
    { minor: 20, supportedKubernetes: [25, 29], minKubernetes: 25, endOfLife: "2024-06-25" },
    { minor: 21, supportedKubernetes: [26, 29], minKubernetes: 26 },
    { minor: 22, supportedKubernetes: [27, 30], minKubernetes: 26 },
    { minor: 23, supportedKubernetes: [27, 30], minKubernetes: 26, endOfLife: "2025-04-16" },
    { minor: 24, supportedKubernetes: [28, 31], minKubernetes: 28, endOfLife: "2025-06-24" },
    { minor: 25, supportedKubernetes: [29, 32], minKubernetes: 28, endOfLife: "2025-09-30" },
    { minor: 26, supportedKubernetes: [29, 33], minKubernetes: 29, endOfLife: "2025-12-22" },
    { minor: 27, supportedKubernetes: [29, 33], minKubernetes: 29, endOfLife: "2026-04-07" },
    { minor: 28, supportedKubernetes: [30, 34], minKubernetes: 29, endOfLife: "2026-07-01" },
    { minor: 29, supportedKubernetes: [31, 35], minKubernetes: 30 },
    { minor: 30, supportedKubernetes: [32, 36], minKubernetes: 32 },
    // 1.31's supported window is not yet published; rc.0 raised no floor over 1.30.
    { minor: 31, supportedKubernetes: [32, 36], minKubernetes: 32 },
];

/**
 * The branch forked from master after the 1.14 version bump; 1.14 targeted Kubernetes 1.21–1.24.
 * Its own floor (MinK8SVersion 19) is below this package's dual-stack floor, so that floor rules.
 */
const BRANCH_SUPPORT: IstioMinorSupport = { minor: 14, supportedKubernetes: [21, 24], minKubernetes: 23 };

/**
 * APIs that Istio charts of some versions still render and that Kubernetes has removed, with the
 * chart values that stop the chart from rendering them.
 */
export interface RemovedApiHazard {
    /** The removed API, e.g. `policy/v1beta1 PodDisruptionBudget`. */
    readonly api: string;
    /** The Kubernetes minor (1.x) that no longer serves it. */
    readonly removedInMinor: number;
    /** Which chart renders it. */
    readonly chart: "istiod" | "gateway";
}

/** What one flavour and version of Istio's charts and binaries understand. */
export interface IstioRelease {
    readonly flavor: IstioFlavor;
    /** The release version for upstream; `undefined` for the branch, which has none. */
    readonly version?: string;
    /** Human-readable name for messages and summaries: `1.30.3` or `experimental-dual-stack`. */
    readonly label: string;
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /** The proxy-side dual-stack switch in `meshConfig.defaultConfig.proxyMetadata`. */
    readonly proxyDualStackFlag: "ISTIO_AGENT_DUAL_STACK" | "ISTIO_DUAL_STACK";
    /** The branch's istiod exits when dual-stack is on without EndpointSlice-only mode. */
    readonly requiresEndpointSliceFlag: boolean;
    /** istiod chart has `pilot.ipFamilyPolicy` / `pilot.ipFamilies` (1.20+). */
    readonly istiodServiceFamilyKeys: boolean;
    /** gateway chart has `service.ipFamilyPolicy` / `service.ipFamilies` (1.19.1+). */
    readonly gatewayServiceFamilyKeys: boolean;
    /** The istiod value that turns on CNI-aware injection: `istio_cni` before 1.22, `pilot.cni` from it. */
    readonly cniValuesKey: "istio_cni" | "pilot.cni";
    /** The cni chart ships `files/profile-platform-gke.yaml`, read through `global.platform` (1.25+). */
    readonly cniPlatformProfiles: boolean;
    /** APIs the charts render unconditionally that later Kubernetes removed. */
    readonly removedApiHazards: readonly RemovedApiHazard[];
    readonly support: IstioMinorSupport;
}

/** Checks a flavour name. */
export function parseFlavor(text: string, field: string): IstioFlavor {
    if (!FLAVORS.includes(text)) {
        throw new InputError(field, `'${text}' is not an Istio flavor; allowed: ${FLAVORS.join(", ")}`);
    }
    return text as IstioFlavor;
}

/**
 * Resolves the flavour and version to what their charts understand.
 * `version` is required for upstream and refused for the branch, which has no release version.
 */
export function resolveIstioRelease(flavor: IstioFlavor, version: string | undefined, field: string): IstioRelease {
    if (flavor === IstioFlavor.ExperimentalDualStack) {
        if (version !== undefined) {
            throw new InputError(
                field,
                "is not used with flavor experimental-dual-stack: the branch has no release version; its charts come from chartsDir and its images from hub and tag",
            );
        }
        return {
            flavor,
            label: IstioFlavor.ExperimentalDualStack,
            major: 1,
            minor: BRANCH_SUPPORT.minor,
            patch: 0,
            proxyDualStackFlag: "ISTIO_AGENT_DUAL_STACK",
            requiresEndpointSliceFlag: true,
            istiodServiceFamilyKeys: false,
            gatewayServiceFamilyKeys: false,
            cniValuesKey: "istio_cni",
            cniPlatformProfiles: false,
            removedApiHazards: [
                { api: "policy/v1beta1 PodDisruptionBudget", removedInMinor: 25, chart: "istiod" },
                { api: "autoscaling/v2beta1 HorizontalPodAutoscaler", removedInMinor: 25, chart: "istiod" },
                { api: "autoscaling/v2beta2 HorizontalPodAutoscaler", removedInMinor: 26, chart: "gateway" },
            ],
            support: BRANCH_SUPPORT,
        };
    }
    const text = version ?? DEFAULT_ISTIO_VERSION;
    const parsed = semver.valid(text) === text ? semver.parse(text) : null;
    if (!parsed || parsed.prerelease.length > 0 || parsed.build.length > 0) {
        throw new InputError(field, `'${text}' is not an Istio release version; expected X.Y.Z, e.g. ${DEFAULT_ISTIO_VERSION}`);
    }
    if (parsed.major < 1 || (parsed.major === 1 && parsed.minor < OLDEST_UPSTREAM_MINOR)) {
        throw new InputError(field, `Istio ${text} has no dual-stack support; upstream Istio 1.${OLDEST_UPSTREAM_MINOR}.0 or newer is required`);
    }
    const newest = UPSTREAM_SUPPORT[UPSTREAM_SUPPORT.length - 1];
    // A release newer than the table (a later 1.x, or a 2.x) is planned with the newest row's rules.
    const support = (parsed.major === 1 && UPSTREAM_SUPPORT.find((row) => row.minor === parsed.minor)) || newest;
    const atLeast = (minor: number, patch = 0) => semver.gte(parsed, `1.${minor}.${patch}`);
    return {
        flavor,
        version: text,
        label: text,
        major: parsed.major,
        minor: parsed.minor,
        patch: parsed.patch,
        proxyDualStackFlag: atLeast(19) ? "ISTIO_DUAL_STACK" : "ISTIO_AGENT_DUAL_STACK",
        requiresEndpointSliceFlag: false,
        istiodServiceFamilyKeys: atLeast(20),
        gatewayServiceFamilyKeys: atLeast(19, 1),
        cniValuesKey: atLeast(22) ? "pilot.cni" : "istio_cni",
        cniPlatformProfiles: atLeast(25),
        removedApiHazards: [],
        support,
    };
}

/**
 * Checks that the Kubernetes version can run this Istio: refuses anything below Istio's floor,
 * warns outside the tested window, past end of life, for releases newer than this package's
 * table (which are planned with the newest row's rules), and when the table itself is older than
 * its trusted age on `today`.
 */
export function checkKubernetesCompatibility(
    release: IstioRelease,
    kubernetes: KubernetesMinor,
    fields: { readonly istio: string; readonly kubernetes: string },
    today: Date = currentDay(),
): InputWarning[] {
    const { support } = release;
    if (kubernetes.minor < support.minKubernetes) {
        throw new InputError(
            fields.kubernetes,
            `Kubernetes ${kubernetes.text} is below the minimum for Istio ${release.label}; it needs Kubernetes 1.${support.minKubernetes} or newer`,
        );
    }
    const warnings: InputWarning[] = [];
    const [low, high] = support.supportedKubernetes;
    if (kubernetes.minor < low || kubernetes.minor > high) {
        warnings.push({
            field: fields.kubernetes,
            message: `Istio ${release.label} was tested with Kubernetes 1.${low} to 1.${high}, not ${kubernetes.text}`,
        });
    }
    const newestKnown = UPSTREAM_SUPPORT[UPSTREAM_SUPPORT.length - 1].minor;
    const newerThanKnown = release.major > 1 || release.minor > newestKnown;
    if (release.flavor === IstioFlavor.Upstream && newerThanKnown) {
        warnings.push({
            field: fields.istio,
            message: `Istio ${release.label} is newer than the releases this package knows (1.${OLDEST_UPSTREAM_MINOR} to 1.${newestKnown}); it is planned with the rules of Istio 1.${support.minor}`,
        });
    }
    if (release.flavor === IstioFlavor.ExperimentalDualStack) {
        warnings.push({
            field: fields.istio,
            message: "the experimental-dual-stack branch is a 2022 prototype without tests upstream; use it for experiments, not production",
        });
    }
    if (release.flavor === IstioFlavor.Upstream) {
        // The newest row's end of life is not a newer release's.
        if (support.endOfLife && !newerThanKnown && isoDay(today) > support.endOfLife) {
            warnings.push({
                field: fields.istio,
                message: `Istio 1.${release.minor} reached end of life on ${support.endOfLife} and gets no security fixes`,
            });
        }
        warnings.push(...staleCalendarWarnings(ISTIO_SUPPORT_PROVENANCE, today, fields.istio));
    }
    return warnings;
}

/** The hazards that apply on this Kubernetes version. */
export function activeHazards(release: IstioRelease, kubernetes: KubernetesMinor): RemovedApiHazard[] {
    return release.removedApiHazards.filter((hazard) => kubernetes.minor >= hazard.removedInMinor);
}
