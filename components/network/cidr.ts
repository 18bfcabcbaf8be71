import * as ipaddr from "ipaddr.js";
import { InputError } from "../errors";

/** A parsed CIDR block, canonical (no host bits set). */
export interface Cidr {
    readonly family: "IPv4" | "IPv6";
    readonly address: ipaddr.IPv4 | ipaddr.IPv6;
    readonly prefixLength: number;
    /** As written, e.g. `10.0.0.0/20`. */
    readonly text: string;
}

// ipaddr.js range names that may never hold cluster addresses.
const RESERVED_RANGES = new Set([
    "unspecified",
    "loopback",
    "linkLocal",
    "multicast",
    "reserved",
    "broadcast",
    "ipv4Mapped",
    "rfc6052",
    "rfc6145",
    "6to4",
    "teredo",
    "discard",
    "orchid2",
    "droneRemoteIdProtocolEntityTags",
    "amt",
    "as112",
    "as112v6",
    "benchmarking",
    "deprecated",
]);
// RFC 1918 plus the shared address space GKE also accepts for node, pod and Service ranges.
const PRIVATE_IPV4_BLOCKS: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((text) => {
    const [address, prefixLength] = ipaddr.parseCIDR(text);
    return { family: "IPv4", address, prefixLength, text };
});

const LEADING_ZERO = "has a leading zero, which tools read as octal (010 = 8) or as decimal (10); write each number in plain decimal, e.g. 10.0.0.0/20";

/**
 * Parses a CIDR block of either family; the prefix and a canonical network address are required.
 *
 * Only the canonical spelling is accepted (dotted decimal for IPv4, RFC 5952 for IPv6, a prefix
 * length without leading zeros), so the text kept and sent to the cloud is the block itself: tools
 * read `010.0.0.0` as 8.0.0.0 (octal) or 10.0.0.0, and a provider that echoes back another spelling
 * than the one written shows a change on every run.
 */
export function parseCidr(text: string, field: string): Cidr {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
        parsed = ipaddr.parseCIDR(text);
    } catch {
        // `0128` is no octal number either: the leading zero is still what to fix.
        const leadingZero = /^[\d.]+\/\d+$/.test(text) && /(^|[./])0\d/.test(text);
        throw new InputError(field, leadingZero ? `'${text}' ${LEADING_ZERO}` : `'${text}' is not a CIDR block; expected ADDRESS/PREFIX, e.g. 10.0.0.0/20`);
    }
    const [address, prefixLength] = parsed;
    const family = address.kind() === "ipv4" ? "IPv4" : "IPv6";
    requireCanonical(text, field, address, prefixLength);
    const network = family === "IPv4" ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
    if (network.toString() !== address.toString()) {
        throw new InputError(field, `'${text}' has host bits set; the block is ${network.toString()}/${prefixLength}`);
    }
    return { family, address, prefixLength, text };
}

function requireCanonical(text: string, field: string, address: ipaddr.IPv4 | ipaddr.IPv6, prefixLength: number): void {
    const [written, writtenPrefix] = text.split("/");
    if (address.kind() === "ipv4" && written !== address.toString()) {
        const problem = /(^|\.)0\d/.test(written) ? LEADING_ZERO : "is not four decimal numbers a.b.c.d; write each number in plain decimal, e.g. 10.0.0.0/20";
        throw new InputError(field, `'${text}' ${problem}`);
    }
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).zoneId !== undefined) {
        throw new InputError(field, `'${text}' has a zone index (%…), which a range never has; write the block without it`);
    }
    const canonical = `${address.toString()}/${prefixLength}`;
    if (writtenPrefix !== String(prefixLength)) {
        throw new InputError(field, `'${text}' has a leading zero in its prefix length; write it as ${canonical}`);
    }
    if (written !== address.toString()) {
        throw new InputError(field, `'${text}' is not in canonical IPv6 form (RFC 5952: lowercase, no leading zeros, the longest run of zeros as ::); write it as ${canonical}`);
    }
}

/**
 * The smallest a range may be: the longest prefix accepted, and why, as its cloud documents it or
 * as what the cluster needs to fit in it. Each cloud keeps one per network key.
 */
export interface RangeFloor {
    /** The longest prefix accepted, e.g. 29 for "a /29 or larger". */
    readonly prefix: number;
    /** What must fit, or the cloud's rule, for the refusal; name the source in the code. */
    readonly why: string;
}

/** Refuses a block smaller than its floor, naming the smallest block allowed and why. */
export function requireFloor(cidr: Cidr, field: string, floor: RangeFloor): Cidr {
    if (cidr.prefixLength > floor.prefix) {
        throw new InputError(field, `'${cidr.text}' is too small; give at least a /${floor.prefix}: ${floor.why}`);
    }
    return cidr;
}

/**
 * The floor of a range that gives each of `count` nodes a block of /`perNode` (a pod range), or,
 * with `perNode` 32 or 128, one address each besides `reserved` (a node subnet): the longest prefix
 * that holds them all.
 */
export function prefixHolding(count: number, perNode: number, reserved = 0): number {
    let prefix = perNode;
    while (prefix > 0 && 1n << BigInt(perNode - prefix) < BigInt(count + reserved)) {
        prefix -= 1;
    }
    return prefix;
}

/** Parses an IPv4 CIDR block for a cluster range: private (RFC 1918 or 100.64.0.0/10). */
export function parsePrivateIpv4Cidr(text: string, field: string): Cidr {
    const cidr = parseCidr(text, field);
    if (cidr.family !== "IPv4") {
        throw new InputError(field, `'${text}' is IPv6; this range is IPv4 (the IPv6 ranges are assigned by the cloud)`);
    }
    if (!PRIVATE_IPV4_BLOCKS.some((block) => containsBlock(block, cidr))) {
        throw new InputError(field, `'${text}' is not a private range; use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10`);
    }
    return cidr;
}

/** Parses a source range an operator allows in (authorised networks, API access lists). */
export function parseSourceRange(text: string, field: string, families: readonly ("IPv4" | "IPv6")[]): Cidr {
    const cidr = parseCidr(text, field);
    if (!families.includes(cidr.family)) {
        throw new InputError(field, `'${text}' is ${cidr.family}; only ${families.join(" or ")} ranges are accepted here`);
    }
    if (cidr.prefixLength === 0) {
        throw new InputError(field, `'${text}' allows every address; list the networks that need access instead`);
    }
    if (RESERVED_RANGES.has(cidr.address.range())) {
        throw new InputError(field, `'${text}' is a ${cidr.address.range()} range, which no client connects from`);
    }
    return cidr;
}

/** The first and last address of a block, as numbers (BigInt, so IPv6 blocks fit too). */
export function blockBounds(cidr: Cidr): { readonly start: bigint; readonly end: bigint } {
    const bits = cidr.family === "IPv4" ? 32 : 128;
    const start = cidr.address.toByteArray().reduce((value, byte) => value * 256n + BigInt(byte), 0n);
    return { start, end: start + (1n << BigInt(bits - cidr.prefixLength)) - 1n };
}

/** True when `outer` contains all of `inner`. */
export function containsBlock(outer: Cidr, inner: Cidr): boolean {
    return outer.family === inner.family && outer.prefixLength <= inner.prefixLength && (inner.address as ipaddr.IPv4).match(outer.address, outer.prefixLength);
}

/** True when two blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return containsBlock(a, b) || containsBlock(b, a);
}

/** Refuses the first pair of blocks that overlap, naming both fields. */
export function requireDisjoint(blocks: readonly { readonly field: string; readonly cidr: Cidr }[]): void {
    for (const [index, a] of blocks.entries()) {
        for (const b of blocks.slice(index + 1)) {
            if (overlaps(a.cidr, b.cidr)) {
                throw new InputError(b.field, `'${b.cidr.text}' overlaps ${a.field} '${a.cidr.text}'; the ranges must not share addresses`);
            }
        }
    }
}
