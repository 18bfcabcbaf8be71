import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { CLOUDS } from "../../components/config/clouds";
import { allConfigKeys } from "../../components/config/keys";
import { parseStackConfig } from "../../components/config/parse";
import { type CisBenchmark, cisStatus, cisSummary, cisTable } from "../../components/target/cis";
import type { CloudPlan } from "../../components/target/cloud-module";
import { planStack } from "../../program/stack-plan";
import { TEST_TODAY } from "../support/clock";

/** A minimal stack per cloud with a benchmark, and how many controls the issue asks to be on by default. */
const STACKS: Readonly<Record<string, { readonly document: Record<string, unknown>; readonly atLeast: number }>> = {
    gcp: { document: { cloud: "gcp", clusterName: "demo", region: "europe-west4", gcp: { project: "my-project" } }, atLeast: 20 },
    aws: { document: { cloud: "aws", clusterName: "demo", region: "eu-west-1" }, atLeast: 12 },
};

/** Values for keys whose documented value is a placeholder. */
const EXAMPLE_VALUES: Readonly<Record<string, unknown>> = { "gcp.authorizedNetworks": ["81.2.69.0/24"] };

function withKey(document: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const copy = structuredClone(document);
    const segments = path.split(".");
    let node = copy;
    for (const segment of segments.slice(0, -1)) {
        node = (node[segment] ??= {}) as Record<string, unknown>;
    }
    node[segments[segments.length - 1]] = value;
    return copy;
}

const cloudPlan = (document: Record<string, unknown>): CloudPlan => planStack(parseStackConfig(document), TEST_TODAY).cluster;

describe("CIS controls of every cloud that creates a cluster", () => {
    const benchmarked = CLOUDS.filter((cloud) => cloud.cis !== undefined);

    it("are kept by GKE and EKS, each with a test stack here", () => {
        assert.deepEqual(
            benchmarked.map((cloud) => cloud.name),
            Object.keys(STACKS),
        );
    });

    for (const cloud of benchmarked) {
        const benchmark = cloud.cis as CisBenchmark<CloudPlan>;
        const { document, atLeast } = STACKS[cloud.name];

        describe(`${benchmark.name} (cloud: ${cloud.name})`, () => {
            it(`has at least ${atLeast} controls on by default: every control but the opt-ins`, () => {
                const { on, off } = cisStatus(benchmark, cloudPlan(document));
                assert.ok(on.length >= atLeast, `${on.length} on: ${on.map((control) => control.id).join(", ")}`);
                assert.deepEqual(
                    off.map((control) => control.id),
                    benchmark.controls.filter((control) => control.optIn).map((control) => control.id),
                );
            });

            it("gives every control exactly one of an opt-out key, an opt-in key or the reason it has neither", () => {
                for (const control of benchmark.controls) {
                    assert.equal([control.optOut, control.optIn, control.fixed].filter((way) => way !== undefined).length, 1, control.id);
                    assert.ok(control.fixed === undefined || control.fixed.length > 0, control.id);
                }
                assert.equal(new Set(benchmark.controls.map((control) => control.id)).size, benchmark.controls.length);
            });

            const keys = new Set(allConfigKeys().map((key) => key.path));
            for (const control of benchmark.controls) {
                const change = control.optOut ?? control.optIn;
                if (change === undefined) {
                    continue;
                }
                it(`${control.id}: ${change.key}: ${change.value} turns it ${control.optOut ? "off" : "on"}, a key of the one config schema`, () => {
                    assert.ok(keys.has(change.key), `${change.key} is not a stack-config key`);
                    const value = EXAMPLE_VALUES[change.key] ?? parseYaml(change.value);
                    const changed = cloudPlan(withKey(document, change.key, value));
                    assert.equal(control.on(changed), control.optIn !== undefined);
                });
            }

            it("are summarised in one line and tabled for the README", () => {
                const plan = cloudPlan(document);
                const { on } = cisStatus(benchmark, plan);
                assert.ok(cisSummary(benchmark, plan).startsWith(`${on.length} of ${benchmark.controls.length} on`));
                const table = cisTable(benchmark).split("\n");
                assert.equal(table.length, benchmark.controls.length + 2);
                for (const [index, control] of benchmark.controls.entries()) {
                    assert.ok(table[index + 2].startsWith(`| ${control.id} | `), table[index + 2]);
                }
            });
        });
    }
});
