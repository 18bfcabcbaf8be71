import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { cloudModule } from "../components/config/clouds";
import { ROOT_PROJECT } from "../components/config/sources";
import { InputError } from "../components/errors";
import { isSelfManagedBackend } from "./backend";
import type { PlannedTenant } from "./planned-tenant";
import { FleetOperation, type PreparedStacks, type ResourceChanges, type TenantProgress, type TenantRun, type TenantStacks } from "./orchestrator";
import { ambientPluginLookup, pluginsToInstall } from "./plugins";
import { PulumiProcesses, runningThrough } from "./pulumi-process";
import { stackConfigEntries } from "./stack-config";

/** How the fleet reaches Pulumi. */
export interface AutomationStacksOptions {
    /**
     * Each tenant's workspace folder is `<workRoot>/<tenant>/` (its `Pulumi.yaml` and
     * `Pulumi.<tenant>.yaml`): one folder per tenant, because concurrent stack selection in one
     * folder can corrupt its workspace file (pulumi/pulumi#8186).
     */
    readonly workRoot: string;
    /**
     * The secrets provider of stacks created now (`awskms://…`, `gcpkms://…`, `passphrase`).
     * @default the backend's own (Pulumi Cloud), or `passphrase` for a self-managed backend
     */
    readonly secretsProvider?: string;
    /**
     * Resource operations one tenant runs in parallel (`pulumi up --parallel`).
     * @default Pulumi's default
     */
    readonly parallel?: number;
    /**
     * The program each tenant's stack runs.
     * @default the root program
     */
    readonly program?: PulumiFn;
    /** The environment to check for credentials. @default process.env */
    readonly env?: NodeJS.ProcessEnv;
    /**
     * The first wait before retrying a transient backend error in stack selection or config; it
     * doubles on each of the {@link STACK_SETUP_ATTEMPTS} attempts.
     * @default 1000
     */
    readonly retryDelayMs?: number;
    /**
     * Aborted to stop every running `pulumi` at once: each is sent another SIGINT (after the one
     * a cancelled operation's own signal sent), which Pulumi takes as "stop now".
     */
    readonly stopNow?: AbortSignal;
}

/** Attempts at selecting a stack and setting its config, when the backend fails transiently. */
export const STACK_SETUP_ATTEMPTS = 3;

/**
 * Backend failures worth another try: Pulumi Cloud answers some parallel stack calls with a
 * passing 404 (pulumi/pulumi#8122), throttles with 429, or fails with a 5xx or a dropped connection.
 * Anything else (a 403, a bad config) would fail again, so it is reported at once.
 */
const TRANSIENT_FAILURE = /\[(404|429|5\d\d)\]|connection reset|i\/o timeout|TLS handshake timeout|unexpected EOF/;

type Automation = typeof import("@pulumi/pulumi/automation");

/**
 * The fleet's stacks through the Automation API: one `LocalWorkspace` per tenant, in its own
 * folder, running the root program inline, against whatever backend `pulumi` is logged in to
 * (`PULUMI_BACKEND_URL`, `pulumi login`). Every `pulumi` runs in its own process group
 * ({@link PulumiProcesses}): only the fleet decides which interrupts it gets.
 */
export class AutomationStacks implements TenantStacks {
    private readonly options: AutomationStacksOptions;
    private command?: PulumiCommand;
    private processes?: PulumiProcesses;

    constructor(options: AutomationStacksOptions) {
        this.options = options;
        options.stopNow?.addEventListener("abort", () => this.processes?.interruptAll(), { once: true });
    }

    /**
     * Finds the CLI (one line naming `pulumi` when it is missing, too old or cannot run), checks
     * the backend and its secrets, and installs each provider plugin the engine would not find,
     * once, at the version this package uses, before tenants run in parallel (parallel installs
     * into one `PULUMI_HOME` could collide; a failed one is one line naming the plugin). When a
     * check fails, the folders it made are removed again.
     */
    async prepare(tenants: readonly PlannedTenant[]): Promise<PreparedStacks> {
        const automation = await loadAutomation();
        const command = await findCli(automation);
        this.processes = new PulumiProcesses(command.command, automation);
        this.command = runningThrough(command, this.processes);
        const workDir = join(this.options.workRoot, ".fleet");
        // The first folder this made, if any: never one that was there before.
        const created = mkdirSync(workDir, { recursive: true });
        try {
            return await this.check(automation, tenants, workDir);
        } catch (error) {
            if (created !== undefined) {
                rmSync(created, { recursive: true, force: true });
            }
            throw error;
        }
    }

    private async check(automation: Automation, tenants: readonly PlannedTenant[], workDir: string): Promise<PreparedStacks> {
        const workspace = await automation.LocalWorkspace.create(this.workspaceOptions(workDir));
        let who: { url?: string };
        try {
            who = await workspace.whoAmI();
        } catch (error) {
            throw new InputError(
                "pulumi",
                `no backend to keep the stacks in (${commandFailure(error)}); run pulumi login, or set PULUMI_BACKEND_URL (file://, s3://, gs://, Pulumi Cloud)`,
            );
        }
        const env = this.options.env ?? process.env;
        const { secretsProvider } = this.options;
        if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
            if (secretsProvider === "passphrase") {
                throw new InputError("PULUMI_CONFIG_PASSPHRASE", "not set, and --secrets-provider passphrase needs it; set it (or PULUMI_CONFIG_PASSPHRASE_FILE)");
            }
            if (isSelfManagedBackend(who.url) && secretsProvider === undefined) {
                throw new InputError(
                    "PULUMI_CONFIG_PASSPHRASE",
                    `not set, and the backend ${who.url} keeps secrets with a passphrase; set it (or PULUMI_CONFIG_PASSPHRASE_FILE), or give --secrets-provider`,
                );
            }
        }
        // Every stack needs the Kubernetes provider; each cloud names its own.
        const wanted = [...new Set(tenants.flatMap((tenant) => ["kubernetes", ...cloudModule(tenant.plan.config.cloud).plugins]))]
            .sort()
            .map((name) => ({ name, version: providerVersion(name) }));
        const cached = await workspace.listPlugins().catch((error: unknown) => {
            throw new InputError("pulumi", `could not list its plugins (pulumi plugin ls: ${commandFailure(error)})`);
        });
        for (const plugin of pluginsToInstall(wanted, cached, ambientPluginLookup(env))) {
            try {
                await workspace.installPlugin(plugin.name, `v${plugin.version}`);
            } catch (error) {
                throw new InputError(
                    "pulumi",
                    `could not install the ${plugin.name} plugin v${plugin.version} (${commandFailure(error)}); check the network and PULUMI_HOME, or install it first: pulumi plugin install resource ${plugin.name} v${plugin.version}`,
                );
            }
        }
        return { backend: who.url ?? "the backend pulumi is logged in to" };
    }

    async run({ tenant, operation, log, progress, signal }: TenantRun): Promise<ResourceChanges> {
        const automation = await loadAutomation();
        const workDir = join(this.options.workRoot, tenant.name);
        const stack = await this.withRetries(async () => {
            const selected = await this.stack(automation, tenant, operation, workDir);
            await this.syncConfig(selected, tenant);
            return selected;
        });
        if (signal.aborted) {
            // Cancelled while its stack was being set up: the operation has not begun.
            throw new Error("cancelled before the operation started");
        }
        const options = {
            onOutput: log,
            onEvent: (event: EngineEvent) => digestEvent(event, progress),
            signal,
            color: "never" as const,
            ...(this.options.parallel !== undefined ? { parallel: this.options.parallel } : {}),
        };
        try {
            switch (operation) {
                case FleetOperation.Preview:
                    return (await stack.preview(options)).changeSummary;
                case FleetOperation.Up:
                    return (await stack.up(options)).summary.resourceChanges ?? {};
                case FleetOperation.Destroy:
                    return (await stack.destroy(options)).summary.resourceChanges ?? {};
            }
        } catch (error) {
            throw new Error(commandFailure(error), { cause: error });
        }
    }

    /** Runs idempotent setup again after a transient backend failure, waiting longer each time. */
    private async withRetries<T>(setup: () => Promise<T>): Promise<T> {
        let delay = this.options.retryDelayMs ?? 1000;
        for (let attempt = 1; ; attempt++) {
            try {
                return await setup();
            } catch (error) {
                if (attempt >= STACK_SETUP_ATTEMPTS || !TRANSIENT_FAILURE.test(commandFailure(error))) {
                    throw new Error(commandFailure(error), { cause: error });
                }
                await new Promise((resolve) => setTimeout(resolve, delay));
                delay *= 2;
            }
        }
    }

    private async stack(automation: Automation, tenant: PlannedTenant, operation: FleetOperation, workDir: string): Promise<Stack> {
        mkdirSync(workDir, { recursive: true });
        // Destroy needs the stack's state, not its program.
        const program: PulumiFn = operation === FleetOperation.Destroy ? () => Promise.resolve({}) : (this.options.program ?? tenantProgram(tenant));
        return automation.LocalWorkspace.createOrSelectStack({ stackName: tenant.name, projectName: ROOT_PROJECT, program }, this.workspaceOptions(workDir));
    }

    /**
     * Makes the stack's config exactly the tenant's: sets every key, and removes keys of ours the
     * tenants file no longer has (else a key deleted from the file would live on in the stack).
     * A secret is set through the command's standard input: the Automation API would put it on
     * the command line, which a failed command prints whole.
     */
    private async syncConfig(stack: Stack, tenant: PlannedTenant): Promise<void> {
        const wanted = stackConfigEntries(tenant.document);
        const stale = Object.keys(await stack.getAllConfig()).filter((key) => key.startsWith(`${ROOT_PROJECT}:`) && !(key in wanted));
        if (stale.length > 0) {
            await stack.removeAllConfig(stale);
        }
        const plain = Object.fromEntries(Object.entries(wanted).filter(([, entry]) => !entry.secret));
        if (Object.keys(plain).length > 0) {
            await stack.setAllConfig(plain);
        }
        const workspace = stack.workspace;
        const env = { ...(workspace.pulumiHome ? { PULUMI_HOME: workspace.pulumiHome } : {}), ...workspace.envVars };
        for (const [key, entry] of Object.entries(wanted).filter(([, candidate]) => candidate.secret)) {
            // The CLI reads a value from a non-terminal stdin and drops exactly one final newline.
            await this.requireProcesses().runWithInput(["config", "set", "--stack", stack.name, "--secret", key, "--non-interactive"], workspace.workDir, `${entry.value}\n`, env);
        }
    }

    private requireProcesses(): PulumiProcesses {
        if (!this.processes) {
            throw new Error("AutomationStacks.prepare must run before a tenant does");
        }
        return this.processes;
    }

    private workspaceOptions(workDir: string) {
        return {
            workDir,
            ...(this.command ? { pulumiCommand: this.command } : {}),
            projectSettings: { name: ROOT_PROJECT, runtime: "nodejs" as const },
            ...(this.options.secretsProvider !== undefined ? { secretsProvider: this.options.secretsProvider } : {}),
        };
    }
}

/** Where to get a newer Pulumi CLI. */
const UPGRADE = "curl -fsSL https://get.pulumi.com | sh, or brew upgrade pulumi";

/**
 * The CLI on PATH, or one line naming `pulumi`: how to install it when it is missing, how to
 * upgrade it when the Automation API refuses its version, else why it could not be used.
 */
async function findCli(automation: Automation): Promise<PulumiCommand> {
    try {
        return await automation.PulumiCommand.get();
    } catch (error) {
        const failure = commandFailure(error);
        if (/ENOENT/.test(failure)) {
            throw new InputError("pulumi", "the Pulumi CLI is not on PATH; install it (curl -fsSL https://get.pulumi.com | sh, or brew install pulumi/tap/pulumi) and run again");
        }
        // The Automation API's own words (cmd.ts, parseAndValidatePulumiVersion), which name both versions.
        const tooOld = /minimum CLI version requirement is (\S+), your current CLI version is v?(\S+?)\.(?:\s|$)/.exec(failure);
        if (tooOld) {
            throw new InputError("pulumi", `version ${tooOld[2]} is older than ${tooOld[1]}, the oldest this package's Automation API runs; upgrade it (${UPGRADE}) and run again`);
        }
        const tooNew = /You are using Pulumi CLI version v?(\S+) with Automation SDK v(\d+)/.exec(failure);
        if (tooNew) {
            throw new InputError(
                "pulumi",
                `version ${tooNew[1]} is of a newer major version than this package's Automation API (v${tooNew[2]}); install a Pulumi CLI v${tooNew[2]}`,
            );
        }
        throw new InputError("pulumi", `could not be used (pulumi version: ${failure})`);
    }
}

/** Engine events, reduced to what the fleet shows: finished steps and errors. */
export function digestEvent(event: EngineEvent, progress: (event: TenantProgress) => void): void {
    if (event.resOutputsEvent) {
        progress({ kind: "step", urn: event.resOutputsEvent.metadata.urn, op: event.resOutputsEvent.metadata.op });
    } else if (event.diagnosticEvent?.severity === "error") {
        progress({ kind: "error", message: event.diagnosticEvent.message.trim() });
    }
}

/**
 * A failed `pulumi` command in one line. The Automation API's errors carry the whole output;
 * the CLI's own `error:` line says what went wrong.
 */
export function commandFailure(error: unknown): string {
    const result = (error as { commandResult?: { stderr?: string; stdout?: string } } | undefined)?.commandResult;
    const text = result ? `${result.stderr ?? ""}\n${result.stdout ?? ""}` : error instanceof Error ? error.message : String(error);
    const lines = text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
    const errorLine = lines.find((line) => line.startsWith("error:"));
    return (errorLine ?? lines[0] ?? "failed").replace(/^error:\s*/, "");
}

function providerVersion(plugin: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`@pulumi/${plugin}/package.json`) as { version: string }).version;
}

async function loadAutomation(): Promise<Automation> {
    return import("@pulumi/pulumi/automation");
}

/**
 * A tenant's inline program: the root program's deployment of the plan the fleet checks made for
 * it (planned once, not read back from the stack config it was written to), loaded when a tenant
 * first runs. The stack config is still the tenant's, so the stack's own later runs (by hand, or
 * the operator) plan the same.
 */
export function tenantProgram(tenant: PlannedTenant): PulumiFn {
    return async () => {
        const { deployStack } = await import("../program/deploy-stack");
        return { ...(await deployStack(tenant.plan)) };
    };
}
