import * as semver from "semver";
import { InputError, type InputWarning } from "../errors";
import type { IpFamily } from "../target/cluster-facts";
import { IstioFlavor, type IstioRelease, NATIVE_NFTABLES_FROM } from "./versions";

// Native nftables (`global.nativeNftables`): where each release supports it, and the releases
// with known nftables bugs, from the release notes of istio/istio (releasenotes/notes/*.yaml; a
// note's first tag is the release that shipped the fix) and its issues.

/** The data-plane modes, as far as nftables is concerned. */
type Mode = "sidecar" | "ambient";

/** A known nftables bug: the releases it is in, and what it does. */
interface NftablesBug {
    /** The modes it affects. */
    readonly modes: readonly Mode[];
    /** Releases from `from` up to, not including, `fixedIn` (on the same minor, or every later minor's first). */
    readonly from: string;
    readonly fixedIn: readonly string[];
    /** Only in the distroless image variant (whose `nft` differs from the default variant's). */
    readonly distrolessOnly?: boolean;
    /** Only on clusters without IPv6, where ambient's IPv6 rules are off (`cni.ambient.ipv6: false`). */
    readonly ipv4OnlyCluster?: boolean;
    readonly effect: string;
    readonly source: string;
}

const KNOWN_BUGS: readonly NftablesBug[] = [
    {
        modes: ["sidecar"],
        from: "1.27.0",
        fixedIn: ["1.27.4", "1.28.1"],
        effect: "istio-init fails with TPROXY interception and an empty traffic.sidecar.istio.io/includeInboundPorts annotation",
        source: "releasenotes/notes/58135.yaml",
    },
    {
        modes: ["ambient"],
        from: "1.28.0",
        fixedIn: ["1.28.1"],
        ipv4OnlyCluster: true,
        effect: "istio-cni programs IPv6 rules although IPv6 is off, and fails on an IPv4-only cluster",
        source: "releasenotes/notes/58249.yaml, istio/istio#58249",
    },
    {
        modes: ["ambient"],
        from: "1.28.0",
        fixedIn: ["1.28.2"],
        effect: "moving a node from iptables to nftables leaves stale iptables rules behind",
        source: "releasenotes/notes/58353.yaml",
    },
    {
        modes: ["sidecar", "ambient"],
        from: "1.28.0",
        fixedIn: ["1.28.3"],
        distrolessOnly: true,
        effect: "the image's newer nft makes an older nft on the node crash when it lists or deletes tables",
        source: "istio/istio#58492",
    },
    {
        modes: ["sidecar", "ambient"],
        from: "1.28.3",
        fixedIn: ["1.29.4", "1.30.1"],
        distrolessOnly: true,
        effect: "istio-cni's nft lacks JSON support ('JSON support not compiled-in'), so its probe rules fail",
        source: "istio/istio#58964, releasenotes/notes/60328.yaml",
    },
];

/** The release that fixes `bug` for `release`: the fix on its own minor, or the next minor's. */
function affects(bug: NftablesBug, version: string): string | undefined {
    if (semver.lt(version, bug.from)) {
        return undefined;
    }
    const sameMinor = bug.fixedIn.find((fix) => semver.major(fix) === semver.major(version) && semver.minor(fix) === semver.minor(version));
    if (sameMinor !== undefined) {
        return semver.lt(version, sameMinor) ? sameMinor : undefined;
    }
    // A minor the fix list does not name: affected if it is before every fix's minor.
    const later = bug.fixedIn.filter((fix) => semver.gt(fix, version));
    return later.length === bug.fixedIn.length ? later[0] : undefined;
}

/** What the nftables check needs to know. */
export interface NftablesContext {
    readonly release: IstioRelease;
    readonly mode: Mode;
    readonly tag: string;
    readonly ipFamilies: readonly IpFamily[];
    readonly cniEnabled: boolean;
}

/**
 * Checks `nativeNftables: true` against the release and mode: refused where the release's mode
 * cannot program nftables, warned where a known bug applies. Returns the warnings.
 */
export function checkNativeNftables(context: NftablesContext, field = "nativeNftables"): InputWarning[] {
    const { release, mode } = context;
    if (release.flavor === IstioFlavor.ExperimentalDualStack) {
        throw new InputError(
            field,
            `is not in the experimental-dual-stack branch, which has iptables only; use upstream Istio ${NATIVE_NFTABLES_FROM.sidecar} or newer (${NATIVE_NFTABLES_FROM.ambient} for ambient)`,
        );
    }
    if (!release.nativeNftables[mode]) {
        const from = NATIVE_NFTABLES_FROM[mode];
        const why = mode === "ambient" && release.nativeNftables.sidecar ? ` (Istio ${release.label} has it for sidecars only; its ambient node agent programs iptables)` : "";
        throw new InputError(field, `needs Istio ${from} or newer in ${mode} mode${why}; Istio ${release.label} programs iptables only`);
    }
    const version = release.version as string;
    const distroless = /distroless/.test(context.tag);
    const ipv4Only = !context.ipFamilies.includes("IPv6");
    const warnings: InputWarning[] = [];
    for (const bug of KNOWN_BUGS) {
        if (!bug.modes.includes(mode) || (bug.distrolessOnly && !distroless) || (bug.ipv4OnlyCluster && !ipv4Only)) {
            continue;
        }
        const fix = affects(bug, semver.coerce(version)?.version ?? version);
        if (fix !== undefined) {
            warnings.push({ field, message: `Istio ${release.label} has a known nftables bug: ${bug.effect} (${bug.source}); fixed in ${fix}` });
        }
    }
    if (mode === "sidecar" && context.cniEnabled) {
        warnings.push({
            field,
            message: "with istio-cni, the CNI plugin runs nft on the node itself: every node needs nft 1.0.1 or newer on its PATH, or pods fail to start (istio/istio#57978)",
        });
    }
    return warnings;
}
