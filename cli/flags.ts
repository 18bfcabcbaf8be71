import { InputError } from "../components/errors";

/**
 * The most any whole-number flag allows unless it says otherwise: each unit of `--concurrency`
 * is a worker thread or a `pulumi` process, so a typo such as 4000 must not start 4000.
 */
export const MAX_WHOLE_NUMBER_FLAG = 64;

/** A flag's whole number from 1 to `max` (`--concurrency 4`), or `fallback` when the flag is absent. */
export function wholeNumberFlag(text: string | undefined, flag: string, fallback: number, max: number = MAX_WHOLE_NUMBER_FLAG): number {
    if (text === undefined) {
        return fallback;
    }
    if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) {
        throw new InputError(flag, `expected a whole number from 1 to ${max}, got '${text}'`);
    }
    return Number(text);
}

/**
 * Pulumi's rule for a stack name (pulumi/pulumi sdk/go/common/tokens, ValidateStackName: "a
 * stack name may only contain alphanumeric, hyphens, underscores, or periods", at most 100):
 * anything else would break the URNs the stack name is part of.
 */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Refuses a stack name Pulumi would refuse (`--stack`), naming the flag. */
export function checkStackName(name: string, flag: string): void {
    if (!STACK_NAME.test(name)) {
        throw new InputError(flag, "expected a Pulumi stack name: 1 to 100 letters, digits, '-', '_' and '.'");
    }
}
