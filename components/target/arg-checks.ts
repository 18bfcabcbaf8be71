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

/** A value of any type as a message shows it: text as it is, anything else as JSON. */
function shown(value: unknown): string {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * A section argument (`gateway: { … }`): unset, or an object with only the `allowed` keys. A
 * JavaScript or YAML caller's typo (`verify: { enable: true }`) is refused rather than ignored.
 */
export function checkSection(value: unknown, allowed: readonly string[], field: string): void {
    if (value === undefined) {
        return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new InputError(field, `'${shown(value)}' is not a section; give ${field} as a map of ${allowed.join(", ")}`);
    }
    const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
        throw new InputError(`${field}.${unknown[0]}`, `unknown key; allowed: ${allowed.join(", ")}`);
    }
}

/** A text argument: unset, or a string. */
export function checkText(value: unknown, field: string): void {
    if (value !== undefined && typeof value !== "string") {
        throw new InputError(field, `'${shown(value)}' is not text`);
    }
}
