import { InputError, type InputWarning } from "../errors";
import { refuseCredentials, urlLocation } from "../network/urls";
import {
    type ClusterFacts,
    type IpFamily,
    type KubernetesMinor,
    type LoadBalancerEdge,
    isDualStack,
    KubernetesPlatform,
    parseKubernetesVersion,
    validateIpFamilies,
} from "../target/cluster-facts";
import { checkKubernetesCompatibility, type IstioFlavor, IstioFlavor as Flavors, type IstioRelease, parseFlavor, resolveIstioRelease } from "./versions";
import { checkFlag, checkOneOf, checkSection } from "../target/arg-checks";
import { checkGatewayChartSchema, type Installer } from "./gateway-schema";
import { checkNativeNftables } from "./nftables";
import { type ResolvedVerifySettings, resolveVerify, type VerifySettings, verifyNamespace } from "./verify-settings";
import { checkTagMatchesRelease, DEFAULT_UPSTREAM_HUB, retiredLocation, validateHub, validatePullSecrets, validateRevision, validateTag } from "./image-checks";

export { DEFAULT_UPSTREAM_HUB } from "./image-checks";
export { type ResolvedVerifySettings, VERIFY_TIMEOUT_SECONDS, type VerifySettings } from "./verify-settings";

/** Kubernetes image pull policies. */
export const ImagePullPolicy = {
    Always: "Always",
    IfNotPresent: "IfNotPresent",
    Never: "Never",
} as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** How the ingress gateway's Service is exposed. */
export const GatewayServiceType = {
    LoadBalancer: "LoadBalancer",
    NodePort: "NodePort",
    ClusterIP: "ClusterIP",
} as const;
export type GatewayServiceType = (typeof GatewayServiceType)[keyof typeof GatewayServiceType];

/** How workloads join the mesh. */
export const IstioMode = {
    /** An Envoy sidecar injected beside each meshed pod. */
    Sidecar: "sidecar",
    /** ztunnel on every node, with istio-cni redirecting meshed pods' traffic to it (no sidecars). */
    Ambient: "ambient",
} as const;
export type IstioMode = (typeof IstioMode)[keyof typeof IstioMode];

/** The first upstream release whose ambient mode is dual-stack. */
export const AMBIENT_FROM = "1.24.0";

/** The upstream chart repository's home from December 2026. */
export const DEFAULT_CHART_REPOSITORY = "https://blob.istio.io/istio-release/charts";

/** The ingress gateway's settings. */
export interface GatewaySettings {
    /**
     * Install an ingress gateway (the `gateway` chart) in its own namespace, `istio-ingress`,
     * with a Service of both families on a dual-stack cluster.
     * @default false
     */
    readonly enabled?: boolean;
    /**
     * The gateway Service's type. `LoadBalancer` waits until the cloud assigns addresses;
     * on clusters without a load-balancer implementation (kind, bare metal) choose `NodePort`.
     * @default "LoadBalancer"
     */
    readonly serviceType?: GatewayServiceType;
}

/** Istio's base: its CRDs and cluster roles, and the `istio-system` namespace. */
export interface BaseSettings {
    /**
     * Install the base chart and create `istio-system`. Set `false` to install one more control
     * plane (a canary `revision`) into a cluster where another stack or component already
     * installed base, istiod and, if any, CNI and the gateway; this one then installs only
     * `istiod-<revision>`, beside the other.
     * @default true
     */
    readonly enabled?: boolean;
}

/** Istio CNI's settings. */
export interface CniSettings {
    /**
     * Install Istio CNI, so meshed pods need no `NET_ADMIN` init container. It runs in
     * `istio-system`, which is then labelled for privileged pods.
     * @default false
     */
    readonly enabled?: boolean;
}

/**
 * What to install, named as the `istio.*` keys of the stack config.
 * Every field is plain (not an `Input`): each one decides which values and resources are
 * planned, and all are checked before anything is registered.
 */
export interface IstioSettings {
    /**
     * `upstream` for a published release, or `experimental-dual-stack` for images and charts
     * built from a checkout of Istio's `experimental-dual-stack` branch.
     * @default "upstream"
     */
    readonly flavor?: IstioFlavor;
    /**
     * The upstream release, `X.Y.Z` (1.17.0 or newer), or a pre-release `X.Y.Z-alpha.N`, `-beta.N`
     * or `-rc.N` (planned with a warning). Charts are pinned to exactly this version, and images
     * are tagged with it unless `tag` is given. Not used with the branch.
     * @default "1.30.3" (upstream)
     */
    readonly version?: string;
    /**
     * The image registry and path, e.g. `docker.io/istio` or `registry.example.com/istio`:
     * lowercase, no scheme, no trailing slash. Required for the branch.
     * @default "docker.io/istio" (upstream)
     */
    readonly hub?: string;
    /**
     * The image tag. Requires `hub`. Required for the branch (the tag you built with `make docker`).
     * @default the release version (upstream)
     */
    readonly tag?: string;
    /**
     * Image pull policy for Istio's images.
     * @default "Always" when `hub` is given (your own builds are often re-pushed under one tag), otherwise "IfNotPresent"
     */
    readonly imagePullPolicy?: ImagePullPolicy;
    /**
     * An istiod revision (a DNS-1123 label other than `default`, e.g. `1-30-3`), for canary
     * upgrades. The istiod release becomes `istiod-<revision>`.
     * @default no revision: the default control plane
     */
    readonly revision?: string;
    /**
     * A checkout's `manifests/charts` folder; charts are installed from it instead of a
     * repository. Required for the branch.
     * @default charts come from `chartRepository`
     */
    readonly chartsDir?: string;
    /**
     * The chart repository: an `https://` Helm repository or an `oci://` registry path.
     * @default "https://blob.istio.io/istio-release/charts"
     */
    readonly chartRepository?: string;
    /**
     * Names of Secrets in `istio-system` (and `istio-ingress`) used to pull Istio's images.
     * @default []
     */
    readonly imagePullSecrets?: string[];
    /** Istio's base chart and namespace. */
    readonly base?: BaseSettings;
    /** The ingress gateway. */
    readonly gateway?: GatewaySettings;
    /** Istio CNI. */
    readonly cni?: CniSettings;
    /**
     * The data plane: `sidecar`, or `ambient` (Istio 1.24 or newer), which adds the `ztunnel`
     * release and needs istio-cni (on unless `cni.enabled` says otherwise, which is refused).
     * @default "sidecar"
     */
    readonly mode?: IstioMode;
    /**
     * Program the data plane's redirection with native nftables instead of iptables
     * (`global.nativeNftables` in istiod and istio-cni): sidecar mode from Istio 1.27.0, ambient
     * from 1.28.0. Nodes need nft 1.0.1 or newer where istio-cni's plugin runs it (sidecar mode
     * with CNI). Releases with known nftables bugs plan with a warning naming the fix.
     * @default false
     */
    readonly nativeNftables?: boolean;
    /**
     * The post-install proof that the mesh answers on both families.
     * @default off (`verify.enabled: false`)
     */
    readonly verify?: VerifySettings;
}

/** Where a chart comes from. */
export type ChartSource =
    { readonly kind: "repository"; readonly url: string } | { readonly kind: "oci"; readonly url: string } | { readonly kind: "directory"; readonly path: string };

/** Settings after validation, with every default applied: what planning consumes. */
export interface ResolvedIstioSettings {
    readonly release: IstioRelease;
    readonly kubernetes: KubernetesMinor;
    readonly ipFamilies: readonly IpFamily[];
    readonly platform: KubernetesPlatform;
    /** The cluster's load-balancer edge, where it has one. */
    readonly loadBalancer?: LoadBalancerEdge;
    readonly hub: string;
    readonly tag: string;
    readonly imagePullPolicy: ImagePullPolicy;
    /** `""` for the default control plane. */
    readonly revision: string;
    readonly imagePullSecrets: readonly string[];
    /** Whether this install owns base and `istio-system` (`false`: a control plane beside another). */
    readonly base: { readonly enabled: boolean };
    readonly gateway: { readonly enabled: boolean; readonly serviceType: GatewayServiceType };
    readonly cni: { readonly enabled: boolean };
    readonly mode: IstioMode;
    /** ztunnel is installed: ambient mode, by the install that owns base (per cluster, like CNI). */
    readonly ztunnel: { readonly enabled: boolean };
    readonly nativeNftables: boolean;
    readonly verify: ResolvedVerifySettings;
    readonly warnings: readonly InputWarning[];
}

/**
 * Validates the settings against the cluster's facts and applies defaults. Throws the first
 * {@link InputError}, with fields named as in {@link IstioSettings} (`hub`, `gateway.enabled`);
 * cluster facts are named `target.<field>`. `installer` says who installs the charts, where that
 * changes what is refused (the gateway chart Helm's schema check refuses).
 */
export function resolveIstioSettings(settings: IstioSettings, cluster: ClusterFacts, today?: Date, installer: Installer = "release"): ResolvedIstioSettings {
    const flavor = parseFlavor(settings.flavor ?? Flavors.Upstream, "flavor");
    const release = resolveIstioRelease(flavor, settings.version, "version");
    const kubernetes = parseKubernetesVersion(cluster.kubernetesVersion, "target.kubernetesVersion");
    const ipFamilies = validateIpFamilies(cluster.ipFamilies, "target.ipFamilies");
    const platform = cluster.platform ?? KubernetesPlatform.Generic;
    const warnings = checkKubernetesCompatibility(
        release,
        kubernetes,
        { istio: flavor === Flavors.Upstream ? "version" : "flavor", kubernetes: "target.kubernetesVersion" },
        today,
    );

    if (settings.tag !== undefined && settings.hub === undefined) {
        throw new InputError("tag", "is set without hub; give the registry the tagged images live in, e.g. hub: docker.io/istio");
    }
    if (settings.hub !== undefined) {
        validateHub(settings.hub, "hub");
    }
    if (settings.tag !== undefined) {
        validateTag(settings.tag, "tag");
    }
    if (flavor === Flavors.ExperimentalDualStack) {
        if (settings.hub === undefined || settings.tag === undefined) {
            throw new InputError(
                settings.hub === undefined ? "hub" : "tag",
                "is required with flavor experimental-dual-stack: the branch publishes no images; give the hub and tag you pushed from `make docker`",
            );
        }
    }
    const hub = settings.hub ?? DEFAULT_UPSTREAM_HUB;
    // The branch required a tag above; an upstream release's images are tagged with its version.
    const tag = settings.tag ?? release.version ?? "";
    checkTagMatchesRelease(tag, release);
    const revision = settings.revision ?? "";
    if (settings.revision !== undefined) {
        validateRevision(settings.revision, "revision");
    }
    const imagePullSecrets = settings.imagePullSecrets ?? [];
    validatePullSecrets(imagePullSecrets, "imagePullSecrets");
    const imagePullPolicy = settings.imagePullPolicy ?? (settings.hub !== undefined ? "Always" : "IfNotPresent");
    if (!Object.values<string>(ImagePullPolicy).includes(imagePullPolicy)) {
        throw new InputError("imagePullPolicy", `'${imagePullPolicy}' is not a pull policy; allowed: Always, IfNotPresent, Never`);
    }
    checkSection(settings.base, ["enabled"], "base");
    checkSection(settings.gateway, ["enabled", "serviceType"], "gateway");
    checkSection(settings.cni, ["enabled"], "cni");
    const serviceType = settings.gateway?.serviceType ?? GatewayServiceType.LoadBalancer;
    if (!Object.values<string>(GatewayServiceType).includes(serviceType)) {
        throw new InputError("gateway.serviceType", `'${serviceType}' is not a Service type for the gateway; allowed: LoadBalancer, NodePort, ClusterIP`);
    }
    const base = { enabled: checkFlag(settings.base?.enabled, "base.enabled", true) };
    const gateway = { enabled: checkFlag(settings.gateway?.enabled, "gateway.enabled", false), serviceType };
    const mode = checkOneOf(settings.mode, Object.values(IstioMode), "mode", "a data-plane mode", IstioMode.Sidecar);
    const ambient = mode === IstioMode.Ambient;
    if (ambient && !release.ambient) {
        throw new InputError(
            "mode",
            flavor === Flavors.ExperimentalDualStack
                ? "ambient is not in the experimental-dual-stack branch, which forked before ztunnel; use upstream Istio 1.24 or newer"
                : `ambient needs Istio ${AMBIENT_FROM} or newer, where ztunnel and istio-cni are dual-stack; Istio ${release.label} has no dual-stack ambient`,
        );
    }
    checkFlag(settings.cni?.enabled, "cni.enabled", false);
    if (ambient && settings.cni?.enabled === false) {
        throw new InputError("cni.enabled", "is false, but ambient mode redirects pods' traffic to ztunnel through istio-cni; leave it unset or true");
    }
    // Beside another control plane, CNI and ztunnel belong to the install that owns base.
    const cni = { enabled: settings.cni?.enabled ?? (ambient && (settings.base?.enabled ?? true)) };
    if (!base.enabled) {
        // Beside another control plane, only istiod-<revision> is this install's own: base, the
        // namespace, CNI (a DaemonSet per cluster) and the gateway's fixed release belong to the other.
        if (revision === "") {
            throw new InputError("base.enabled", "false installs a control plane beside the one that owns base; give it a revision, e.g. canary");
        }
        for (const [field, enabled] of [
            ["gateway.enabled", gateway.enabled],
            ["cni.enabled", cni.enabled],
        ] as const) {
            if (enabled) {
                throw new InputError(field, "must be false with base.enabled: false; the gateway and CNI belong to the install that owns base");
            }
        }
    }
    if (gateway.enabled) {
        checkGatewayChartSchema(release, installer, warnings);
    }
    const edge = cluster.loadBalancer;
    if (gateway.enabled && serviceType === GatewayServiceType.LoadBalancer && edge?.missingFamilies !== undefined) {
        const missing = ipFamilies.filter((family) => !edge.ipFamilies.includes(family));
        if (missing.length > 0) {
            throw new InputError(
                "gateway.serviceType",
                `LoadBalancer would reach clients over ${edge.ipFamilies.join(" and ")} only on this cluster, not ${missing.join(" and ")}: ${edge.missingFamilies}; or use ClusterIP or NodePort`,
            );
        }
    }
    if (cni.enabled && isDualStack(ipFamilies) && !release.cniDualStack) {
        // A single-stack plugin redirects one family, so the other would bypass the sidecar unseen.
        const fix = `${flavor === Flavors.ExperimentalDualStack ? "upstream " : ""}Istio ${release.cniDualStackFrom} or newer`;
        throw new InputError(
            "cni.enabled",
            `Istio ${release.label}'s CNI plugin redirects one IP family only (it reads no dual-stack switch), so on a dual-stack cluster the other family would bypass the sidecar; turn CNI off, or use ${fix}`,
        );
    }
    if (ambient && platform === KubernetesPlatform.Eks && ipFamilies.length === 1 && ipFamilies[0] === "IPv6") {
        warnings.push({
            field: "mode",
            message:
                "ambient on an IPv6-only EKS cluster: EKS gives pods IPv4 egress through the VPC CNI's own egress plugin, outside ambient's redirection to ztunnel, so meshed pods may not reach IPv4-only destinations; reach them through an egress gateway, or keep such workloads out of the ambient mesh",
        });
    }
    const nativeNftables = checkFlag(settings.nativeNftables, "nativeNftables", false);
    if (nativeNftables) {
        warnings.push(...checkNativeNftables({ release, mode, tag, ipFamilies, cniEnabled: cni.enabled }));
    }
    const verify = resolveVerify(settings.verify, { hub, tag, imagePullSecrets, namespace: verifyNamespace(revision) }, warnings);
    if (flavor === Flavors.ExperimentalDualStack && ipFamilies.length === 1) {
        warnings.push({
            field: "flavor",
            message: `the experimental-dual-stack branch only adds dual-stack, but the cluster is single-stack [${ipFamilies[0]}]`,
        });
    }
    return {
        release,
        kubernetes,
        ipFamilies,
        platform,
        ...(cluster.loadBalancer ? { loadBalancer: cluster.loadBalancer } : {}),
        hub,
        tag,
        imagePullPolicy,
        revision,
        imagePullSecrets,
        base,
        gateway,
        cni,
        mode,
        ztunnel: { enabled: ambient && base.enabled },
        nativeNftables,
        verify,
        warnings,
    };
}

/**
 * Where the charts come from: a checkout's folder, an OCI registry or a Helm repository.
 * The branch publishes no charts, so it needs a checkout.
 */
export function resolveChartSource(settings: IstioSettings): ChartSource {
    if (settings.flavor === Flavors.ExperimentalDualStack && settings.chartsDir === undefined) {
        throw new InputError("chartsDir", "is required with flavor experimental-dual-stack: give the manifests/charts folder of your checkout of the branch");
    }
    if (settings.chartsDir !== undefined) {
        if (settings.chartRepository !== undefined) {
            throw new InputError("chartRepository", "cannot be combined with chartsDir; give one chart source");
        }
        if (settings.chartsDir.trim() === "") {
            throw new InputError("chartsDir", "must not be empty; give the manifests/charts folder of an Istio checkout");
        }
        return { kind: "directory", path: settings.chartsDir };
    }
    const url = settings.chartRepository ?? DEFAULT_CHART_REPOSITORY;
    // First, so that no later refusal repeats a secret. The Helm Release takes an OCI registry's
    // login from Helm's registry config (the provider's helmReleaseSettings.registryConfigPath).
    refuseCredentials(url, "chartRepository", "use an oci:// registry after `helm registry login <host>` where pulumi runs, or the charts in a folder (chartsDir)");
    if (/[\s\u0000-\u001f\u007f]/.test(url)) {
        throw new InputError("chartRepository", "contains a space, line break or other control character; give one URL, https://… or oci://…");
    }
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        throw new InputError("chartRepository", `'${url}' is not a URL; use https://… for a Helm repository or oci://… for a registry`);
    }
    if (retiredLocation(urlLocation(parsed)) !== undefined) {
        throw new InputError("chartRepository", `'${url}' is retired by Istio in December 2026; use ${DEFAULT_CHART_REPOSITORY} or oci://ghcr.io/istio/release/charts`);
    }
    if (parsed.protocol === "oci:") {
        return { kind: "oci", url: url.replace(/\/+$/, "") };
    }
    if (parsed.protocol === "https:") {
        return { kind: "repository", url };
    }
    throw new InputError("chartRepository", `'${url}' uses ${parsed.protocol.replace(/:$/, "")}; use https://… for a Helm repository or oci://… for a registry`);
}
