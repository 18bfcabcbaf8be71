import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { API_ENTRY_POINTS, checkApiReports } from "../../scripts/api-report";

describe("the public API", function () {
    this.timeout(120_000);

    it("is exactly what api/*.api.md records, for every entry point of package.json (run npm run api after an intended change)", () => {
        assert.deepEqual(
            API_ENTRY_POINTS.map((entry) => entry.name),
            ["index", "gke", "eks", "aks", "existing", "policy"],
        );
        for (const entry of API_ENTRY_POINTS) {
            assert.ok(existsSync(entry.declarations), `${entry.declarations} is missing; npm test builds it first (npm run build)`);
        }
        assert.deepEqual(checkApiReports(false), []);
    });
});
