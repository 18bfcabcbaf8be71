import { today as currentDay } from "../components/clock";
import { parseStackConfig } from "../components/config/parse";
import { valueAt } from "../components/key-path";
import { formatWarning, InputError } from "../components/errors";
import { planStack } from "../program/stack-plan";
import { findClashes, findNetworkOverlaps } from "./clashes";
import { mergeTenantConfig } from "./merge";
import type { PlannedTenant } from "./planned-tenant";
import type { TenantEntry, TenantsFile } from "./tenants-file";

/** A fleet that passed every check. */
export interface FleetPlan {
    readonly file: TenantsFile;
    readonly tenants: readonly PlannedTenant[];
    /** Every tenant's warnings, each line naming the tenant. */
    readonly warnings: readonly string[];
}

/**
 * A fleet that failed its checks: every problem found, one line each, each naming the tenant (or
 * the defaults key) it belongs to. Nothing has run.
 */
export class FleetCheckError extends Error {
    readonly problems: readonly string[];

    constructor(problems: readonly string[]) {
        super(problems.length === 1 ? problems[0] : `${problems.length} problems, first: ${problems[0]}`);
        this.name = "FleetCheckError";
        this.problems = problems;
    }
}

/**
 * Checks a whole fleet before anything runs: each tenant's merged config against the one stack
 * config schema and every component rule (as `planStack` does for one stack), then the clashes
 * between tenants. Collects every problem rather than stopping at the first, so one run of
 * `fleet plan` lists all that needs fixing. Throws {@link FleetCheckError}.
 */
export function planFleet(file: TenantsFile, today: Date = currentDay()): FleetPlan {
    const problems: string[] = [];
    const tenants: PlannedTenant[] = [];
    for (const tenant of file.tenants) {
        const document = mergeTenantConfig(file, tenant);
        try {
            tenants.push({ name: tenant.name, index: tenant.index, document, plan: planStack(parseStackConfig(document), today) });
        } catch (error) {
            if (!(error instanceof InputError)) {
                throw error;
            }
            problems.push(attributeProblem(file, tenant, error));
        }
    }
    problems.push(...findDuplicateNames(file));
    if (problems.length === 0) {
        problems.push(...findClashes(tenants, file.origin));
        if (file.requireDisjointNetworks) {
            problems.push(...findNetworkOverlaps(tenants, file.origin));
        }
    }
    if (problems.length > 0) {
        throw new FleetCheckError(problems);
    }
    const warnings = tenants.flatMap((tenant) => tenant.plan.warnings.map((warning) => `${file.origin}: tenant '${tenant.name}': ${formatWarning(warning)}`));
    return { file, tenants, warnings };
}

/**
 * Names where a bad value was written: the tenant's entry when it set the key (or when the key
 * is missing altogether), else the defaults, for this tenant.
 */
function attributeProblem(file: TenantsFile, tenant: TenantEntry, error: InputError): string {
    const path = keyPath(error.field);
    if (valueAt(tenant.overrides, path) === undefined && valueAt(file.defaults, path) !== undefined) {
        return `${file.origin}: defaults.${error.field}: ${error.problem} (for tenant '${tenant.name}')`;
    }
    return `${file.origin}: tenants[${tenant.index}] '${tenant.name}': ${error.message}`;
}

function findDuplicateNames(file: TenantsFile): string[] {
    const first = new Map<string, TenantEntry>();
    const problems: string[] = [];
    for (const tenant of file.tenants) {
        const earlier = first.get(tenant.name);
        if (earlier) {
            problems.push(`${file.origin}: tenants[${tenant.index}].name: '${tenant.name}' is already the name of tenants[${earlier.index}]; tenant names must be unique`);
        } else {
            first.set(tenant.name, tenant);
        }
    }
    return problems;
}

/** `gcp.zones[0]` → `["gcp", "zones", "0"]`. */
function keyPath(field: string): string[] {
    return field.split(/[.[\]]/).filter((segment) => segment !== "");
}
