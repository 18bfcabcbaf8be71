import * as z from "zod";
import { stackConfigSchema } from "./schema";

/** The JSON Schema of one key of the stack config (the subset of draft 2020-12 zod emits). */
export interface KeySchema {
    readonly type?: "object" | "array" | "string" | "boolean" | "integer" | "number";
    readonly description?: string;
    readonly default?: unknown;
    readonly enum?: readonly string[];
    readonly properties?: Readonly<Record<string, KeySchema>>;
    readonly items?: KeySchema;
}

/** One key of the stack config, for docs, suggestions and `--set`. */
export interface ConfigKey {
    /** Dotted path, e.g. `istio.gateway.enabled`. */
    readonly path: string;
    readonly schema: KeySchema;
}

let cachedRoot: KeySchema | undefined;

/** The stack config schema as JSON Schema (what a key accepts, as written). */
export function configJsonSchema(): KeySchema {
    cachedRoot ??= z.toJSONSchema(stackConfigSchema, { io: "input" }) as KeySchema;
    return cachedRoot;
}

/** The schema of the key at `path`, or `undefined` if there is no such key. */
export function keySchemaAt(path: readonly string[]): KeySchema | undefined {
    let node: KeySchema | undefined = configJsonSchema();
    for (const segment of path) {
        node = node?.properties?.[segment];
    }
    return node;
}

/** Every key of the stack config, sections before their keys, in schema order. */
export function allConfigKeys(): ConfigKey[] {
    const keys: ConfigKey[] = [];
    const visit = (node: KeySchema, prefix: string): void => {
        for (const [name, child] of Object.entries(node.properties ?? {})) {
            const path = prefix ? `${prefix}.${name}` : name;
            keys.push({ path, schema: child });
            visit(child, path);
        }
    };
    visit(configJsonSchema(), "");
    return keys;
}
