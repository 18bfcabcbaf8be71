import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileProblem } from "../components/input-files";
import type { PlannedTenant } from "./planned-tenant";
import { Redactor } from "./redaction";

/** What the fleet does to each tenant's stack. */
export const FleetOperation = {
    Preview: "preview",
    Up: "up",
    Destroy: "destroy",
} as const;
export type FleetOperation = (typeof FleetOperation)[keyof typeof FleetOperation];

/** How a tenant's operation ended. */
export const TenantStatus = {
    Succeeded: "succeeded",
    Failed: "failed",
    /** Started, then stopped by a cancellation. */
    Cancelled: "cancelled",
    /** Never started: the fleet was cancelled first. */
    Skipped: "skipped",
} as const;
export type TenantStatus = (typeof TenantStatus)[keyof typeof TenantStatus];

/** Resource counts per kind of change (`create`, `update`, `delete`, `same`, …), as Pulumi reports them. */
export type ResourceChanges = Readonly<Record<string, number>>;

/** Something a tenant's operation reported while it ran. */
export type TenantProgress =
    /** A resource step finished (created, updated, deleted, or found the same). */
    | { readonly kind: "step"; readonly urn: string; readonly op: string }
    /** The engine reported an error; the first one explains a failure best. */
    | { readonly kind: "error"; readonly message: string };

/** One operation on one tenant's stack, as the orchestrator asks for it. */
export interface TenantRun {
    readonly tenant: PlannedTenant;
    readonly operation: FleetOperation;
    /** Raw output of the operation, for the tenant's own log file. */
    readonly log: (text: string) => void;
    readonly progress: (event: TenantProgress) => void;
    /** Aborted to cancel the operation (Pulumi then stops at a safe point and saves its state). */
    readonly signal: AbortSignal;
}

/**
 * The seam between the fleet and Pulumi: the Automation API in production
 * ({@link ./automation-stacks}), a test double in tests. `run` resolves with the changes, or
 * rejects with an error whose first line says why.
 */
export interface TenantStacks {
    /** Once, before any tenant runs: tools present, plugins installed. Rejects to stop the fleet. */
    prepare(tenants: readonly PlannedTenant[]): Promise<PreparedStacks>;
    run(request: TenantRun): Promise<ResourceChanges>;
}

/** What preparing found out. */
export interface PreparedStacks {
    /** Where the stacks' state lives (a backend URL), for the run's header. */
    readonly backend: string;
}

/** What happened to one tenant. */
export interface TenantOutcome {
    readonly tenant: string;
    readonly status: TenantStatus;
    readonly changes: ResourceChanges;
    /** Why it failed: the engine's first error, else the first line of the failure. */
    readonly message?: string;
    readonly durationMs: number;
    /** The tenant's log of this run; none for a tenant that never started. */
    readonly logFile?: string;
}

/** Live progress, as the orchestrator sees it. */
export interface FleetReporter {
    started(tenant: string, logFile: string): void;
    step(tenant: string, stepsDone: number): void;
    finished(outcome: TenantOutcome): void;
}

/** How to run an operation over a fleet. */
export interface FleetRunOptions {
    readonly tenants: readonly PlannedTenant[];
    readonly operation: FleetOperation;
    readonly stacks: TenantStacks;
    /** Never more than this many tenants at once. */
    readonly concurrency: number;
    /**
     * This run's own folder for logs ({@link runLogDir}): `<logDir>/<tenant>.log` for each tenant
     * that starts (the folder made if it is not there).
     */
    readonly logDir: string;
    readonly reporter: FleetReporter;
    /** Once aborted, no tenant starts; the running ones go on unless {@link stopRunning} aborts too. */
    readonly stopNew?: AbortSignal;
    /** Cancels the running operations. */
    readonly stopRunning?: AbortSignal;
    /**
     * Aborted just before the process exits without waiting for the running operations: each
     * running tenant's log gets, redacted, what was held back in case it began a secret.
     */
    readonly stopNow?: AbortSignal;
    /** @default Date.now */
    readonly now?: () => number;
}

/**
 * A new folder name for one run's logs, under `<logsRoot>`: its UTC start time and a random
 * suffix, so that no run overwrites another's logs (a cancelled run's included) and a listing
 * sorts by time, e.g. `20261125T101530Z-3f9a`.
 */
export function runLogDir(logsRoot: string, now: number = Date.now()): string {
    const stamp = new Date(now)
        .toISOString()
        .replace(/\.\d+Z$/, "Z")
        .replace(/[-:]/g, "");
    return join(logsRoot, `${stamp}-${randomBytes(2).toString("hex")}`);
}

/**
 * Runs one operation over every tenant, at most `concurrency` at a time, in file order. Each
 * tenant is isolated: its own stack, its own log, its failure caught and reported while the
 * others go on. Everything written about a tenant (its log, its progress, its failure) has its
 * secrets redacted. Resolves with every tenant's outcome in file order; never rejects for a
 * tenant's sake.
 */
export async function runFleet(options: FleetRunOptions): Promise<TenantOutcome[]> {
    const { tenants, concurrency } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
    const outcomes: TenantOutcome[] = new Array<TenantOutcome>(tenants.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < tenants.length) {
            const index = next++;
            const tenant = tenants[index];
            outcomes[index] = options.stopNew?.aborted ? skipped(tenant, options) : await runTenant(tenant, options);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tenants.length) }, worker));
    return outcomes;
}

function logFileOf(tenant: PlannedTenant, options: FleetRunOptions): string {
    return join(options.logDir, `${tenant.name}.log`);
}

function skipped(tenant: PlannedTenant, options: FleetRunOptions): TenantOutcome {
    const outcome = { tenant: tenant.name, status: TenantStatus.Skipped, changes: {}, durationMs: 0 };
    options.reporter.finished(outcome);
    return outcome;
}

async function runTenant(tenant: PlannedTenant, options: FleetRunOptions): Promise<TenantOutcome> {
    const now = options.now ?? Date.now;
    const logFile = logFileOf(tenant, options);
    const redactor = Redactor.forTenant(tenant.document);
    const started = now();
    let log: TenantLog;
    try {
        mkdirSync(options.logDir, { recursive: true });
        log = openLog(logFile, redactor);
    } catch (error) {
        // No stack is changed without a record of it.
        const outcome = { tenant: tenant.name, status: TenantStatus.Failed, changes: {}, message: `not started: its log ${logFile}: ${fileProblem(error)}`, durationMs: 0 };
        options.reporter.finished(outcome);
        return outcome;
    }
    const stoppedNow = () => log.flush("\n# stopped at once: the CLI exited without waiting for pulumi; check the stack (pulumi stack, and pulumi cancel if it is locked)\n");
    options.stopNow?.addEventListener("abort", stoppedNow, { once: true });
    log.write(`# dualstack-istio fleet ${options.operation}: tenant ${tenant.name}, started ${new Date(started).toISOString()}\n`);
    options.reporter.started(tenant.name, logFile);
    let stepsDone = 0;
    let firstError: string | undefined;
    const signal = options.stopRunning ?? new AbortController().signal;
    let outcome: TenantOutcome;
    try {
        const changes = await options.stacks.run({
            tenant,
            operation: options.operation,
            signal,
            log: (text) => log.write(text),
            progress: (event) => {
                if (event.kind === "step") {
                    options.reporter.step(tenant.name, ++stepsDone);
                } else {
                    firstError ??= event.message;
                }
            },
        });
        outcome = { tenant: tenant.name, status: TenantStatus.Succeeded, changes, durationMs: now() - started, logFile };
    } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        log.write(`\n# failed: ${detail}\n`);
        outcome = {
            tenant: tenant.name,
            status: signal.aborted || options.stopNew?.aborted ? TenantStatus.Cancelled : TenantStatus.Failed,
            changes: {},
            // Redacted whole, before a line is taken: a secret can span lines.
            message: firstLine(redactor.redact(firstError ?? detail)),
            durationMs: now() - started,
            logFile,
        };
    }
    options.stopNow?.removeEventListener("abort", stoppedNow);
    log.close();
    options.reporter.finished(outcome);
    return outcome;
}

/** A tenant's log as it is written: redacted, and on disk as each piece arrives. */
interface TenantLog {
    write(text: string): void;
    /** Writes what the redaction held back, then `note`: the process is about to exit. */
    flush(note: string): void;
    close(): void;
}

/**
 * Opens a tenant's log. Each piece is written at once and synchronously, so that an exit that
 * does not wait (a second Ctrl-C) loses none of it.
 */
function openLog(file: string, redactor: Redactor): TenantLog {
    let fd: number | undefined = openSync(file, "w");
    const append = (text: string) => {
        if (fd === undefined) {
            return;
        }
        try {
            writeSync(fd, text);
        } catch {
            // A log that cannot be written must not take the tenant's operation (or the fleet) down.
        }
    };
    const sink = redactor.stream(append);
    return {
        write: (text) => sink.write(text),
        flush: (note) => {
            sink.end();
            append(note);
        },
        close: () => {
            sink.end();
            if (fd !== undefined) {
                closeSync(fd);
                fd = undefined;
            }
        },
    };
}

function firstLine(text: string): string {
    return text.trim().split("\n")[0] ?? "";
}
