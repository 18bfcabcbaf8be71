import { InputError } from "../errors";

// Checks of single plain arguments that every cloud's planner shares, so that a JavaScript or
// YAML caller's wrong type or unknown value gets the same one line everywhere.

/** A yes/no argument: `true`, `false`, or unset for `fallback`. */
export function checkFlag(value: boolean | undefined, field: string, fallback: boolean): boolean {
    if (value !== undefined && typeof value !== "boolean") {
        throw new InputError(field, `'${String(value)}' is not true or false`);
    }
    return value ?? fallback;
}

/**
 * An argument with a fixed set of values, or unset for `fallback`: `'X' is not a <what>; allowed: A, B`.
 * `hint` follows the list, for why some value is missing from it.
 */
export function checkOneOf<T extends string>(value: T | undefined, allowed: readonly T[], field: string, what: string, fallback: T, hint = ""): T {
    const chosen = value ?? fallback;
    if (!(allowed as readonly string[]).includes(chosen)) {
        throw new InputError(field, `'${String(chosen)}' is not ${what}; allowed: ${allowed.join(", ")}${hint}`);
    }
    return chosen;
}
