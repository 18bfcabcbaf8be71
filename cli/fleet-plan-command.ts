import { planFleet, type FleetPlan } from "../fleet/fleet-plan";
import type { PlannedTenant } from "../fleet/planned-tenant";
import { readTenantsFile } from "../fleet/tenants-file";
import { DEFAULT_FLEET_PLAN_LANES, PlanLanes } from "./fleet-plan-lanes";
import { wholeNumberFlag } from "./flags";
import { PlanOutput, stageFiles } from "./plan-output";
import { renderTable } from "./table";
import { Progress } from "./terminal";

/** The flags of `dualstack-istio fleet plan`. */
export interface FleetPlanFlags {
    /** A folder to write `<tenant>/plan.json` (and the rest of `plan --out`) and `fleet.json` into. */
    readonly out?: string;
    /** At most this many tenants planned at once (this thread and worker threads). @default one per core */
    readonly concurrency?: string;
    /** Print the summary as one JSON document (what fleet.json holds) instead of the table. @default false */
    readonly json?: boolean;
    /** No progress line, even on a terminal. @default false */
    readonly quiet?: boolean;
}

/** One row of the fleet summary. */
export interface FleetPlanRow {
    readonly tenant: string;
    readonly cloud: string;
    /** The region; `-` for an existing cluster. */
    readonly region: string;
    /** Everything the tenant's stack registers, components and the stack included. */
    readonly resources: number;
    /** `upstream 1.30.3`, or `experimental-dual-stack tag <tag>` for a build of the branch. */
    readonly istio: string;
    /** The istiod revision, `default` when none. */
    readonly revision: string;
}

/** What `fleet plan` produced. */
export interface FleetPlanResult {
    readonly fleet: FleetPlan;
    readonly rows: readonly FleetPlanRow[];
    /** The summary table and the warnings, as printed. */
    readonly report: string;
}

/**
 * Checks a tenants file (every problem of every tenant, then clashes) and plans each tenant's
 * stack of the root program under the offline engine, `concurrency` tenants at once (one per core
 * by default; each lane has its own engine). With `out`, each tenant's files are staged as soon
 * as it is planned, so memory stays flat however many tenants there are, and replace the folder's
 * previous plan at once when every tenant is planned (see {@link PlanOutput}); the output is the
 * same whatever the concurrency.
 */
export async function fleetPlanCommand(
    file: string,
    flags: FleetPlanFlags = {},
    today?: Date,
    progress: Progress = new Progress(() => undefined, false),
): Promise<FleetPlanResult> {
    const concurrency = wholeNumberFlag(flags.concurrency, "--concurrency", DEFAULT_FLEET_PLAN_LANES);
    const output = flags.out === undefined ? undefined : PlanOutput.check(flags.out);
    const tenantsFile = readTenantsFile(file);
    const lanes = new PlanLanes(Math.min(concurrency, tenantsFile.tenants.length));
    try {
        const fleet = planFleet(tenantsFile, today);
        const planAll = async (staging?: string): Promise<FleetPlanResult> => {
            // Stopped before the output is committed or thrown away: no worker writes into a removed staging folder.
            progress.update(`planning ${fleet.tenants.length} tenants offline…`);
            const counts = await lanes
                .plan(fleet.tenants, staging, (planned) => progress.update(`planned ${planned} of ${fleet.tenants.length} tenants…`))
                .finally(() => {
                    progress.done();
                    return lanes.close();
                });
            const rows = fleet.tenants.map((tenant, index) => summaryRow(tenant, counts[index]));
            if (staging !== undefined) {
                stageFiles(staging, new Map([["fleet.json", `${JSON.stringify(fleetDocument(rows, fleet.warnings), null, 2)}\n`]]));
            }
            const report =
                flags.json === true
                    ? `${JSON.stringify({ kind: "dualstack-istio/fleet-plan", version: 1, ...fleetDocument(rows, fleet.warnings) }, null, 2)}\n`
                    : renderFleetSummary(rows, fleet.warnings);
            return { fleet, rows, report };
        };
        return await (output === undefined ? planAll() : output.write(planAll));
    } finally {
        await lanes.close();
    }
}

/** The fleet's plan as fleet.json and `--json` write it. */
function fleetDocument(rows: readonly FleetPlanRow[], warnings: readonly string[]): { tenants: readonly FleetPlanRow[]; warnings: readonly string[] } {
    return { tenants: rows, warnings };
}

function summaryRow(tenant: PlannedTenant, resources: number): FleetPlanRow {
    const { config, istio } = tenant.plan;
    const { release, revision, tag } = istio.settings;
    return {
        tenant: tenant.name,
        cloud: config.cloud,
        region: config.region ?? "-",
        resources,
        istio: `${release.flavor} ${release.version ?? `tag ${tag}`}`,
        revision: revision || "default",
    };
}

/** The summary table (one row per tenant, in file order), a total, and the warnings. */
export function renderFleetSummary(rows: readonly FleetPlanRow[], warnings: readonly string[]): string {
    const table = [
        ["Tenant", "Cloud", "Region", "Resources", "Istio", "Revision"],
        ...rows.map((row) => [row.tenant, row.cloud, row.region, String(row.resources), row.istio, row.revision]),
    ];
    const lines = renderTable(table, [3]);
    const total = rows.reduce((sum, row) => sum + row.resources, 0);
    lines.push("", `${rows.length} tenant${rows.length === 1 ? "" : "s"}, ${total} resources to create`);
    if (warnings.length > 0) {
        lines.push("", "Warnings:", ...warnings.map((warning) => `    ${warning}`));
    }
    return `${lines.join("\n")}\n`;
}
