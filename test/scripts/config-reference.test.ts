import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { allConfigKeys } from "../../components/config/keys";
import { README, withConfigReference } from "../../scripts/config-reference";

describe("README config reference", () => {
    it("is the one the schema generates (run npm run docs after changing the schema)", () => {
        const readme = readFileSync(README, "utf8");
        assert.equal(withConfigReference(readme), readme);
    });

    it("lists every key with its default", () => {
        const readme = readFileSync(README, "utf8");
        for (const { path } of allConfigKeys()) {
            assert.ok(readme.includes(`| \`${path}\` |`), path);
        }
        assert.ok(readme.includes("| `gcp.ipv6AccessType` | EXTERNAL \\| INTERNAL | `EXTERNAL`: internet-routable IPv6"));
        assert.ok(readme.includes("Default `[IPv4, IPv6]`."));
    });
});
