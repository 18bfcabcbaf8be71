import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { delimiter, dirname, isAbsolute } from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

type Automation = typeof import("@pulumi/pulumi/automation");

/** What one `pulumi` command left: the shape of the Automation API's own `CommandResult`. */
export interface PulumiResult {
    readonly stdout: string;
    readonly stderr: string;
    readonly code: number;
    readonly err?: Error;
}

type Environment = { [key: string]: string };

/**
 * The Automation API's result and error classes are exported at run time but not typed
 * (`@internal`). Its own errors must be kept: `createOrSelectStack` creates a stack only on a
 * `StackNotFoundError`.
 */
interface AutomationInternals {
    readonly CommandResult?: new (stdout: string, stderr: string, code: number, err?: Error) => PulumiResult;
    readonly createCommandError?: (result: PulumiResult) => Error;
}

/** A spawn error (no such file, …) is reported with this code, as the Automation API does. */
const UNKNOWN_ERROR_CODE = -2;

/**
 * The fleet's `pulumi` processes. Each runs in its own process group, so a terminal's Ctrl-C (sent
 * to the CLI's group) reaches only the CLI, which decides what each child gets: one SIGINT when its
 * operation is cancelled (Pulumi stops at a safe point and saves its state), and a second from
 * {@link interruptAll} to stop at once. Otherwise it runs commands exactly as the Automation API's
 * `PulumiCommand.run` does (`--non-interactive`, the CLI's folder first on PATH,
 * `PULUMI_AUTOMATION_API=true`), and it can feed a command's standard input, which the API cannot.
 */
export class PulumiProcesses {
    private readonly command: string;
    private readonly internals: AutomationInternals;
    /** Each running child, and how many interrupts it was sent. */
    private readonly live = new Map<ChildProcess, number>();
    private readonly onExit = () => this.interruptUnstopped();

    /** @param command the CLI, as `PulumiCommand.command` names it (a path, or `pulumi` on PATH) */
    constructor(command: string, automation: Automation) {
        this.command = command;
        this.internals = automation as unknown as AutomationInternals;
    }

    /** How many `pulumi` processes are running now. */
    get running(): number {
        return this.live.size;
    }

    /**
     * The Automation API's `PulumiCommand.run` contract: resolves with the result when the command
     * exits 0, else rejects with the API's own error for it. An abort of `signal` sends the process
     * one SIGINT.
     */
    run(args: string[], cwd: string, additionalEnv: Environment, onOutput?: (data: string) => void, onError?: (data: string) => void, signal?: AbortSignal): Promise<PulumiResult> {
        return this.start(args, cwd, additionalEnv, { onOutput, onError, signal });
    }

    /** Runs a command with `input` on its standard input (never on its command line, which failures print). */
    runWithInput(args: string[], cwd: string, input: string, additionalEnv: Environment = {}): Promise<PulumiResult> {
        return this.start(args, cwd, additionalEnv, { input });
    }

    /** Sends every running process one more SIGINT: the second one tells Pulumi to stop at once. */
    interruptAll(): void {
        for (const child of this.live.keys()) {
            this.interrupt(child);
        }
    }

    private interrupt(child: ChildProcess): void {
        if (this.live.has(child)) {
            this.live.set(child, (this.live.get(child) ?? 0) + 1);
            child.kill("SIGINT");
        }
    }

    /**
     * When the CLI exits with commands still running (a crash, or an exit at once on a signal:
     * otherwise a fleet run waits for each one), those never told to stop are told now, so none
     * goes on changing a stack unwatched. A signal that would end the CLI without this (Node runs
     * no exit handler then) is handled by the CLI instead (`cli/signals.ts`), which exits.
     */
    private interruptUnstopped(): void {
        for (const [child, interrupts] of this.live) {
            if (interrupts === 0) {
                child.kill("SIGINT");
            }
        }
    }

    private start(
        args: string[],
        cwd: string,
        additionalEnv: Environment,
        io: { onOutput?: (data: string) => void; onError?: (data: string) => void; signal?: AbortSignal; input?: string },
    ): Promise<PulumiResult> {
        const argv = args.includes("--non-interactive") ? [...args] : [...args, "--non-interactive"];
        const env: NodeJS.ProcessEnv = { ...process.env, ...additionalEnv, PULUMI_AUTOMATION_API: "true" };
        if (isAbsolute(this.command)) {
            // The bundled plugins next to the CLI win, as with the Automation API.
            env.PATH = `${dirname(this.command)}${delimiter}${additionalEnv.PATH || process.env.PATH || ""}`;
        }
        return new Promise((resolve, reject) => {
            const child = spawn(this.command, argv, { cwd, env, detached: true, stdio: [io.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            let spawnError: Error | undefined;
            child.stdout?.setEncoding("utf8").on("data", (data: string) => {
                stdout += data;
                io.onOutput?.(data);
            });
            child.stderr?.setEncoding("utf8").on("data", (data: string) => {
                stderr += data;
                io.onError?.(data);
            });
            if (io.input !== undefined && child.stdin) {
                // A command that exits before reading its input must not fail the write.
                child.stdin.on("error", () => undefined);
                child.stdin.end(io.input);
            }
            const onAbort = () => this.interrupt(child);
            child.on("spawn", () => {
                this.track(child);
                if (io.signal?.aborted) {
                    onAbort();
                }
            });
            io.signal?.addEventListener("abort", onAbort, { once: true });
            child.on("error", (error) => {
                spawnError = error;
            });
            child.on("close", (code, signalName) => {
                io.signal?.removeEventListener("abort", onAbort);
                this.untrack(child);
                if (spawnError) {
                    reject(this.commandError(this.result("", spawnError.message, UNKNOWN_ERROR_CODE, spawnError)));
                    return;
                }
                const exitCode = code ?? 128 + (signalName ? constants.signals[signalName] : 0);
                const result = this.result(withoutFinalNewline(stdout), withoutFinalNewline(stderr), exitCode);
                if (exitCode === 0) {
                    resolve(result);
                } else {
                    reject(this.commandError(result));
                }
            });
        });
    }

    private track(child: ChildProcess): void {
        if (this.live.size === 0) {
            process.on("exit", this.onExit);
        }
        this.live.set(child, 0);
    }

    private untrack(child: ChildProcess): void {
        if (this.live.delete(child) && this.live.size === 0) {
            process.off("exit", this.onExit);
        }
    }

    private result(stdout: string, stderr: string, code: number, err?: Error): PulumiResult {
        const Result = this.internals.CommandResult;
        return Result ? new Result(stdout, stderr, code, err) : { stdout, stderr, code, ...(err ? { err } : {}) };
    }

    private commandError(result: PulumiResult): Error {
        if (this.internals.createCommandError) {
            return this.internals.createCommandError(result);
        }
        // What commandFailure reads, should a later SDK stop exporting its factory.
        return Object.assign(new Error(`code: ${result.code}\n stdout: ${result.stdout}\n stderr: ${result.stderr}\n`), { name: "CommandError", commandResult: result });
    }
}

/**
 * The CLI the Automation API found, with its commands run by `processes` (the API's `run` is
 * internal, hence replaced on the instance rather than overridden in a subclass).
 */
export function runningThrough(command: PulumiCommand, processes: PulumiProcesses): PulumiCommand {
    Object.defineProperty(command, "run", { value: processes.run.bind(processes), configurable: true, writable: true });
    return command;
}

/** As execa (which the Automation API uses) leaves a command's output: one final newline less. */
function withoutFinalNewline(text: string): string {
    return text.replace(/\r?\n$/, "");
}
