import assert from "node:assert/strict";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { parseCidr } from "../../components/network/cidr";
import { carveIpv6Subnet, splitIpv4Block } from "../../components/network/subnets";

/** An IPv6 block with host bits cleared, built from random bytes: any /48 to /64. */
const ipv6Block = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 48, max: 64 })).map(([bytes, prefix]) => {
    const masked = Array.from(bytes, (byte, position) => {
        const keep = Math.max(0, Math.min(8, prefix - position * 8));
        return byte & (0xff << (8 - keep)) & 0xff;
    });
    return { text: `${ipaddr.fromByteArray(masked).toString()}/${prefix}`, prefix };
});

describe("subnet maths", () => {
    it("carves the /64s of a VPC's /56 in order", () => {
        assert.equal(carveIpv6Subnet("2600:1f18:abc:de00::/56", 0), "2600:1f18:abc:de00::/64");
        assert.equal(carveIpv6Subnet("2600:1f18:abc:de00::/56", 8), "2600:1f18:abc:de08::/64");
        assert.equal(carveIpv6Subnet("2600:1f18:abc:de00::/56", 255), "2600:1f18:abc:deff::/64");
        // An IPAM /60 holds 16, and the carry crosses a hextet boundary correctly.
        assert.equal(carveIpv6Subnet("2001:db8:0:fff0::/60", 15), "2001:db8:0:ffff::/64");
        assert.equal(carveIpv6Subnet("2001:db8:ffff:ff00::/56", 1), "2001:db8:ffff:ff01::/64");
    });

    it("refuses what a block cannot hold, and blocks that are not IPv6 networks", () => {
        assert.throws(() => carveIpv6Subnet("2600:1f18:abc:de00::/56", 256), { message: "/64 number 256 does not fit in '2600:1f18:abc:de00::/56', which holds 256 of them" });
        assert.throws(() => carveIpv6Subnet("2001:db8:0:fff0::/60", 16), { message: "/64 number 16 does not fit in '2001:db8:0:fff0::/60', which holds 16 of them" });
        assert.throws(() => carveIpv6Subnet("2600:1f18:abc:de00::/56", -1), { message: /does not fit/ });
        assert.throws(() => carveIpv6Subnet("2600:1f18:abc:de00::/56", 1.5), { message: /does not fit/ });
        assert.throws(() => carveIpv6Subnet("2600:1f18:abc:de80::/72", 0), { message: "'2600:1f18:abc:de80::/72' is smaller than a /64" });
        assert.throws(() => carveIpv6Subnet("10.0.0.0/16", 0), { message: "'10.0.0.0/16' is IPv4; an IPv6 /64 can only be carved from an IPv6 block" });
        assert.throws(() => carveIpv6Subnet("2600:1f18:abc:de01::/56", 0), { message: "'2600:1f18:abc:de01::/56' has host bits set" });
        assert.throws(() => carveIpv6Subnet("not-a-block", 0), { message: "'not-a-block' is not an IPv6 CIDR block" });
    });

    it("property: every /64 is a /64 inside its parent, and distinct indices give distinct blocks", () => {
        fc.assert(
            fc.property(ipv6Block, fc.nat(), fc.nat(), ({ text, prefix }, a, b) => {
                const capacity = 2 ** (64 - prefix);
                const [first, second] = [a % capacity, b % capacity];
                const parent = ipaddr.parseCIDR(text);
                const carved = [first, second].map((index) => carveIpv6Subnet(text, index));
                for (const block of carved) {
                    const [address, length] = ipaddr.parseCIDR(block);
                    assert.equal(length, 64);
                    assert.ok((address as ipaddr.IPv6).match(parent), `${block} inside ${text}`);
                    assert.equal(ipaddr.IPv6.networkAddressFromCIDR(block).toString(), address.toString());
                }
                assert.equal(carved[0] === carved[1], first === second);
            }),
        );
    });

    it("property: the index past the last /64 is refused for any parent prefix", () => {
        fc.assert(
            fc.property(ipv6Block, ({ text, prefix }) => {
                assert.throws(() => carveIpv6Subnet(text, 2 ** (64 - prefix)), /does not fit/);
            }),
        );
    });

    it("splits an IPv4 block into equal slots", () => {
        const vpc = parseCidr("10.0.0.0/16", "vpc");
        assert.deepEqual(
            [0, 1, 8, 15].map((index) => splitIpv4Block(vpc, 4, index)),
            ["10.0.0.0/20", "10.0.16.0/20", "10.0.128.0/20", "10.0.240.0/20"],
        );
        assert.equal(splitIpv4Block(parseCidr("192.168.4.0/24", "vpc"), 4, 15), "192.168.4.240/28");
        assert.throws(() => splitIpv4Block(vpc, 4, 16), { message: "block 16 of '10.0.0.0/16' split by 4 bits does not exist" });
        assert.throws(() => splitIpv4Block(parseCidr("10.0.0.0/30", "vpc"), 4, 0), /does not exist/);
    });
});
