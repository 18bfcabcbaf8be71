import { InputError } from "../errors";
import { blockBounds, type Cidr, containsBlock, parseCidr, parsePrivateIpv4Cidr, prefixHolding, type RangeFloor, requireDisjoint, requireFloor } from "../network/cidr";
import { IpFamily } from "../target/cluster-facts";
import type { AksNetworkArgs } from "./plan";

// The rules of an AKS cluster's VNet and overlay ranges, each from Azure's documentation.

/** https://learn.microsoft.com/azure/aks/concepts-network-cni-overview: "AKS rejects pod CIDRs that overlap a reserved range". */
const AKS_RESERVED_IPV4 = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"].map((text) => parseCidr(text, "reserved"));
/** The smallest IPv4 Service range planned: 16 addresses, so CoreDNS's (the tenth, as AKS's own default) is inside it. */
const MIN_SERVICE_IPV4_PREFIX = 28;
/** The system pool's nodes, as `AKS_SYSTEM_POOL` in aks-dual-stack-cluster.ts (which a planner may not import). */
export const AKS_SYSTEM_NODES = 2;
/** https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq: "The smallest supported IPv4 subnet is /29"; Azure keeps 5 addresses of each. */
const AZURE_SMALLEST_SUBNET = 29;
const AZURE_RESERVED_PER_SUBNET = 5;
/** https://learn.microsoft.com/azure/aks/azure-cni-overlay: "Each node is assigned a /24 address space carved out from the same CIDR". */
const POD_BLOCK_PER_NODE = 24;

/**
 * The smallest each range may be, for `userNodes` (the user pool's maximum) besides the system
 * pool: Azure's documented minimum or room for every node, whichever is larger.
 */
function aksRangeFloors(userNodes: number): Readonly<Partial<Record<keyof AksNetworkArgs, RangeFloor>>> {
    const nodes = userNodes + AKS_SYSTEM_NODES;
    const pool = `${nodes} nodes (nodes.maxCount ${userNodes} and the ${AKS_SYSTEM_NODES} of the system pool)`;
    const subnetFloor = prefixHolding(nodes, 32, AZURE_RESERVED_PER_SUBNET);
    return {
        ipv4Cidr:
            subnetFloor < AZURE_SMALLEST_SUBNET
                ? { prefix: subnetFloor, why: `the node subnet gives each of ${pool} an address, besides the ${AZURE_RESERVED_PER_SUBNET} Azure keeps` }
                : { prefix: AZURE_SMALLEST_SUBNET, why: "Azure's smallest subnet" },
        podIpv4Cidr: { prefix: Math.min(POD_BLOCK_PER_NODE, prefixHolding(nodes, POD_BLOCK_PER_NODE)), why: `each node takes a /${POD_BLOCK_PER_NODE} of it, for ${pool}` },
        // AKS documents no IPv6 block per node, so this is a lower bound: each pod takes an address of
        // each family, so the range holds at least a /24's worth per node (overlay's 250 pods per node).
        podIpv6Cidr: {
            prefix: prefixHolding(nodes, 128 - (32 - POD_BLOCK_PER_NODE)),
            why: `each pod takes an IPv6 address too, up to 250 per node, for ${pool}`,
        },
        // This package's floor (AKS documents only the /108 ceiling): a Service of both families takes
        // an address of each, so as many as the IPv4 floor plans for.
        serviceIpv6Cidr: {
            prefix: 128 - (32 - MIN_SERVICE_IPV4_PREFIX),
            why: "the Services of both families need as many IPv6 addresses as the smallest IPv4 Service range holds",
        },
    };
}

/** The ranges later planning needs, once checked. */
export interface CheckedRanges {
    readonly vnetIpv6: Cidr;
    readonly serviceIpv4: Cidr;
}

/**
 * Checks the VNet's and the overlay's ranges of both families for a user pool of up to `userNodes`
 * nodes: sizes, reserved blocks, overlaps.
 */
export function checkRanges(network: Required<AksNetworkArgs>, userNodes: number): CheckedRanges {
    const floors = aksRangeFloors(userNodes);
    const floored = (cidr: Cidr, key: keyof AksNetworkArgs): Cidr => {
        const floor = floors[key];
        return floor ? requireFloor(cidr, `network.${key}`, floor) : cidr;
    };
    const ipv4 = (["ipv4Cidr", "podIpv4Cidr", "serviceIpv4Cidr"] as const).map((key) => {
        const field = `network.${key}`;
        const cidr = floored(parsePrivateIpv4Cidr(network[key], field), key);
        const reserved = AKS_RESERVED_IPV4.find((block) => containsBlock(block, cidr) || containsBlock(cidr, block));
        if (reserved) {
            throw new InputError(field, `'${cidr.text}' overlaps ${reserved.text}, which AKS reserves; choose another range`);
        }
        return { field, cidr };
    });
    const serviceIpv4 = ipv4[2].cidr;
    if (serviceIpv4.prefixLength <= 12) {
        throw new InputError("network.serviceIpv4Cidr", `'${serviceIpv4.text}' is too large; AKS needs the Service range smaller than /12, e.g. /16`);
    }
    if (serviceIpv4.prefixLength > MIN_SERVICE_IPV4_PREFIX) {
        throw new InputError(
            "network.serviceIpv4Cidr",
            `'${serviceIpv4.text}' is too small; give at least a /${MIN_SERVICE_IPV4_PREFIX}, which holds CoreDNS's address (the tenth) and the API server's (the first)`,
        );
    }
    requireDisjoint(ipv4);
    const ipv6 = (["ipv6Cidr", "podIpv6Cidr", "serviceIpv6Cidr"] as const).map((key) => {
        const field = `network.${key}`;
        const cidr = parseCidr(network[key], field);
        if (cidr.family !== IpFamily.IPv6) {
            throw new InputError(field, `'${cidr.text}' is IPv4; this range is IPv6`);
        }
        if (cidr.address.range() !== "uniqueLocal" && cidr.address.range() !== "unicast") {
            throw new InputError(field, `'${cidr.text}' is a ${cidr.address.range()} range; use a unique local (fd00::/8) or global unicast range`);
        }
        return { field, cidr: floored(cidr, key) };
    });
    const [vnetIpv6, , serviceIpv6] = ipv6.map((range) => range.cidr);
    if (vnetIpv6.prefixLength < 48 || vnetIpv6.prefixLength > 64) {
        throw new InputError("network.ipv6Cidr", `'${vnetIpv6.text}' must be /48 to /64; the node subnet takes its first /64, the only IPv6 subnet size Azure allows`);
    }
    if (serviceIpv6.prefixLength < 108) {
        throw new InputError(
            "network.serviceIpv6Cidr",
            `'${serviceIpv6.text}' is too large; AKS takes an IPv6 Service range of /108 or smaller (https://learn.microsoft.com/azure/aks/azure-cni-overlay)`,
        );
    }
    requireDisjoint(ipv6);
    return { vnetIpv6, serviceIpv4 };
}

/** The tenth address of an IPv4 block (`10.0.0.0/16` → `10.0.0.10`): AKS's own choice for CoreDNS. */
export function tenthAddress(block: Cidr): string {
    const address = blockBounds(block).start + 10n;
    return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) % 256n)).join(".");
}
