import { parse } from "yaml";
import { stackConfigEntries } from "./stack-config";
import type { ConfigDocument } from "./tenants-file";

/** What a secret is replaced with. */
export const REDACTED = "[secret]";

/** Shorter values are not redacted: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Keys under a kubeconfig user whose values are credentials wherever they sit (but not a file's path). */
const CREDENTIAL_KEY = /token|password|secret|-data$/i;
const FILE_KEY = /file$/i;

/** A text sink that redacts what passes through it, and holds back what could be the start of a secret. */
export interface RedactingSink {
    write(text: string): void;
    /** Writes what was held back. */
    end(): void;
}

/** Secrets are looked up by their first characters (as many as the shortest may have). */
const KEY_LENGTH = MIN_SECRET_LENGTH;

/**
 * Replaces a tenant's secrets in any text about it by {@link REDACTED}: each secret config value
 * (the one place a tenant's secrets come from), its JSON-escaped form, and for a kubeconfig held
 * inline each credential of its users (tokens, passwords, key and certificate data, auth-provider
 * config, exec env values), as they are or JSON-escaped. Where secrets overlap, the longest one
 * starting first is replaced whole.
 */
export class Redactor {
    /**
     * The secrets by a hash of their first {@link KEY_LENGTH} characters, longest first. One
     * pattern of them all would be as long as they are (a 4 MiB kubeconfig), which V8 refuses;
     * this way a text is read once, and only a secret whose first characters are there is compared.
     */
    private readonly byKey = new Map<number, string[]>();
    /** The shorter beginnings of secrets, for the end of a text too short to hash. */
    private readonly beginnings = new Set<string>();

    constructor(secrets: Iterable<string>) {
        const values = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
        for (const secret of values) {
            const key = keyAt(secret, 0);
            const bucket = this.byKey.get(key);
            if (bucket) {
                bucket.push(secret);
            } else {
                this.byKey.set(key, [secret]);
            }
            for (let length = 1; length < KEY_LENGTH; length++) {
                this.beginnings.add(secret.slice(0, length));
            }
        }
    }

    /** A tenant's redactor, from the secret entries of its stack config. */
    static forTenant(document: ConfigDocument): Redactor {
        return new Redactor(secretTexts(document));
    }

    redact(text: string): string {
        return this.byKey.size > 0 ? this.scan(text, true).done : text;
    }

    /**
     * A sink for text that arrives in pieces (a command's output): a secret split across two
     * pieces is still found, since the end of a piece waits for the next only from where a secret
     * could be starting (its characters so far are a secret's first ones); the rest goes at once.
     */
    stream(write: (text: string) => void): RedactingSink {
        let pending = "";
        // The secrets `pending` could be the start of, longest first: only they are compared with
        // the next piece, and only with its new characters (a held kubeconfig is not read again).
        let could: readonly string[] = [];
        return {
            write: (text) => {
                if (this.byKey.size === 0) {
                    write(text);
                    return;
                }
                let settled = "";
                let unread = pending + text;
                if (could.length > 0) {
                    const offset = pending.length;
                    could = could.filter((secret) => secret.length <= offset || secret.startsWith(text.slice(0, secret.length - offset), offset));
                    const [longest] = could;
                    if (longest !== undefined && longest.length > unread.length) {
                        pending = unread;
                        return;
                    }
                    settled = longest !== undefined ? REDACTED : unread.slice(0, 1);
                    unread = unread.slice(longest !== undefined ? longest.length : 1);
                }
                const scanned = this.scan(unread, false);
                pending = scanned.rest;
                could = scanned.could;
                if (settled + scanned.done !== "") {
                    write(settled + scanned.done);
                }
            },
            end: () => {
                if (pending !== "") {
                    write(this.redact(pending));
                    pending = "";
                    could = [];
                }
            },
        };
    }

    /**
     * Reads `text` once, replacing each secret; unless `final`, stops where a secret could be
     * starting but the text ends first, and returns that rest unread with the secrets it could begin.
     */
    private scan(text: string, final: boolean): { done: string; rest: string; could: readonly string[] } {
        let done = "";
        let copied = 0;
        for (let at = 0; at < text.length;) {
            const found = this.secretAt(text, at, final);
            if (typeof found !== "number") {
                return { done: done + text.slice(copied, at), rest: text.slice(at), could: found };
            }
            if (found === 0) {
                at++;
                continue;
            }
            done += text.slice(copied, at) + REDACTED;
            at += found;
            copied = at;
        }
        return { done: done + text.slice(copied), rest: "", could: [] };
    }

    /**
     * The length of the longest secret at `at` (0 for none); or, unless `final`, when a longer one
     * could still be completed by what comes next, the secrets that could (none when the text is
     * too short to say which).
     */
    private secretAt(text: string, at: number, final: boolean): number | readonly string[] {
        const left = text.length - at;
        if (left < KEY_LENGTH) {
            return !final && this.beginnings.has(text.slice(at)) ? [] : 0;
        }
        const bucket = this.byKey.get(keyAt(text, at)) ?? [];
        if (final || (bucket[0]?.length ?? 0) <= left) {
            return bucket.find((secret) => secret.length <= left && text.startsWith(secret, at))?.length ?? 0;
        }
        const tail = text.slice(at);
        const could = bucket.filter((secret) => (secret.length <= left ? text.startsWith(secret, at) : secret.startsWith(tail)));
        const [longest] = could;
        return longest === undefined ? 0 : longest.length > left ? could : longest.length;
    }
}

/** A hash of the {@link KEY_LENGTH} characters at `at` (a collision only costs a comparison). */
function keyAt(text: string, at: number): number {
    let hash = 0;
    for (let index = at; index < at + KEY_LENGTH; index++) {
        hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
    }
    return hash;
}

/** Every text that would give a secret away: each secret value, and the kubeconfigs inside them. */
function secretTexts(document: ConfigDocument): string[] {
    const texts: string[] = [];
    const add = (text: string) => texts.push(text, JSON.stringify(text).slice(1, -1));
    for (const entry of Object.values(stackConfigEntries(document))) {
        if (!entry.secret) {
            continue;
        }
        add(entry.value);
        for (const leaf of stringLeaves(parseJson(entry.value))) {
            const credentials = kubeconfigCredentials(leaf);
            if (credentials.length > 0) {
                add(leaf);
                credentials.forEach(add);
            }
        }
    }
    return texts;
}

/** The credentials of a kubeconfig's users; none when `text` is not a kubeconfig. */
export function kubeconfigCredentials(text: string): string[] {
    let users: unknown;
    try {
        users = (parse(text) as { users?: unknown } | null)?.users;
    } catch {
        return [];
    }
    if (!Array.isArray(users)) {
        return [];
    }
    const found: string[] = [];
    const visit = (value: unknown, path: readonly string[]): void => {
        if (Array.isArray(value) || (value !== null && typeof value === "object")) {
            for (const [key, child] of Object.entries(value)) {
                visit(child, [...path, key]);
            }
        } else if ((typeof value === "string" || typeof value === "number") && isCredential(path)) {
            found.push(String(value));
        }
    };
    for (const entry of users) {
        visit((entry as { user?: unknown } | null)?.user, []);
    }
    return found;
}

function isCredential(path: readonly string[]): boolean {
    const [first, second, , last] = path;
    return (
        (path.some((key) => CREDENTIAL_KEY.test(key)) && !FILE_KEY.test(path[path.length - 1] ?? "")) ||
        (first === "auth-provider" && second === "config") ||
        (first === "exec" && second === "env" && last === "value" && path.length === 4)
    );
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return text;
    }
}

function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(stringLeaves);
    }
    return [];
}
