import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveIstioSettings } from "../../components/istio/settings";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const DUAL = { ipFamilies: ["IPv4", "IPv6"] as const, kubernetesVersion: "1.33" };
const KNOWN = "1.17 to 1.31";

describe("Istio releases newer than the support table", () => {
    const newer = fc.oneof(
        fc.tuple(fc.constant(1), fc.integer({ min: 32, max: 60 }), fc.integer({ min: 0, max: 9 })),
        fc.tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })),
    );

    it("plan with a warning naming the release newer and what is known; the default tag (and a hub's) follows the version (property)", () => {
        fc.assert(
            fc.property(newer, fc.boolean(), ([major, minor, patch], withHub) => {
                const version = `${major}.${minor}.${patch}`;
                const resolved = resolveIstioSettings({ version, ...(withHub ? { hub: "registry.example.com/istio" } : {}) }, DUAL, NOW);
                assert.equal(resolved.tag, version);
                assert.ok(
                    resolved.warnings.some(
                        (warning) =>
                            warning.field === "version" &&
                            warning.message === `Istio ${version} is newer than the releases this package knows (${KNOWN}); it is planned with the rules of Istio 1.31`,
                    ),
                );
                assert.equal(resolveIstioSettings({ version, hub: "registry.example.com/istio", tag: `${version}-distroless` }, DUAL, NOW).tag, `${version}-distroless`);
            }),
        );
    });

    it("refuse a tag of another minor, saying the version is newer than those known and how to fix it", () => {
        assert.equal(
            refusal(() => resolveIstioSettings({ version: "2.0.0", hub: "registry.example.com/istio", tag: "1.30.3" }, DUAL, NOW)),
            `tag: '1.30.3' is from Istio 1.30 but version is 2.0.0 (Istio 2.0.0 is newer than the releases this package knows, ${KNOWN}, and plans with a warning); charts and images must come from the same minor: give a 2.0 tag, or leave tag out for 2.0.0`,
        );
        assert.equal(
            refusal(() => resolveIstioSettings({ hub: "registry.example.com/istio", tag: "2.0.1" }, DUAL, NOW)),
            "tag: '2.0.1' is from Istio 2.0 but version is 1.30.3; charts and images must come from the same minor: give a 1.30 tag, or leave tag out for 1.30.3",
        );
    });
});
