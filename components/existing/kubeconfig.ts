import { InputError } from "../errors";
import { checkInputSize, INPUT_LIMITS, readInputFile, resolveInputPath } from "../input-files";
import { refuseCredentials } from "../network/urls";
import { parseYamlInput } from "../yaml-input";

/** The part of a kubeconfig a Kubernetes provider will use. */
export interface SelectedKubeconfig {
    /** The kubeconfig text (read from the file when a path was given). */
    readonly content: string;
    /** The context to use: the one asked for, else `current-context`, else the only one. */
    readonly context: string;
    /** The API server of that context's cluster. */
    readonly server: string;
    /** The file it came from; `undefined` when the content was given inline. */
    readonly path?: string;
}

interface Named<T> {
    readonly name?: unknown;
    readonly cluster?: T;
    readonly context?: T;
    readonly user?: T;
}

/**
 * True when `kubeconfig` is the kubeconfig itself rather than a path to one: several lines, a
 * flow collection, or a line that starts as a YAML key does (`apiVersion: v1`, `clusters: […]`).
 * Content taken for a path would be echoed in the error of a failed read, credentials and all.
 */
export function isInlineKubeconfig(kubeconfig: string): boolean {
    return kubeconfig.includes("\n") || /^\s*(?:[{[]|[\w.-]+:\s)/.test(kubeconfig);
}

/**
 * Reads a kubeconfig given as a path (`~` allowed, relative to the working directory) or as its
 * content, and selects a context: `context` if given, else `current-context`, else the only one.
 * Every problem is an {@link InputError} on `field` (or on `contextField` for the context).
 */
export function selectKubeconfig(kubeconfig: string, context: string | undefined, field: string, contextField: string): SelectedKubeconfig {
    const inline = isInlineKubeconfig(kubeconfig);
    const path = inline ? undefined : resolveInputPath(kubeconfig, process.cwd());
    if (inline) {
        checkInputSize(kubeconfig, INPUT_LIMITS.kubeconfig, field);
    }
    const content = inline ? kubeconfig : readKubeconfigFile(path as string, field);
    const where = path ? `${path}` : "the kubeconfig";
    const document = parseYamlInput(content, { field, subject: where });
    if (document === null || typeof document !== "object" || Array.isArray(document)) {
        throw new InputError(field, `${where} is not a kubeconfig: expected a map with clusters, contexts and users`);
    }
    const config = document as Record<string, unknown>;
    const contexts = namedList<{ cluster?: unknown; user?: unknown }>(config.contexts, "contexts", where, field);
    const clusters = namedList<{ server?: unknown }>(config.clusters, "clusters", where, field);
    const users = config.users === undefined ? [] : namedList(config.users, "users", where, field);

    const names = contexts.map((entry) => String(entry.name));
    const current = typeof config["current-context"] === "string" && config["current-context"] !== "" ? config["current-context"] : undefined;
    const chosen = context ?? current ?? (names.length === 1 ? names[0] : undefined);
    if (chosen === undefined) {
        throw new InputError(contextField, `required: ${where} has no current-context; choose one of ${names.join(", ") || "(none)"}`);
    }
    const entry = contexts.find((candidate) => candidate.name === chosen)?.context;
    if (!entry) {
        throw new InputError(context === undefined ? field : contextField, `context '${chosen}' is not in ${where}; it has ${names.length ? names.join(", ") : "no contexts"}`);
    }
    const cluster = clusters.find((candidate) => candidate.name === entry.cluster)?.cluster;
    if (typeof cluster?.server !== "string" || cluster.server === "") {
        throw new InputError(field, `context '${chosen}' names cluster ${JSON.stringify(entry.cluster)}, which ${where} does not define with a server`);
    }
    try {
        // The server is printed in plans and registered as an output, so it must hold no secret.
        refuseCredentials(cluster.server, field, "give the user's token or client certificate under users:, not in the server URL");
    } catch (error) {
        throw error instanceof InputError ? new InputError(field, `the server of context '${chosen}' in ${where} ${error.problem}`) : error;
    }
    if (entry.user !== undefined && !users.some((candidate) => candidate.name === entry.user)) {
        throw new InputError(field, `context '${chosen}' names user ${JSON.stringify(entry.user)}, which ${where} does not define`);
    }
    return { content, context: chosen, server: cluster.server, ...(path ? { path } : {}) };
}

function readKubeconfigFile(path: string, field: string): string {
    try {
        return readInputFile(path, field, INPUT_LIMITS.kubeconfig);
    } catch (error) {
        // Only a missing or unreadable file may have been meant as content.
        if (error instanceof InputError && error.problem.startsWith("cannot read")) {
            throw new InputError(field, `${error.problem}; give a kubeconfig path or the kubeconfig content`);
        }
        throw error;
    }
}

function namedList<T>(value: unknown, key: string, where: string, field: string): Named<T>[] {
    if (!Array.isArray(value) || value.length === 0) {
        throw new InputError(field, `${where} is not a kubeconfig: it has no ${key}`);
    }
    for (const item of value) {
        if (item === null || typeof item !== "object" || typeof (item as Named<T>).name !== "string") {
            throw new InputError(field, `${where} is not a kubeconfig: every entry of ${key} needs a name`);
        }
    }
    return value as Named<T>[];
}
