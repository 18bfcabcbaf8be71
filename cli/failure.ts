import { ExitCode, InputError, OperationError } from "../components/errors";
import { fileProblem } from "../components/input-files";
import { packageVersion } from "./package-info";

/** How a command that threw ends: its exit code and what to print (not yet made printable). */
export interface FailureReport {
    readonly code: number;
    /** One line each. */
    readonly lines: readonly string[];
    /** A bug's stack, printed whole after the lines when asked for. */
    readonly stack?: string;
}

/**
 * The one place a thrown error becomes an exit code and words, by the contract of every command:
 * bad input (an {@link InputError}, a fleet's list of problems, a path that cannot be used) is
 * exit 2; a failed operation ({@link OperationError}) exit 1; anything else is a bug of this
 * package, `internal:` with where to report it. With `DUALSTACK_ISTIO_DEBUG=1`, a bug's stack is
 * printed, and for a failed operation the stack of what failed inside it.
 */
export function failureReport(error: unknown, env: NodeJS.ProcessEnv = process.env): FailureReport {
    if (error instanceof InputError) {
        return { code: ExitCode.BadInput, lines: [`error: ${error.message}`] };
    }
    // By name, so that commands other than fleet never load the fleet's modules.
    if (error instanceof Error && error.name === "FleetCheckError") {
        return { code: ExitCode.BadInput, lines: (error as Error & { problems: readonly string[] }).problems.map((problem) => `error: ${problem}`) };
    }
    if (error instanceof OperationError) {
        // What failed inside the operation (the offline program's own error) says where it failed.
        const stack = env.DUALSTACK_ISTIO_DEBUG ? innermostStack(error) : undefined;
        return { code: ExitCode.Failed, lines: [`error: ${error.message}`], ...(stack !== undefined ? { stack } : {}) };
    }
    const filesystem = filesystemProblem(error);
    if (filesystem !== undefined) {
        return { code: ExitCode.BadInput, lines: [`error: ${filesystem}`] };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
        code: ExitCode.Failed,
        lines: [
            `error: internal: ${shortened(message.split("\n")[0] ?? "")}`,
            `this is a bug in dualstack-istio ${packageVersion()}; please report it (npm bugs pulumi-dualstack-istio) with the command you ran and this message`,
        ],
        ...(env.DUALSTACK_ISTIO_DEBUG && error instanceof Error && error.stack ? { stack: error.stack } : {}),
    };
}

/** The stack of the last error in a chain of causes that has one. */
function innermostStack(error: Error): string | undefined {
    let stack: string | undefined;
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
        stack = cause.stack ?? stack;
    }
    return stack;
}

/** Errors of the file system that are about the path used (a folder where a file was expected, a read-only or full disk), not a bug. */
const FILESYSTEM_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EEXIST", "EISDIR", "ENOTDIR", "ENOENT", "ELOOP", "ENAMETOOLONG", "EMFILE", "EBUSY"]);

/** A file-system error that escaped its command, as `<path>: <problem>`; a command should have named its flag, and this is the net below it. */
function filesystemProblem(error: unknown): string | undefined {
    const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
    if (typeof path !== "string" || code === undefined || !FILESYSTEM_CODES.has(code)) {
        return undefined;
    }
    return `${path}: ${fileProblem(error)}`;
}

/**
 * A bug's message, cut short: it may quote any input it choked on (a regular expression built from
 * values, say), so only its start is shown; `DUALSTACK_ISTIO_DEBUG=1` shows the whole stack.
 */
function shortened(message: string): string {
    return message.length > 200 ? `${message.slice(0, 200)}… (cut)` : message;
}
