import { createHash } from "node:crypto";

/**
 * What Pulumi adds to a resource's logical name when it names the cloud resource itself: `-` and
 * 7 random hex digits (pulumi-terraform-bridge `tfbridge.AutoName`, `Randlen: 7`, separator `-`),
 * for the AWS and Google Cloud providers alike. The bridge refuses a name whose prefix plus suffix
 * passes the field's `Maxlen`, but only where the provider declares the cloud's limit.
 */
export const PULUMI_AUTONAME_SUFFIX_LENGTH = 8;

/**
 * `name` if it has at most `room` characters; otherwise its start, `-` and `digestLength` hex
 * digits of its SHA-256, exactly `room` long. The same name always gives the same result, and two
 * names that differ anywhere stay apart however much of them is cut.
 */
export function nameWithin(name: string, room: number, digestLength: number): string {
    if (name.length <= room) {
        return name;
    }
    const tail = `-${createHash("sha256").update(name).digest("hex").slice(0, digestLength)}`;
    if (room <= tail.length) {
        throw new Error(`internal: ${room} characters leave no room for a shortened name`);
    }
    return `${name.slice(0, room - tail.length)}${tail}`;
}
