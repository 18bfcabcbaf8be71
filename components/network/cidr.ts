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

/** Parses a CIDR block of either family; the prefix and a canonical network address are required. */
export function parseCidr(text: string, field: string): Cidr {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
        parsed = ipaddr.parseCIDR(text);
    } catch {
        throw new InputError(field, `'${text}' is not a CIDR block; expected ADDRESS/PREFIX, e.g. 10.0.0.0/20`);
    }
    const [address, prefixLength] = parsed;
    const family = address.kind() === "ipv4" ? "IPv4" : "IPv6";
    const network = family === "IPv4" ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
    if (network.toString() !== address.toString()) {
        throw new InputError(field, `'${text}' has host bits set; the block is ${network.toString()}/${prefixLength}`);
    }
    return { family, address, prefixLength, text };
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
