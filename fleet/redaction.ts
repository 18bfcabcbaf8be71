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

/**
 * Replaces a tenant's secrets in any text about it by {@link REDACTED}: each secret config value
 * (the one place a tenant's secrets come from), its JSON-escaped form, and for a kubeconfig held
 * inline each credential of its users (tokens, passwords, key and certificate data, auth-provider
 * config, exec env values), as they are or JSON-escaped.
 */
export class Redactor {
    private readonly pattern?: RegExp;
    private readonly longest: number;

    constructor(secrets: Iterable<string>) {
        const values = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
        // Longest first, so that a whole value is replaced before any credential inside it.
        this.pattern = values.length > 0 ? new RegExp(values.map(escapeRegExp).join("|"), "g") : undefined;
        this.longest = values[0]?.length ?? 0;
    }

    /** A tenant's redactor, from the secret entries of its stack config. */
    static forTenant(document: ConfigDocument): Redactor {
        return new Redactor(secretTexts(document));
    }

    redact(text: string): string {
        return this.pattern ? text.replace(this.pattern, REDACTED) : text;
    }

    /**
     * A sink for text that arrives in pieces (a command's output): a secret split across two
     * pieces is still found, since the last characters that could begin one wait for the next.
     */
    stream(write: (text: string) => void): RedactingSink {
        let pending = "";
        return {
            write: (text) => {
                const pattern = this.pattern;
                if (!pattern) {
                    write(text);
                    return;
                }
                const buffer = pending + text;
                // A secret starting before `cut` ends inside the buffer, so it is found whole.
                let cut = Math.max(0, buffer.length - (this.longest - 1));
                let out = "";
                let last = 0;
                pattern.lastIndex = 0;
                for (let match = pattern.exec(buffer); match !== null && match.index < cut; match = pattern.exec(buffer)) {
                    out += buffer.slice(last, match.index) + REDACTED;
                    last = match.index + match[0].length;
                }
                cut = Math.max(cut, last);
                out += buffer.slice(last, cut);
                pending = buffer.slice(cut);
                if (out !== "") {
                    write(out);
                }
            },
            end: () => {
                if (pending !== "") {
                    write(this.redact(pending));
                    pending = "";
                }
            },
        };
    }
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

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
