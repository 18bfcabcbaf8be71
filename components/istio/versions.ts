import * as semver from "semver";
import { isoDay, today as currentDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { staleCalendarWarnings, type CalendarProvenance } from "../support-calendar";
import type { KubernetesMinor } from "../target/cluster-facts";
import { gatewaySchemaHazard } from "./gateway-schema";

/** Where Istio's charts and images come from. */
export const IstioFlavor = {
    /** A published Istio release, `X.Y.Z` with `X.Y` ≥ 1.17, or a pre-release `X.Y.Z-alpha.N`, `-beta.N`, `-rc.N`. */
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
 * One Istio minor's support window (istio.io `data/compatibility/supportStatus.yml`, end-of-life
 * dates from its support announcements).
 */
interface IstioMinorSupport {
    readonly minor: number;
    /** Lowest and highest Kubernetes minor Istio tested this release with. */
    readonly supportedKubernetes: readonly [number, number];
    /** End of upstream support (ISO date), where it has been announced. */
    readonly endOfLife?: string;
}

/** Where {@link UPSTREAM_SUPPORT} comes from and when it was last compared with its sources. */
export const ISTIO_SUPPORT_PROVENANCE: CalendarProvenance = {
    table: "the Istio release support table",
    file: "components/istio/versions.ts",
    source: "istio.io data/compatibility/supportStatus.yml and content/en/news/support/announcing-1.N-eol*.md (support windows, end-of-life dates) and istioctl/pkg/install/k8sversion/version.go at each release tag (MinK8SVersion)",
    checkedOn: "2026-12-02",
};

/**
 * Oldest first. When Istio releases a minor or announces an end of life: add or update its row,
 * and move {@link ISTIO_SUPPORT_PROVENANCE}'s `checkedOn` to the day you compared.
 * End of life is the day of istio.io's "Support for Istio 1.N has ended" notice
 * (`content/en/news/support/announcing-1.N-eol-final/index.md`, `publishdate`); 1.21: 2024-09-27;
 * 1.22: 2025-01-22 (its advance notice said January 21st); 1.29: 2026-10-12 from the advance notice
 * (`announcing-1.29-eol`, 2026-09-09), no final notice stored yet. 1.30 and 1.31 end six weeks
 * after 1.32.0 and 1.33.0; no end was announced in the sources read on `checkedOn`.
 */
const UPSTREAM_SUPPORT: readonly IstioMinorSupport[] = [
    { minor: 17, supportedKubernetes: [23, 26], endOfLife: "2023-10-27" },
    { minor: 18, supportedKubernetes: [24, 27], endOfLife: "2024-01-04" },
    { minor: 19, supportedKubernetes: [25, 28], endOfLife: "2024-04-24" },
    { minor: 20, supportedKubernetes: [25, 29], endOfLife: "2024-06-25" },
    { minor: 21, supportedKubernetes: [26, 29], endOfLife: "2024-09-27" },
    { minor: 22, supportedKubernetes: [27, 30], endOfLife: "2025-01-22" },
    { minor: 23, supportedKubernetes: [27, 30], endOfLife: "2025-04-16" },
    { minor: 24, supportedKubernetes: [28, 31], endOfLife: "2025-06-24" },
    { minor: 25, supportedKubernetes: [29, 32], endOfLife: "2025-09-30" },
    { minor: 26, supportedKubernetes: [29, 33], endOfLife: "2025-12-22" },
    { minor: 27, supportedKubernetes: [29, 33], endOfLife: "2026-04-07" },
    { minor: 28, supportedKubernetes: [30, 34], endOfLife: "2026-07-01" },
    { minor: 29, supportedKubernetes: [31, 35], endOfLife: "2026-10-12" },
    { minor: 30, supportedKubernetes: [32, 36] },
    // 1.31's supported window is not yet published.
    { minor: 31, supportedKubernetes: [32, 36] },
];

/**
 * The Kubernetes floor istioctl's precheck enforces, `MinK8SVersion` in
 * `istioctl/pkg/install/k8sversion/version.go`, read at every tag of istio/istio from 1.17.0-beta.0
 * to 1.31.0-rc.0: each row's value at `from`, at `through` and at every tag between them in semver
 * order. A version takes the last row at or before it, so floors raised in a patch (1.18.1, 1.25.1,
 * 1.28.2) hold for the later patches, and a pre-release has its own tag's floor. istioctl only warns
 * below the floor; this package refuses. (1.17.7, 1.18.4 and 1.19.2 are no tags: 1.18.4 was never
 * published, says 1.18.5's release note.)
 */
const KUBERNETES_FLOORS: readonly { readonly from: string; readonly through: string; readonly minKubernetes: number }[] = [
    { from: "1.17.0-beta.0", through: "1.17.0-beta.2", minKubernetes: 22 },
    { from: "1.17.0-rc.0", through: "1.18.0", minKubernetes: 23 },
    { from: "1.18.1", through: "1.19.0-alpha.1", minKubernetes: 24 },
    { from: "1.19.0-beta.0", through: "1.20.8", minKubernetes: 25 },
    { from: "1.21.0-beta.0", through: "1.24.0-alpha.0", minKubernetes: 26 },
    { from: "1.24.0-rc.0", through: "1.25.0", minKubernetes: 28 },
    { from: "1.25.1", through: "1.28.1", minKubernetes: 29 },
    { from: "1.28.2", through: "1.30.0-rc.0", minKubernetes: 30 },
    { from: "1.30.0", through: "1.31.0-rc.0", minKubernetes: 32 },
];

/** A proxy-side environment variable that switches dual-stack on. */
export type ProxyDualStackFlag = "ISTIO_AGENT_DUAL_STACK" | "ISTIO_DUAL_STACK";

/**
 * Which part of the proxy reads which dual-stack switch from the istio-proxy container's
 * environment (which `proxyMetadata` sets), from the first tag of istio/istio that reads it up to,
 * not including, `until`; read at every tag from 1.17.0-beta.0 to 1.31.0-rc.0.
 */
const PROXY_DUAL_STACK_READERS: readonly {
    readonly flag: ProxyDualStackFlag;
    readonly part: "iptables" | "bootstrap" | "cni";
    readonly from: string;
    readonly until?: string;
}[] = [
    // istio-iptables, tools/istio-iptables/pkg/cmd/root.go: renamed at 1.19.0-beta.0 (#43892).
    { flag: "ISTIO_AGENT_DUAL_STACK", part: "iptables", from: "1.17.0-beta.0", until: "1.19.0-beta.0" },
    { flag: "ISTIO_DUAL_STACK", part: "iptables", from: "1.19.0-beta.0" },
    // pilot-agent's Envoy bootstrap, pkg/bootstrap/config.go: features.EnableDualStack
    // (pilot/pkg/features/pilot.go) picks the wildcard, localhost and DNS families; 1.17.x reads none.
    { flag: "ISTIO_DUAL_STACK", part: "bootstrap", from: "1.18.0-alpha.0" },
    // The CNI plugin, cni/pkg/plugin/redirect.go (pi.ProxyEnvironments) into iptables_linux.go's
    // constants.DualStack: none at 1.17.x, 1.18.0 to 1.18.3 (#47109 came in 1.18.5) nor at any
    // 1.19.0 tag; without it the plugin redirects one family only.
    { flag: "ISTIO_AGENT_DUAL_STACK", part: "cni", from: "1.18.5", until: "1.19.0-alpha.0" },
    { flag: "ISTIO_DUAL_STACK", part: "cni", from: "1.19.1" },
];

const CNI_READERS = PROXY_DUAL_STACK_READERS.filter((reader) => reader.part === "cni");

// Istio tags its pre-releases X.Y.Z-alpha.N, -beta.N and -rc.N.
const PRERELEASE = /^(?:alpha|beta|rc)\.(?:0|[1-9][0-9]*)$/;

/** The branch forked from master after the 1.14 version bump; 1.14 targeted Kubernetes 1.21–1.24. */
const BRANCH_SUPPORT: IstioMinorSupport = { minor: 14, supportedKubernetes: [21, 24] };
// The branch's own floor (MinK8SVersion 19) is below this package's dual-stack floor, so that floor rules.
const BRANCH_MIN_KUBERNETES = 23;

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
    /** An upstream pre-release's suffix, `alpha.N`, `beta.N` or `rc.N`; absent for a release and the branch. */
    readonly prerelease?: string;
    /** Human-readable name for messages and summaries: `1.30.3` or `experimental-dual-stack`. */
    readonly label: string;
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /**
     * The proxy-side dual-stack switches for `meshConfig.defaultConfig.proxyMetadata`: every one
     * that a part of this version's proxy reads (1.18.x: `ISTIO_DUAL_STACK` for the bootstrap,
     * `ISTIO_AGENT_DUAL_STACK` for iptables and CNI).
     */
    readonly proxyDualStackFlags: readonly ProxyDualStackFlag[];
    /** Kubernetes minor below which this version refuses to plan: its own tag's `MinK8SVersion`. */
    readonly minKubernetes: number;
    /** The branch's istiod exits when dual-stack is on without EndpointSlice-only mode. */
    readonly requiresEndpointSliceFlag: boolean;
    /** istiod chart has `pilot.ipFamilyPolicy` / `pilot.ipFamilies` (1.20+). */
    readonly istiodServiceFamilyKeys: boolean;
    /** gateway chart has `service.ipFamilyPolicy` / `service.ipFamilies` (1.19.1+). */
    readonly gatewayServiceFamilyKeys: boolean;
    /** The CNI plugin programs both families' redirection: it reads a dual-stack switch (1.18.5 to 1.18.7, 1.19.1+). */
    readonly cniDualStack: boolean;
    /** Where the CNI plugin is single-stack: the nearest later upstream release whose plugin is not. */
    readonly cniDualStackFrom?: string;
    /** The istiod value that turns on CNI-aware injection: `istio_cni` before 1.22, `pilot.cni` from it. */
    readonly cniValuesKey: "istio_cni" | "pilot.cni";
    /** The cni chart ships `files/profile-platform-gke.yaml`, read through `global.platform` (1.25+). */
    readonly cniPlatformProfiles: boolean;
    /**
     * The cni chart's GKE profile turns on the ResourceQuota for its system-node-critical pods
     * (1.26+); where it does not (1.25.x, before the profiles), the package sets it.
     */
    readonly cniPlatformProfileQuota: boolean;
    /**
     * Ambient mode with dual-stack: the `ztunnel` chart, istio-cni's node agent with
     * `ambient.ipv6`, read at every tag from 1.24.0 (upstream only).
     */
    readonly ambient: boolean;
    /** The ambient profile also sets `meshConfig.serviceScopeConfigs` (1.27+: `files/profile-ambient.yaml`). */
    readonly ambientServiceScopes: boolean;
    /**
     * Where the gateway chart's values.schema.json refuses the chart's own values.yaml under Helm
     * 3.18.5 and newer (the Kubernetes provider's Helm): the release it is fixed in, for a message.
     */
    readonly gatewaySchemaRejectedUntil?: string;
    /** Istio's CRDs serve `networking.istio.io/v1` (Gateway, VirtualService) from 1.22; `v1beta1` before. */
    readonly networkingV1: boolean;
    /** Where `global.nativeNftables` programs nftables instead of iptables: sidecars from 1.27.0, ambient from 1.28.0. */
    readonly nativeNftables: { readonly sidecar: boolean; readonly ambient: boolean };
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
 * The first release whose data plane programs native nftables (`global.nativeNftables`), by mode:
 * the value is in no chart at 1.26.0 and in istio-discovery and istio-cni at 1.27.0, read then by
 * istio-iptables and the CNI plugin only (sidecars); the ambient node agent takes it from 1.28.0
 * (cni/pkg/cmd/root.go, nodeagent.AmbientArgs.NativeNftables; release notes nftables-sidecar.yaml
 * at 1.27.0, nftables-ambient.yaml at 1.28.0).
 */
export const NATIVE_NFTABLES_FROM = { sidecar: "1.27.0", ambient: "1.28.0" } as const;

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
            // The branch's pilot-agent reads ISTIO_AGENT_DUAL_STACK (pilot/cmd/pilot-agent/options/options.go).
            proxyDualStackFlags: ["ISTIO_AGENT_DUAL_STACK"],
            minKubernetes: BRANCH_MIN_KUBERNETES,
            requiresEndpointSliceFlag: true,
            istiodServiceFamilyKeys: false,
            gatewayServiceFamilyKeys: false,
            // The branch's cni/pkg/plugin reads no dual-stack switch (git grep at experimental-dual-stack).
            cniDualStack: false,
            cniDualStackFrom: CNI_READERS[0].from,
            cniValuesKey: "istio_cni",
            cniPlatformProfiles: false,
            cniPlatformProfileQuota: false,
            // The branch forked before ztunnel existed.
            ambient: false,
            ambientServiceScopes: false,
            networkingV1: false,
            nativeNftables: { sidecar: false, ambient: false },
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
    if (!parsed || (parsed.prerelease.length > 0 && !PRERELEASE.test(parsed.prerelease.join("."))) || parsed.build.length > 0) {
        throw new InputError(field, `'${text}' is not an Istio release version; expected X.Y.Z, e.g. ${DEFAULT_ISTIO_VERSION}`);
    }
    if (parsed.major < 1 || (parsed.major === 1 && parsed.minor < OLDEST_UPSTREAM_MINOR)) {
        throw new InputError(field, `Istio ${text} has no dual-stack support; upstream Istio 1.${OLDEST_UPSTREAM_MINOR}.0 or newer is required`);
    }
    const newest = UPSTREAM_SUPPORT[UPSTREAM_SUPPORT.length - 1];
    // A release newer than the table (a later 1.x, or a 2.x) is planned with the newest row's rules.
    const support = (parsed.major === 1 && UPSTREAM_SUPPORT.find((row) => row.minor === parsed.minor)) || newest;
    // Each threshold is the first tag read with the capability, so pre-releases get their own tag's.
    const atLeast = (tag: string) => semver.gte(parsed, tag);
    const floor = [...KUBERNETES_FLOORS].reverse().find((row) => atLeast(row.from)) ?? KUBERNETES_FLOORS[0];
    const readers = PROXY_DUAL_STACK_READERS.filter((reader) => atLeast(reader.from) && (reader.until === undefined || !atLeast(reader.until)));
    const flags = readers.map((reader) => reader.flag);
    const cniDualStack = readers.some((reader) => reader.part === "cni");
    const cniDualStackFrom = cniDualStack ? undefined : CNI_READERS.find((reader) => !atLeast(reader.from))?.from;
    return {
        flavor,
        version: text,
        ...(parsed.prerelease.length > 0 ? { prerelease: parsed.prerelease.join(".") } : {}),
        label: text,
        major: parsed.major,
        minor: parsed.minor,
        patch: parsed.patch,
        proxyDualStackFlags: [...new Set(flags)].sort(),
        minKubernetes: floor.minKubernetes,
        requiresEndpointSliceFlag: false,
        // manifests/charts/istio-control/istio-discovery/templates/service.yaml
        istiodServiceFamilyKeys: atLeast("1.20.0-beta.0"),
        // manifests/charts/gateway/templates/service.yaml: not at 1.19.0.
        gatewayServiceFamilyKeys: atLeast("1.19.1"),
        cniDualStack,
        ...(cniDualStackFrom !== undefined ? { cniDualStackFrom } : {}),
        // The istiod chart reads .Values.pilot.cni.enabled from 1.22.0-alpha.1.
        cniValuesKey: atLeast("1.22.0-alpha.1") ? "pilot.cni" : "istio_cni",
        // manifests/charts/istio-cni/files/profile-platform-gke.yaml
        cniPlatformProfiles: atLeast("1.25.0-alpha.0"),
        // The same file sets cni.resourceQuotas.enabled (and resourceQuotas.enabled) from
        // 1.26.0-alpha.0; at every 1.25 tag, 1.25.0-alpha.0 to 1.25.5, it sets only cniBinDir.
        cniPlatformProfileQuota: atLeast("1.26.0-alpha.0"),
        // manifests/charts/ztunnel and istio-cni's `ambient.ipv6` (from 1.23), read at 1.24.6 through 1.30.3;
        // dual-stack ambient is supported from 1.24 (the 1.24 release notes).
        ambient: atLeast("1.24.0-alpha.0"),
        ambientServiceScopes: atLeast("1.27.0-alpha.0"),
        // manifests/charts/base/files/crd-all.gen.yaml: v1 served from 1.22.0.
        networkingV1: atLeast("1.22.0"),
        nativeNftables: { sidecar: atLeast(NATIVE_NFTABLES_FROM.sidecar), ambient: atLeast(NATIVE_NFTABLES_FROM.ambient) },
        ...gatewaySchemaHazard(parsed),
        removedApiHazards: [],
        support,
    };
}

/**
 * Checks that the Kubernetes version can run this Istio: refuses anything below the floor of
 * Istio's exact version, warns outside the tested window, past end of life, for releases newer
 * than this package's table (which are planned with the newest row's rules), for pre-releases, and
 * when the table itself is older than its trusted age on `today`.
 */
export function checkKubernetesCompatibility(
    release: IstioRelease,
    kubernetes: KubernetesMinor,
    fields: { readonly istio: string; readonly kubernetes: string },
    today: Date = currentDay(),
): InputWarning[] {
    const { support } = release;
    if (kubernetes.minor < release.minKubernetes) {
        throw new InputError(
            fields.kubernetes,
            `Kubernetes ${kubernetes.text} is below the minimum for Istio ${release.label}; it needs Kubernetes 1.${release.minKubernetes} or newer`,
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
    if (release.prerelease !== undefined) {
        warnings.push({
            field: fields.istio,
            message: `Istio ${release.label} is a pre-release, which Istio does not support or patch; test with it, and run a release such as ${release.major}.${release.minor}.${release.patch} in production`,
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
