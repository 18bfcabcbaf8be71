import assert from "node:assert/strict";
import fc from "fast-check";
import { checkAksVersion } from "../../components/aks/calendar";
import { checkEksVersion } from "../../components/eks/calendar";
import { planGkeCluster } from "../../components/gke/plan";
import { resolveIstioSettings } from "../../components/istio/settings";
import { parseKubernetesVersion } from "../../components/target/cluster-facts";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

/** Every place a Kubernetes version is taken, each reaching the shared parse. */
const CHECKS: Record<string, (version: string) => unknown> = {
    parse: (version) => parseKubernetesVersion(version, "kubernetesVersion"),
    gke: (version) => planGkeCluster("demo", { project: "my-project", region: "europe-west4", kubernetesVersion: version }),
    eks: (version) => checkEksVersion(version, "kubernetesVersion", NOW),
    aks: (version) => checkAksVersion(version, "kubernetesVersion", NOW),
    istio: (version) => resolveIstioSettings({}, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: version }, NOW),
};

const version = fc.tuple(fc.integer({ min: 29, max: 35 }), fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }));

describe("Kubernetes versions: one spelling", () => {
    it("refuses a leading zero in any number, wherever a version is taken, naming what to fix (property)", () => {
        fc.assert(
            fc.property(version, fc.integer({ min: 0, max: 2 }), fc.constantFrom(...Object.keys(CHECKS)), ([minor, patch], where, check) => {
                const parts = ["1", String(minor), ...(patch === undefined ? [] : [String(patch)])];
                fc.pre(where < parts.length);
                parts[where] = `0${parts[where]}`;
                const text = parts.join(".");
                const message = refusal(() => CHECKS[check](text));
                const field = check === "istio" ? "target.kubernetesVersion" : "kubernetesVersion";
                assert.equal(message, `${field}: '${text}' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH without leading zeros, e.g. 1.33`);
            }),
        );
    });

    it("still takes every canonical version, with a vendor suffix (property)", () => {
        fc.assert(
            fc.property(version, ([minor, patch]) => {
                const text = `1.${minor}${patch === undefined ? "" : `.${patch}`}`;
                assert.equal(parseKubernetesVersion(text, "f").minor, minor);
                if (patch !== undefined) {
                    assert.equal(parseKubernetesVersion(`${text}-gke.1080000`, "f").minor, minor);
                }
            }),
        );
        assert.equal(parseKubernetesVersion("1.33.5-gke.1080000", "f").minor, 33);
    });
});
