import { InputError } from "../components/errors";

/** A flag's whole number of at least 1 (`--concurrency 4`), or `fallback` when the flag is absent. */
export function wholeNumberFlag(text: string | undefined, flag: string, fallback: number): number {
    if (text === undefined) {
        return fallback;
    }
    if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new InputError(flag, `expected a whole number of at least 1, got '${text}'`);
    }
    return Number(text);
}
