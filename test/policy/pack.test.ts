import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PACK, PACK_DIR, PACK_VERSION, versionOf } from "./analyzer";

const ROOT = path.resolve(__dirname, "../..");

describe("the policy pack folder", () => {
    it("has the package's version", () => {
        assert.equal(PACK_VERSION, versionOf(path.join(ROOT, "package.json")));
    });

    it("loads the policies the package exports as pulumi-dualstack-istio/policy, by a path that resolves from a checkout and an install", () => {
        const source = readFileSync(path.join(PACK_DIR, "index.js"), "utf8");
        const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
        assert.deepEqual(required, ["@pulumi/policy", "../dist/policy"]);
        const exported = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { exports: Record<string, { default: string }> }).exports["./policy"].default;
        assert.equal(path.join(path.resolve(PACK_DIR, required[1]), "index.js"), path.resolve(ROOT, exported));
        assert.match(source, new RegExp(`new PolicyPack\\("${PACK}"`));
    });
});
