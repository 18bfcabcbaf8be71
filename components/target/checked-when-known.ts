import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../errors";

/**
 * A pass-through argument, checked: a plain value was checked by the planner and is returned as
 * it is; a value known only when the program runs (created in the same program) is checked once
 * known, and a bad one fails the update with the check's one line.
 */
export function checkedWhenKnown(value: pulumi.Input<string>, check: (known: string) => void): pulumi.Input<string> {
    if (typeof value === "string") {
        return value;
    }
    return pulumi.output(value).apply((known) => {
        try {
            check(known);
        } catch (error) {
            throw error instanceof InputError ? new Error(error.message) : error;
        }
        return known;
    });
}
