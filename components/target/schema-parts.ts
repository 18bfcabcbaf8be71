import * as z from "zod";

/** The values of a constant object (`{ Gcp: "gcp", … }`) as a zod enum's tuple. */
export function enumValues<T extends Record<string, string>>(set: T): [T[keyof T], ...T[keyof T][]] {
    return Object.values(set) as [T[keyof T], ...T[keyof T][]];
}

/** A non-empty string. */
export const text = z.string().min(1);
/** A whole number, 0 or more. */
export const wholeNumber = z.int().min(0);
/** A list of non-empty strings. */
export const textList = z.array(text);
