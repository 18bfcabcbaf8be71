import assert from "node:assert/strict";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { parseCidr, prefixHolding, requireFloor } from "../../components/network/cidr";
import { refusal } from "../support/fixtures";

/** A canonical IPv4 block: its network address in dotted decimal, and its prefix. */
const ipv4Block = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => {
    const network = prefix === 0 ? 0 : ((address >>> (32 - prefix)) << (32 - prefix)) >>> 0;
    return { octets: [24, 16, 8, 0].map((shift) => (network >>> shift) & 255), prefix };
});

/** A canonical IPv6 block, as ipaddr.js writes it (RFC 5952). */
const ipv6Block = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 128 })).map(([parts, prefix]) => {
    const text = `${new ipaddr.IPv6(parts).toString()}/${prefix}`;
    return `${ipaddr.IPv6.networkAddressFromCIDR(text).toString()}/${prefix}`;
});

describe("CIDR spelling (one parser for every range)", () => {
    it("accepts every canonical block of either family and keeps it as written (property)", () => {
        fc.assert(
            fc.property(ipv4Block, ({ octets, prefix }) => {
                const text = `${octets.join(".")}/${prefix}`;
                assert.equal(parseCidr(text, "f").text, text);
            }),
        );
        fc.assert(fc.property(ipv6Block, (text) => assert.equal(parseCidr(text, "f").text, text)));
    });

    it("refuses a leading zero in any IPv4 number or prefix, naming the field and never guessing octal (property)", () => {
        fc.assert(
            fc.property(ipv4Block, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 2 }), ({ octets, prefix }, where, zeros) => {
                const parts = [...octets.map(String), String(prefix)];
                parts[where] = `${"0".repeat(zeros)}${parts[where]}`;
                const text = `${parts.slice(0, 4).join(".")}/${parts[4]}`;
                const message = refusal(() => parseCidr(text, "network.podIpv4Cidr"));
                assert.ok(message.startsWith(`network.podIpv4Cidr: '${text}' `), message);
                assert.match(message, where === 4 ? /leading zero in its prefix length; write it as \d+\.\d+\.\d+\.\d+\/\d+$/ : /has a leading zero|not four decimal numbers/);
            }),
        );
    });

    it("refuses IPv6 written other than RFC 5952 (upper case, uncompressed, leading zeros), with the canonical form (property)", () => {
        fc.assert(
            fc.property(ipv6Block, fc.constantFrom("upper", "expanded", "prefix"), (canonical, how) => {
                const [address, prefix] = canonical.split("/");
                const written =
                    how === "upper"
                        ? `${address.toUpperCase()}/${prefix}`
                        : how === "expanded"
                          ? `${ipaddr.IPv6.parse(address).toNormalizedString()}/${prefix}`
                          : `${address}/0${prefix}`;
                fc.pre(written !== canonical);
                const message = refusal(() => parseCidr(written, "network.podIpv6Cidr"));
                assert.ok(message.startsWith(`network.podIpv6Cidr: '${written}' `), message);
                assert.ok(message.endsWith(`write it as ${canonical}`), message);
            }),
        );
    });

    const nonCanonical: [string, string][] = [
        ["10.0.0.0/020", "f: '10.0.0.0/020' has a leading zero in its prefix length; write it as 10.0.0.0/20"],
        ["010.0.0.0/16", "f: '010.0.0.0/16' has a leading zero, which tools read as octal (010 = 8) or as decimal (10); write each number in plain decimal, e.g. 10.0.0.0/20"],
        ["0x0a.0.0.0/8", "f: '0x0a.0.0.0/8' is not four decimal numbers a.b.c.d; write each number in plain decimal, e.g. 10.0.0.0/20"],
        ["10.0.0/24", "f: '10.0.0/24' is not four decimal numbers a.b.c.d; write each number in plain decimal, e.g. 10.0.0.0/20"],
        ["167772160/8", "f: '167772160/8' is not four decimal numbers a.b.c.d; write each number in plain decimal, e.g. 10.0.0.0/20"],
        ["fd00::/064", "f: 'fd00::/064' has a leading zero in its prefix length; write it as fd00::/64"],
        ["fd00:0000::/64", "f: 'fd00:0000::/64' is not in canonical IPv6 form (RFC 5952: lowercase, no leading zeros, the longest run of zeros as ::); write it as fd00::/64"],
        ["fd00::%eth0/64", "f: 'fd00::%eth0/64' has a zone index (%…), which a range never has; write the block without it"],
    ];
    for (const [text, message] of nonCanonical) {
        it(`refuses ${text}`, () =>
            assert.equal(
                refusal(() => parseCidr(text, "f")),
                message,
            ));
    }

    it("refuses a block exactly when its prefix is longer than its floor, naming the floor (property)", () => {
        fc.assert(
            fc.property(ipv4Block, fc.integer({ min: 0, max: 32 }), ({ octets, prefix }, floor) => {
                const cidr = parseCidr(`${octets.join(".")}/${prefix}`, "f");
                const message = refusal(() => requireFloor(cidr, "network.ipv4Cidr", { prefix: floor, why: "the reason" }));
                assert.equal(message, prefix > floor ? `network.ipv4Cidr: '${cidr.text}' is too small; give at least a /${floor}: the reason` : "(accepted)");
            }),
        );
    });

    it("finds the smallest block holding every node's block and the reserved addresses (property)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 8, max: 32 }), fc.integer({ min: 0, max: 5 }), (nodes, perNode, reserved) => {
                const prefix = prefixHolding(nodes, perNode, reserved);
                const holds = (p: number) => 2 ** (perNode - p) >= nodes + reserved;
                assert.ok(prefix === 0 || holds(prefix), `/${prefix} holds ${nodes} /${perNode}s`);
                assert.ok(prefix === perNode || !holds(prefix + 1), `/${prefix + 1} would have held them`);
            }),
        );
        assert.equal(prefixHolding(9, 32, 4), 28);
        assert.equal(prefixHolding(9, 24), 20);
        assert.equal(prefixHolding(1, 24), 24);
    });
});
