import * as ipaddr from "ipaddr.js";
import type { Cidr } from "./cidr";

/**
 * The `index`-th IPv6 /64 of `parentBlock` (e.g. the VPC's /56, known only once the VPC exists).
 *
 * The maths runs on the address's 128 bits as a BigInt, so any parent prefix works (an IPAM /60
 * as well as Amazon's /56), and an index the parent cannot hold is refused instead of spilling
 * into the next block. Throws a plain `Error`: this runs at apply time, on a provider's output.
 */
export function carveIpv6Subnet(parentBlock: string, index: number): string {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    let prefixLength: number;
    try {
        [address, prefixLength] = ipaddr.parseCIDR(parentBlock);
    } catch {
        throw new Error(`'${parentBlock}' is not an IPv6 CIDR block`);
    }
    if (address.kind() !== "ipv6") {
        throw new Error(`'${parentBlock}' is IPv4; an IPv6 /64 can only be carved from an IPv6 block`);
    }
    if (prefixLength > 64) {
        throw new Error(`'${parentBlock}' is smaller than a /64`);
    }
    const capacity = 1n << BigInt(64 - prefixLength);
    if (!Number.isInteger(index) || index < 0 || BigInt(index) >= capacity) {
        throw new Error(`/64 number ${index} does not fit in '${parentBlock}', which holds ${capacity} of them`);
    }
    const base = bytesToBigInt(address.toByteArray());
    const hostBits = (1n << BigInt(128 - prefixLength)) - 1n;
    if ((base & hostBits) !== 0n) {
        throw new Error(`'${parentBlock}' has host bits set`);
    }
    const subnet = base + (BigInt(index) << 64n);
    return `${ipaddr.fromByteArray(bigIntToBytes(subnet, 16)).toString()}/64`;
}

/**
 * The `index`-th of the `2^extraBits` equal IPv4 blocks a block splits into: `10.0.0.0/16` split
 * by 4 bits gives `/20`s, number 8 being `10.0.128.0/20`.
 */
export function splitIpv4Block(block: Cidr, extraBits: number, index: number): string {
    const prefixLength = block.prefixLength + extraBits;
    if (block.family !== "IPv4" || prefixLength > 32 || index < 0 || index >= 2 ** extraBits) {
        throw new Error(`block ${index} of '${block.text}' split by ${extraBits} bits does not exist`);
    }
    const base = bytesToBigInt(block.address.toByteArray());
    const start = base + (BigInt(index) << BigInt(32 - prefixLength));
    return `${ipaddr.fromByteArray(bigIntToBytes(start, 4)).toString()}/${prefixLength}`;
}

function bytesToBigInt(bytes: readonly number[]): bigint {
    return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function bigIntToBytes(value: bigint, length: number): number[] {
    return Array.from({ length }, (_, position) => Number((value >> BigInt(8 * (length - 1 - position))) & 0xffn));
}
