import assert from "node:assert/strict";
import * as path from "node:path";
import { planOffline } from "../../cli/plan-command";
import { ROOT_PROJECT } from "../../components/config/sources";
import { cloudModule } from "../../components/config/clouds";
import { runOffline, type RecordedResource } from "../../engine/offline-engine";
import { tenantProgram } from "../../fleet/automation-stacks";
import { rootProgram } from "../../program/root-program";
import { planFleet } from "../../fleet/fleet-plan";
import { stackConfigEntries } from "../../fleet/stack-config";
import { readTenantsFile } from "../../fleet/tenants-file";
import { TEST_TODAY } from "../support/clock";

const EXAMPLE = path.resolve(__dirname, "../../examples/fleet/tenants.yaml");

function registrations(resources: readonly RecordedResource[]): string[] {
    return resources.map((resource) => JSON.stringify([resource.type, resource.name, resource.parent, resource.provider, resource.dependsOn, resource.inputs]));
}

describe("a tenant's stack, as fleet up runs it", function () {
    this.timeout(60_000);

    it("registers exactly what fleet plan showed: the inline program deploys the fleet's plan, and the root program reading the stack config fleet up sets plans the same", async () => {
        const fleet = planFleet(readTenantsFile(EXAMPLE), TEST_TODAY);
        for (const tenant of fleet.tenants) {
            const config = Object.fromEntries(Object.entries(stackConfigEntries(tenant.document)).map(([key, entry]) => [key, entry.value]));
            const options = { project: ROOT_PROJECT, stack: tenant.name, config, ...cloudModule(tenant.plan.config.cloud).offlineAnswers() };
            const deployed = await runOffline(tenantProgram(tenant), options);
            const byHand = await runOffline(async () => ({ ...(await rootProgram()) }), options);
            const planned = await planOffline(tenant.plan, tenant.name);
            assert.deepEqual(registrations(deployed.resources), registrations(planned.resources), tenant.name);
            assert.deepEqual(registrations(byHand.resources), registrations(planned.resources), tenant.name);
            assert.equal(deployed.stackOutputs.clusterName, tenant.name);
        }
    });
});
