import { Composer, isScalar, LineCounter, Parser, visit, type CST, type Document } from "yaml";
import { InputError } from "./errors";

/**
 * The deepest nesting any input may have. Configs and kubeconfigs are a few levels deep; the
 * `yaml` library itself exhausts the stack (or memory) on some thousands of nested `[`, and so
 * would every recursive walk of the result.
 */
export const MAX_INPUT_DEPTH = 64;

/** Key names that would reach an object's prototype if used as a key; never a config key. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The one refusal of a reserved key name, whichever input it came from (YAML, `--set`, a tenants file, Pulumi config). */
export const RESERVED_KEY_PROBLEM = "is not allowed as a key: __proto__, constructor and prototype are reserved names and never config keys";

/** Throws the {@link RESERVED_KEY_PROBLEM} when `segment` is a reserved key name; `field` names where it was given. */
export function checkKeySegment(segment: string, field: string): void {
    if (RESERVED_KEYS.has(segment)) {
        throw new InputError(field, `'${segment}' ${RESERVED_KEY_PROBLEM}`);
    }
}

/** How {@link parseYamlInput} words its refusals. */
export interface YamlInputOptions {
    /** The field errors are about: the file (`tenants.yaml`) or the key that held the text (`kubeconfig`). */
    readonly field: string;
    /** Put before the problem, e.g. the file a `kubeconfig` key named: `/home/me/kube does not parse…`. */
    readonly subject?: string;
    /** An unquoted `null`, `~` or empty value becomes `null` (documents where null means "unset"). @default false */
    readonly plainNulls?: boolean;
}

/**
 * Parses YAML from any input (a config, a tenants file, a kubeconfig) with every scalar kept as
 * text, in time linear in its size, and refuses one line naming `field` for anything that is not
 * plain data: a syntax error, a key twice in one map, nesting past {@link MAX_INPUT_DEPTH}, an
 * alias bomb, or a reserved key name anywhere.
 */
export function parseYamlInput(content: string, options: YamlInputOptions): unknown {
    const refuse = (problem: string) => new InputError(options.field, options.subject ? `${options.subject} ${problem}` : problem);
    const lines = new LineCounter();
    // Parsed once into the syntax tree, which is measured before the document is composed from it.
    const tokens = [...new Parser(lines.addNewLine).parse(content)];
    if (nestingDepth(tokens) > MAX_INPUT_DEPTH) {
        throw refuse(`does not parse as YAML: nested deeper than ${MAX_INPUT_DEPTH} levels`);
    }
    const { document: parsed, nextDocumentAt } = composeFirstDocument(tokens, content.length);
    const problem = parsed.errors[0];
    if (problem) {
        throw refuse(`does not parse as YAML (line ${lines.linePos(problem.pos[0]).line}): ${firstLine(problem.message)}`);
    }
    if (nextDocumentAt !== undefined) {
        throw refuse(`does not parse as YAML (line ${lines.linePos(nextDocumentAt).line}): it holds more than one document (---); give one`);
    }
    const keyProblem = firstKeyProblem(parsed);
    if (keyProblem) {
        throw refuse(`does not parse as YAML (line ${lines.linePos(keyProblem.offset).line}): ${keyProblem.problem}`);
    }
    if (options.plainNulls) {
        visit(parsed, {
            Scalar(key, node) {
                if (key !== "key" && node.type === "PLAIN" && YAML_NULLS.has(String(node.source ?? node.value))) {
                    node.value = null;
                }
            },
        });
    }
    let value: unknown;
    try {
        // The library's own guard: an alias expanding past 100 nodes ("billion laughs") throws.
        value = parsed.toJS({ maxAliasCount: 100 });
    } catch (error) {
        if (error instanceof ReferenceError && /excessive alias count/i.test(error.message)) {
            throw refuse("does not parse as YAML: its aliases (*name) expand too far; write the values out");
        }
        if (error instanceof ReferenceError) {
            // An alias with no anchor before it.
            throw refuse(`does not parse as YAML: ${firstLine(error.message)}`);
        }
        throw error;
    }
    checkPlainData(value, options.field);
    return value;
}

const YAML_NULLS = new Set(["", "~", "null", "Null", "NULL"]);

/**
 * Refuses a reserved key name or nesting past {@link MAX_INPUT_DEPTH} anywhere in parsed data
 * (YAML, or JSON from Pulumi config), naming its key path under `field`.
 */
export function checkPlainData(value: unknown, field: string): void {
    checkPlainDataAt(value, field, "", 0);
}

function checkPlainDataAt(value: unknown, field: string, path: string, depth: number): void {
    if (value === null || typeof value !== "object") {
        return;
    }
    if (depth >= MAX_INPUT_DEPTH) {
        throw new InputError(field, `nested deeper than ${MAX_INPUT_DEPTH} levels`);
    }
    if (Array.isArray(value)) {
        value.forEach((item, index) => checkPlainDataAt(item, field, `${path}[${index}]`, depth + 1));
        return;
    }
    for (const [key, child] of Object.entries(value)) {
        checkKeySegment(key, path ? `${field}: ${path}` : field);
        checkPlainDataAt(child, field, path ? `${path}.${key}` : key, depth + 1);
    }
}

/**
 * The first document composed from the syntax tree, and where a second one starts if there is
 * one (as the library's `parseDocument` does, from tokens already parsed). The library's own
 * duplicate-key check compares each key with every other (quadratic in a map's size):
 * {@link firstKeyProblem} uses a set per map instead.
 */
function composeFirstDocument(tokens: readonly CST.Token[], length: number): { document: Document; nextDocumentAt?: number } {
    let first: Document | undefined;
    for (const document of new Composer({ schema: "failsafe", uniqueKeys: false }).compose(tokens, true, length)) {
        if (first !== undefined) {
            return { document: first, nextDocumentAt: document.range[0] };
        }
        first = document;
    }
    // compose(…, forceDoc) always yields a document, an empty one for empty input.
    return { document: first as Document };
}

/**
 * The deepest nesting of collections (block and flow alike), measured on the concrete syntax tree
 * that the library's parser builds without recursion, walked here with a stack of our own: the
 * library's composer recurses, and exhausts the stack or memory on deep enough input. Stops
 * counting past {@link MAX_INPUT_DEPTH}.
 */
function nestingDepth(tokens: readonly CST.Token[]): number {
    let deepest = 0;
    const pending = tokens.map((token): [CST.Token | undefined, number] => [token, 0]);
    for (let next = pending.pop(); next !== undefined && deepest <= MAX_INPUT_DEPTH; next = pending.pop()) {
        const [token, depth] = next;
        if (token?.type === "document") {
            pending.push([token.value, depth]);
        } else if (token?.type === "block-map" || token?.type === "block-seq" || token?.type === "flow-collection") {
            deepest = Math.max(deepest, depth + 1);
            for (const item of token.items) {
                pending.push(["key" in item ? (item.key ?? undefined) : undefined, depth + 1], [item.value, depth + 1]);
            }
        }
    }
    return deepest;
}

/** The first key that is not plain, unique text in its map: a list, map or alias as a key, or a key given twice. */
function firstKeyProblem(document: Document): { problem: string; offset: number } | undefined {
    let found: { problem: string; offset: number } | undefined;
    visit(document, {
        Map(_, map) {
            const seen = new Set<string>();
            for (const pair of map.items) {
                if (pair.key !== null && !isScalar(pair.key)) {
                    // The library would turn it into text, with a warning of its own on stderr.
                    found = { problem: "a key is a list, a map or an alias; keys are plain text", offset: (pair.key as { range?: [number] }).range?.[0] ?? 0 };
                    return visit.BREAK;
                }
                const key = pair.key === null ? "" : String(pair.key.value);
                if (seen.has(key)) {
                    found = { problem: `key '${key}' appears twice in one map`, offset: pair.key?.range?.[0] ?? 0 };
                    return visit.BREAK;
                }
                seen.add(key);
            }
            return undefined;
        },
    });
    return found;
}

function firstLine(message: string): string {
    return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}
