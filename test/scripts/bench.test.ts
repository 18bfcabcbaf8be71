import assert from "node:assert/strict";
import { planCommand } from "../../cli/plan-command";
import { handWritten, planBenchFleet, registrations } from "../../scripts/bench";

describe("npm run bench", () => {
    it("compares the plan with a hand-written program that registers exactly the same resources and inputs", async () => {
        const { run } = await planCommand({});
        const written = await handWritten(run.resources);
        assert.equal(written.filter((resource) => resource.custom).length, 22);
        assert.equal(registrations(written), registrations(run.resources));
    });
});

describe("npm run bench: the fleet", () => {
    it("plans a generated fleet of tenants shaped like the default config, one stack each", async () => {
        const { result } = await planBenchFleet(3);
        assert.deepEqual(
            result.rows.map((row) => [row.tenant, row.cloud, row.region, row.resources]),
            ["tenant-000", "tenant-001", "tenant-002"].map((name) => [name, "gcp", "europe-west4", 25]),
        );
    });
});
