/**
 * A bad input, found before any resource is registered.
 *
 * Every refusal in this package is one of these: it names the offending field (as a dotted path
 * relative to whatever the caller passed in) and says what is wrong and what is allowed, in one
 * line. Callers that nest the input under a larger document (the stack config's `istio.*`, a CLI
 * flag) re-label the field with {@link InputError.under} or {@link InputError.relabel} instead of
 * rewording the message.
 */
export class InputError extends Error {
    /** Dotted path of the offending field, e.g. `gateway.enabled`. */
    readonly field: string;
    /** What is wrong and what is allowed, without the field name. */
    readonly problem: string;

    constructor(field: string, problem: string) {
        super(`${field}: ${problem}`);
        this.name = "InputError";
        this.field = field;
        this.problem = problem;
    }

    /** The same error with its field nested under `prefix` (`hub` under `istio` → `istio.hub`). */
    under(prefix: string): InputError {
        return new InputError(prefix ? `${prefix}.${this.field}` : this.field, this.problem);
    }

    /** The same error with its field renamed, e.g. to the CLI flag that carried it. */
    relabel(field: string): InputError {
        return new InputError(field, this.problem);
    }
}

/** A warning about an input that is allowed but probably not what the user wants. */
export interface InputWarning {
    /** Dotted path of the field the warning is about. */
    readonly field: string;
    /** The warning, without the field name. */
    readonly message: string;
}

/** Formats a warning the way errors are formatted: `<field>: <message>`. */
export function formatWarning(warning: InputWarning): string {
    return `${warning.field}: ${warning.message}`;
}

/**
 * Runs a component's checks and names the component in any refusal (`… (GkeDualStackCluster
 * 'prod')`), so that a stack with many components says which one was given the bad input.
 */
export function checkedFor<T>(component: string, name: string, check: () => T): T {
    try {
        return check();
    } catch (error) {
        if (error instanceof InputError) {
            throw new InputError(error.field, `${error.problem} (${component} '${name}')`);
        }
        throw error;
    }
}

/**
 * An operation that was asked for correctly but failed (the offline program, a tenant's
 * deployment): exit code 1, one line, and not a bug of this package.
 */
export class OperationError extends Error {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "OperationError";
    }
}

/** The exit codes of every command. */
export const ExitCode = {
    Succeeded: 0,
    /** An operation (a tenant, the offline program) failed, or this package has a bug. */
    Failed: 1,
    /** Bad input: refused before anything was done. */
    BadInput: 2,
    /** Cancelled by a signal (128 + SIGINT). */
    Cancelled: 130,
} as const;
