import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { planOffline } from "../../cli/plan-command";
import { CLOUDS } from "../../components/config/clouds";
import { parseStackConfig } from "../../components/config/parse";
import { anchorPathKeys } from "../../components/config/paths";
import { readConfigText } from "../../components/config/sources";
import type { RecordedValue } from "../../engine/offline-engine";
import { planStack } from "../../program/stack-plan";
import { makeChartsDir } from "../support/fixtures";
import { analyzeAll, configurePolicies, type Diagnostic, notApplicable, type TestResource, UNKNOWN } from "./analyzer";

const ROOT = path.resolve(__dirname, "../..");

/** The offline engine writes an unknown as "[unknown]"; the engine sends the analyzer its sentinel. */
function asSent(value: RecordedValue): unknown {
    if (value === "[unknown]") {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map(asSent);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asSent(item)]));
    }
    return value;
}

/** The planned resources of a config (the example's, with `istio` replaced when given), with their inputs as the engine would send them. */
async function plannedResources(exampleConfig: string, istio?: Record<string, unknown>): Promise<TestResource[]> {
    const file = path.join(ROOT, exampleConfig);
    const document = readConfigText(readFileSync(file, "utf8"), exampleConfig);
    if (istio !== undefined) {
        document.istio = istio;
    }
    anchorPathKeys(document, path.dirname(file));
    const { run } = await planOffline(planStack(parseStackConfig(document)), "stack");
    return run.resources.map((resource) => ({ type: resource.type, name: resource.name, urn: resource.urn, props: asSent(resource.inputs) as Record<string, unknown> }));
}

const mandatory = (found: readonly Diagnostic[]) => found.filter((diagnostic) => diagnostic.level === "mandatory");

describe("the policy pack on this package's own plans", () => {
    afterEach(() => configurePolicies({}));

    for (const cloud of CLOUDS) {
        it(`raises nothing on ${cloud.exampleConfig} (cloud ${cloud.name})`, async () => {
            const found = await analyzeAll(await plannedResources(cloud.exampleConfig));
            assert.deepEqual(found, []);
        });
    }

    it("raises nothing on GKE with old and new Istio releases, ambient, CNI, a revision, an OCI chart source, a checkout and the experimental-dual-stack branch", async () => {
        const gke = CLOUDS[0].exampleConfig;
        const variants: Record<string, unknown>[] = [
            { version: "1.17.8", gateway: { enabled: true } },
            { version: "1.18.7", gateway: { enabled: true } },
            { version: "1.19.0", gateway: { enabled: true } },
            { version: "1.19.10", gateway: { enabled: true }, revision: "canary" },
            { version: "1.23.6", cni: { enabled: true } },
            { version: "1.30.3", mode: "ambient", gateway: { enabled: true } },
            { version: "1.30.3", chartRepository: "oci://ghcr.io/istio/release/charts", gateway: { enabled: true }, verify: { enabled: true } },
            { version: "1.30.3", chartsDir: makeChartsDir(), gateway: { enabled: true } },
            { flavor: "experimental-dual-stack", chartsDir: makeChartsDir(), hub: "registry.example.com/istio", tag: "dual-stack-dev", gateway: { enabled: true } },
        ];
        for (const istio of variants) {
            assert.deepEqual(mandatory(await analyzeAll(await plannedResources(gke, istio))), [], JSON.stringify(istio));
        }
    });

    it("checks an existing cluster's Istio only when the policy config says the cluster is dual-stack", async () => {
        const existing = CLOUDS.find((cloud) => cloud.newCluster === undefined)!.exampleConfig;
        const resources = await plannedResources(existing);
        const reason = "the stack holds no dual-stack cluster, and the policy config sets no ipFamilies with IPv4 and IPv6";
        assert.deepEqual(await notApplicable(resources), { "dual-stack-services": reason, "istiod-dual-stack-flags": reason });
        await configurePolicies({ "dual-stack-services": { ipFamilies: ["IPv4", "IPv6"] }, "istiod-dual-stack-flags": { ipFamilies: ["IPv4", "IPv6"] } });
        assert.deepEqual(await notApplicable(resources), {});
        assert.deepEqual(await analyzeAll(resources), []);
    });
});
