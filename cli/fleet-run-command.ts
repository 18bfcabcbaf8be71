import { accessSync, constants, mkdirSync, statSync, type Stats } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { wholeNumberFlag } from "./flags";
import { nearestName } from "../components/config/nearest";
import { cloudModule } from "../components/config/clouds";
import { ExitCode, InputError } from "../components/errors";
import { fileProblem } from "../components/input-files";
import { refuseCredentials } from "../components/network/urls";
import { FleetCheckError, planFleet } from "../fleet/fleet-plan";
import type { PlannedTenant } from "../fleet/planned-tenant";
import { FleetOperation, runFleet, runLogDir, TenantStatus, type FleetReporter, type ResourceChanges, type TenantOutcome, type TenantStacks } from "../fleet/orchestrator";
import { readTenantsFile } from "../fleet/tenants-file";
import { renderTable } from "./table";

/** The flags of `dualstack-istio fleet preview|up|destroy`. */
export interface FleetRunFlags {
    /** At most this many tenants at once. @default 4 */
    readonly concurrency?: string;
    /** Only these tenants (each must be in the file). @default every tenant */
    readonly tenant?: readonly string[];
    /** Tenants' workspaces and logs. @default `.dualstack-istio-fleet` next to the tenants file */
    readonly workDir?: string;
    /** Secrets provider of stacks created now. @default the backend's */
    readonly secretsProvider?: string;
    /** Resource operations in parallel within one tenant. @default Pulumi's default */
    readonly parallel?: string;
}

/** Tenants at once, when `--concurrency` is not given. */
export const DEFAULT_FLEET_CONCURRENCY = 4;
/** The work folder's name (next to the tenants file), when `--work-dir` is not given. */
export const FLEET_WORK_DIR = ".dualstack-istio-fleet";

/** `--parallel`'s ceiling: resource operations within one tenant are goroutines of its `pulumi`, not processes. */
const MAX_PARALLEL = 1024;

/** What the command needs from outside: Pulumi, signals, where to write. */
export interface FleetRunContext {
    /** @default the Automation API */
    readonly stacks?: TenantStacks;
    /** Aborted: no tenant starts. */
    readonly stopNew?: AbortSignal;
    /** Aborted: each running `pulumi` is sent one SIGINT, and stops at a safe point. */
    readonly stopRunning?: AbortSignal;
    /**
     * Aborted just before the CLI exits without waiting: each running `pulumi` is sent another
     * SIGINT, and stops at once (Automation API only); each running tenant's log is written out.
     */
    readonly stopNow?: AbortSignal;
    readonly write: (text: string) => void;
    readonly today?: Date;
}

/** What a fleet run did. */
export interface FleetRunResult {
    readonly outcomes: readonly TenantOutcome[];
    readonly exitCode: number;
}

/**
 * `fleet preview|up|destroy`: checks the flags (none empty, no credential in a secrets provider's
 * URL, a work folder that is or can be made one) and the whole fleet (nothing runs when any
 * tenant is wrong), then runs the operation on the chosen tenants' stacks, at most `concurrency` at a time, with a
 * line of progress per event, each tenant's log in its own file in this run's own folder
 * (`<work dir>/logs/<operation>/<UTC time>-<random>/`), and a summary at the end.
 */
export async function fleetRunCommand(operation: FleetOperation, file: string, flags: FleetRunFlags, context: FleetRunContext): Promise<FleetRunResult> {
    const concurrency = wholeNumberFlag(flags.concurrency, "--concurrency", DEFAULT_FLEET_CONCURRENCY);
    const parallel = flags.parallel === undefined ? undefined : wholeNumberFlag(flags.parallel, "--parallel", 0, MAX_PARALLEL);
    refuseEmptyFlags(flags);
    if (flags.secretsProvider !== undefined) {
        refuseCredentials(flags.secretsProvider, "--secrets-provider", secretsProviderCredentials(flags.secretsProvider));
    }
    const fleet = planFleet(readTenantsFile(file), context.today);
    const tenants = selectTenants(fleet.tenants, flags.tenant ?? []);
    if (operation === FleetOperation.Destroy) {
        refuseProtectedClusters(tenants, fleet.file.origin);
    }
    const workRoot = resolve(flags.workDir ?? join(dirname(resolve(file)), FLEET_WORK_DIR));
    checkWorkDir(workRoot, flags.workDir !== undefined, [".fleet", "logs", join("logs", operation), ...tenants.map((tenant) => tenant.name)]);
    let stacks = context.stacks;
    if (!stacks) {
        const { AutomationStacks } = await import("../fleet/automation-stacks");
        stacks = new AutomationStacks({
            workRoot,
            ...(flags.secretsProvider !== undefined ? { secretsProvider: flags.secretsProvider } : {}),
            ...(parallel !== undefined ? { parallel } : {}),
            ...(context.stopNow ? { stopNow: context.stopNow } : {}),
        });
    }
    const { backend } = await inWorkDir(workRoot, () => stacks.prepare(tenants));
    // Named only once the checks passed, and made before any tenant starts (the first line names it).
    const logDir = runLogDir(join(workRoot, "logs", operation));
    await inWorkDir(workRoot, () => Promise.resolve(mkdirSync(logDir, { recursive: true })));
    for (const warning of fleet.warnings) {
        context.write(`warning: ${warning}\n`);
    }
    context.write(`${operation}: ${tenants.length} tenant${tenants.length === 1 ? "" : "s"}, at most ${concurrency} at once, state in ${backend}; logs in ${logDir}\n`);
    const outcomes = await runFleet({
        tenants,
        operation,
        stacks,
        concurrency,
        logDir,
        reporter: lineReporter(operation, context.write),
        ...(context.stopNew ? { stopNew: context.stopNew } : {}),
        ...(context.stopRunning ? { stopRunning: context.stopRunning } : {}),
        ...(context.stopNow ? { stopNow: context.stopNow } : {}),
    });
    context.write(`\n${renderOutcomes(outcomes)}`);
    return { outcomes, exitCode: exitCodeOf(outcomes) };
}

/** An empty flag would mean something else than it says: the current folder, or no secrets provider. */
function refuseEmptyFlags(flags: FleetRunFlags): void {
    const given: [string, string | undefined][] = [
        ["--work-dir", flags.workDir],
        ["--secrets-provider", flags.secretsProvider],
        ...(flags.tenant ?? []).map((name): [string, string] => ["--tenant", name]),
    ];
    for (const [flag, value] of given) {
        if (value !== undefined && value.trim() === "") {
            throw new InputError(flag, "is empty; give a value, or leave the flag out for its default");
        }
    }
}

/** Where a secrets provider's credentials belong, rather than in its URL. */
function secretsProviderCredentials(provider: string): string {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(provider)?.[1].toLowerCase();
    switch (scheme) {
        case "hashivault":
            return "give the token in VAULT_TOKEN (or VAULT_SERVER_TOKEN) and the server in VAULT_ADDR";
        case "awskms":
            return "give AWS credentials in the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
        case "azurekeyvault":
            return "give Azure credentials in the environment (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID), or az login";
        case "gcpkms":
            return "give Google credentials in the environment (GOOGLE_APPLICATION_CREDENTIALS), or gcloud auth application-default login";
        default:
            return "give the provider's credentials in its environment variables";
    }
}

/**
 * Refuses a work folder that cannot be one, before anything runs: a file, a path through a file,
 * a folder this user cannot write in, or one holding a file where the fleet keeps a folder
 * (`inside`, relative to it). Nothing is made here.
 */
function checkWorkDir(workRoot: string, given: boolean, inside: readonly string[]): void {
    const named = given ? workRoot : `${workRoot} (the default, next to the tenants file)`;
    const refuse = (problem: string): never => {
        throw new InputError("--work-dir", `${named} ${problem}`);
    };
    let existing = workRoot;
    let stats: Stats | undefined;
    for (;;) {
        try {
            stats = statSync(existing);
            break;
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(existing) === existing) {
                return refuse(`cannot be used: ${fileProblem(error)}`);
            }
            existing = dirname(existing);
        }
    }
    if (!stats.isDirectory()) {
        refuse(existing === workRoot ? "is not a folder" : `cannot be made: ${existing} is not a folder`);
    }
    try {
        accessSync(existing, constants.W_OK | constants.X_OK);
    } catch {
        refuse(existing === workRoot ? "is not writable by this user" : `cannot be made: ${existing} is not writable by this user`);
    }
    if (existing !== workRoot) {
        return;
    }
    for (const part of inside) {
        const path = join(workRoot, part);
        let kind: Stats | undefined;
        try {
            kind = statSync(path);
        } catch {
            // Not there yet, or under a part already checked.
            continue;
        }
        if (!kind.isDirectory()) {
            refuse(`cannot be used: ${path} is not a folder`);
        }
    }
}

/** Runs a step that makes folders in the work folder: a file-system failure there is the work folder's. */
async function inWorkDir<T>(workRoot: string, step: () => Promise<T>): Promise<T> {
    try {
        return await step();
    } catch (error) {
        const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
        const within = typeof path === "string" ? relative(workRoot, path) : "..";
        if (code !== undefined && !within.startsWith("..") && !isAbsolute(within)) {
            throw new InputError("--work-dir", `${path}: ${fileProblem(error)}`);
        }
        throw error;
    }
}

/** The tenants `--tenant` names, in file order; every name must be a tenant. */
export function selectTenants(tenants: readonly PlannedTenant[], names: readonly string[]): PlannedTenant[] {
    if (names.length === 0) {
        return [...tenants];
    }
    const known = tenants.map((tenant) => tenant.name);
    for (const name of names) {
        if (!known.includes(name)) {
            const nearest = nearestName(name, known);
            throw new InputError("--tenant", `'${name}' is not a tenant of this file${nearest ? `; did you mean '${nearest}'?` : `; tenants: ${known.join(", ")}`}`);
        }
    }
    return tenants.filter((tenant) => names.includes(tenant.name));
}

/**
 * A cluster with deletion protection on cannot be destroyed: Pulumi would delete Istio and the
 * network's other parts and then fail on the cluster. Refused before anything runs instead.
 */
function refuseProtectedClusters(tenants: readonly PlannedTenant[], origin: string): void {
    const problems = tenants.flatMap(({ name, plan: { config } }) => {
        // Each cloud that creates its cluster keeps the switch in its own section, named after it.
        return cloudModule(config.cloud).deletionProtected(config)
            ? [`${origin}: tenant '${name}': ${config.cloud}.deletionProtection: is true, so the cluster cannot be destroyed; set it to false, run fleet up, then destroy`]
            : [];
    });
    if (problems.length > 0) {
        throw new FleetCheckError(problems);
    }
}

/** One line per event, tenant first, for terminals and CI logs alike. */
export function lineReporter(operation: FleetOperation, write: (text: string) => void): FleetReporter {
    return {
        started: (tenant, logFile) => write(`[${tenant}] ${operation} started (log: ${logFile})\n`),
        step: (tenant, stepsDone) => {
            if (stepsDone % 10 === 0) {
                write(`[${tenant}] ${stepsDone} resources done\n`);
            }
        },
        finished: (outcome) => {
            const took = formatDuration(outcome.durationMs);
            switch (outcome.status) {
                case TenantStatus.Succeeded:
                    write(`[${outcome.tenant}] ${operation} succeeded in ${took}: ${formatChanges(outcome.changes)}\n`);
                    break;
                case TenantStatus.Skipped:
                    write(`[${outcome.tenant}] skipped: cancelled before it started\n`);
                    break;
                default:
                    write(`[${outcome.tenant}] ${operation} ${outcome.status} after ${took}: ${outcome.message ?? ""}\n`);
            }
        },
    };
}

/** The final summary: one row per tenant, the totals, and why each failure failed. */
export function renderOutcomes(outcomes: readonly TenantOutcome[]): string {
    const table = [
        ["Tenant", "Result", "Changes", "Time", "Log"],
        ...outcomes.map((outcome) => [
            outcome.tenant,
            outcome.status,
            outcome.status === TenantStatus.Succeeded ? formatChanges(outcome.changes) : "-",
            outcome.status === TenantStatus.Skipped ? "-" : formatDuration(outcome.durationMs),
            outcome.logFile ?? "-",
        ]),
    ];
    const lines = renderTable(table);
    const counts = Object.values(TenantStatus)
        .map((status) => [status, outcomes.filter((outcome) => outcome.status === status).length] as const)
        .filter(([, count]) => count > 0)
        .map(([status, count]) => `${count} ${status}`);
    lines.push("", counts.join(", "));
    for (const outcome of outcomes.filter((candidate) => candidate.message !== undefined)) {
        lines.push(`  ${outcome.tenant}: ${outcome.message}`);
    }
    return `${lines.join("\n")}\n`;
}

/**
 * The run's exit code, by the contract of every command ({@link ExitCode}): a failed tenant wins
 * over a cancellation, because a failure needs looking at.
 */
export function exitCodeOf(outcomes: readonly TenantOutcome[]): number {
    if (outcomes.some((outcome) => outcome.status === TenantStatus.Failed)) {
        return ExitCode.Failed;
    }
    if (outcomes.some((outcome) => outcome.status === TenantStatus.Cancelled || outcome.status === TenantStatus.Skipped)) {
        return ExitCode.Cancelled;
    }
    return ExitCode.Succeeded;
}

/** `create 12, same 3`, in Pulumi's order of kinds; `no changes` when there are none. */
export function formatChanges(changes: ResourceChanges): string {
    const order = ["create", "update", "replace", "delete", "same"];
    const kinds = Object.keys(changes)
        .filter((kind) => changes[kind] > 0)
        .sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
    return kinds.length ? kinds.map((kind) => `${kind} ${changes[kind]}`).join(", ") : "no changes";
}

function rank(order: readonly string[], kind: string): number {
    const index = order.indexOf(kind);
    return index < 0 ? order.length : index;
}

/** `42s`, or `12m05s` from a minute on. */
export function formatDuration(milliseconds: number): string {
    const seconds = Math.round(milliseconds / 1000);
    return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
