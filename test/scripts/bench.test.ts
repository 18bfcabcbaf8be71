import assert from "node:assert/strict";
import { planCommand } from "../../cli/plan-command";
import { handWritten, registrations } from "../../scripts/bench";

describe("npm run bench", () => {
    it("compares the plan with a hand-written program that registers exactly the same resources and inputs", async () => {
        const { run } = await planCommand({});
        const written = await handWritten(run.resources);
        assert.equal(written.filter((resource) => resource.custom).length, 20);
        assert.equal(registrations(written), registrations(run.resources));
    });
});
