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

/** A DNS-1123 label: what Kubernetes takes for a namespace's name (at most 63 characters). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain: what Kubernetes takes for most objects' names, a Secret's or a ServiceAccount's (at most 253). */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
