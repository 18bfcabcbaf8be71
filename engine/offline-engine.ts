import * as pulumi from "@pulumi/pulumi";
import { dropPromiseStacks } from "./promise-stacks";
import { DEFAULT_SYNTHESIZERS, fallbackSynthesis, type InvokeAnswer, type Synthesizer } from "./synthesis";

/** A JSON value as recorded: secrets, unknowns and resource references already made readable. */
export type RecordedValue = null | boolean | number | string | RecordedValue[] | { [key: string]: RecordedValue };

/** One resource registration, as `pulumi up` would send it to the engine. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** False for component resources (and the stack). */
    readonly custom: boolean;
    /** The parent's URN; `null` only for the stack itself. */
    readonly parent: string | null;
    /** The URN of the explicit provider, `null` for the default provider (or none). */
    readonly provider: string | null;
    /** URNs this resource waits for: explicit `dependsOn` and those implied by its inputs, sorted. */
    readonly dependsOn: readonly string[];
    /** Inputs as sent; secrets appear as `"[secret]"`, unknowns as `"[unknown]"`. */
    readonly inputs: { [key: string]: RecordedValue };
    /** Outputs the engine synthesised (custom resources) or registered (components). */
    outputs: { [key: string]: RecordedValue };
}

/** A message the program logged through `pulumi.log`. */
export interface Diagnostic {
    readonly severity: "warning" | "error";
    readonly message: string;
}

/** Everything one offline run of a program produced. */
export interface OfflineRun {
    /**
     * Every registration, in the order the engine received them. The SDK sends a registration
     * only once its parent's and dependencies' URNs are known, so each resource comes after
     * those it waits for; the order is the same on every run of the same program.
     */
    readonly resources: readonly RecordedResource[];
    /** The program's stack outputs. */
    readonly stackOutputs: { [key: string]: RecordedValue };
    /** Warnings the program logged. Errors fail the run instead. */
    readonly diagnostics: readonly Diagnostic[];
}

/** How to run a program offline. */
export interface OfflineRunOptions {
    /** @default "project" */
    readonly project?: string;
    /** @default "stack" */
    readonly stack?: string;
    /** Stack config, keys as `project:key`. @default {} */
    readonly config?: Readonly<Record<string, string>>;
    /** Outputs per resource type, on top of {@link DEFAULT_SYNTHESIZERS}. @default {} */
    readonly synthesizers?: Readonly<Record<string, Synthesizer>>;
    /** Answers per invoke token; any other invoke fails the run. @default {} */
    readonly invokes?: Readonly<Record<string, InvokeAnswer>>;
}

/** A program failed offline: it threw, or logged errors. */
export class OfflineRunError extends Error {
    /** What the program had registered before it failed. */
    readonly resources: readonly RecordedResource[];

    constructor(message: string, resources: readonly RecordedResource[], cause?: unknown) {
        super(message, { cause });
        this.name = "OfflineRunError";
        this.resources = resources;
    }
}

// The runtime is process-global: one run at a time.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a Pulumi program under the SDK's own mock monitor and records every registration with
 * its type, name, parent, provider, dependencies, inputs and synthesised outputs, as
 * `pulumi up` would send them to the engine. No CLI, plugins, credentials or network.
 */
export function runOffline(program: () => unknown, options: OfflineRunOptions = {}): Promise<OfflineRun> {
    const run = queue.then(() => runExclusively(program, options));
    queue = run.catch(() => undefined);
    return run;
}

interface StructValue {
    toJavaScript(): unknown;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getCustom(): boolean;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }) => void): void };
    getObject(): StructValue | undefined;
}

interface RegisterResponse {
    getUrn(): string;
    getObject(): StructValue | undefined;
}

interface OutputsRequest {
    getUrn(): string;
    getOutputs(): StructValue | undefined;
}

type Callback<T> = (error: unknown, response: T) => void;

interface WrappableMonitor {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(request: RegisterRequest, callback: Callback<RegisterResponse>): Promise<void>;
    registerResourceOutputs(request: OutputsRequest, callback: Callback<unknown>): void;
}

async function runExclusively(program: () => unknown, options: OfflineRunOptions): Promise<OfflineRun> {
    const synthesizers = { ...DEFAULT_SYNTHESIZERS, ...options.synthesizers };
    const invokes = options.invokes ?? {};
    const mocks: pulumi.runtime.Mocks = {
        newResource: ({ type, name, inputs, custom }) => {
            if (custom === false) {
                return { id: undefined, state: {} };
            }
            const synthesize = synthesizers[type] ?? fallbackSynthesis;
            const { id, outputs } = synthesize({ type, name, inputs: inputs as Record<string, unknown> });
            return { id, state: { ...(inputs as Record<string, unknown>), ...outputs } };
        },
        call: ({ token, inputs }) => {
            const answer = invokes[token];
            if (!answer) {
                const message = `the offline engine has no answer for invoke '${token}'`;
                // The SDK reports a failed invoke by its gRPC error's `details`, not its message.
                throw Object.assign(new Error(message), { details: message });
            }
            return answer(inputs as Record<string, unknown>);
        },
    };
    await pulumi.runtime.setMocks(mocks, options.project ?? "project", options.stack ?? "stack", false);
    pulumi.runtime.setAllConfig({ ...options.config });

    const resources: RecordedResource[] = [];
    const byUrn = new Map<string, RecordedResource>();
    const monitor = pulumi.runtime.getMonitor() as unknown as WrappableMonitor;
    monitor.newUrn = (parent, type, name) => engineUrn(options.stack ?? "stack", options.project ?? "project", parent, type, name);
    const registerResource = monitor.registerResource.bind(monitor);
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResource = (request, callback) => {
        const dependencies = new Set(request.getDependenciesList());
        request.getPropertydependenciesMap().forEach((value) => value.getUrnsList().forEach((urn) => dependencies.add(urn)));
        const pending = {
            type: request.getType(),
            name: request.getName(),
            custom: request.getCustom(),
            parent: request.getParent() || null,
            provider: providerUrn(request.getProvider()),
            dependsOn: [...dependencies].sort(),
            inputs: readable(request.getObject()?.toJavaScript() ?? {}) as { [key: string]: RecordedValue },
        };
        // Recorded in request order, which follows dependencies; completion order need not.
        const slot = resources.length;
        resources.push(undefined as unknown as RecordedResource);
        return registerResource(request, (error, response) => {
            if (!error) {
                const record: RecordedResource = {
                    urn: response.getUrn(),
                    ...pending,
                    outputs: pending.custom ? (readable(response.getObject()?.toJavaScript() ?? {}) as { [key: string]: RecordedValue }) : {},
                };
                resources[slot] = record;
                byUrn.set(record.urn, record);
            }
            callback(error, response);
        });
    };
    monitor.registerResourceOutputs = (request, callback) => {
        const record = byUrn.get(request.getUrn());
        if (record) {
            record.outputs = readable(request.getOutputs()?.toJavaScript() ?? {}) as { [key: string]: RecordedValue };
        }
        registerResourceOutputs(request, callback);
    };

    const diagnostics: Diagnostic[] = [];
    const errors: string[] = [];
    const restoreConsole = captureRuntimeLog(diagnostics, errors);
    const restorePromiseStacks = dropPromiseStacks();
    // As the real language host, the first unhandled error ends the program (an `apply` that
    // throws, say): what waits on the value it would have produced would otherwise wait forever.
    let endRun: (reason: unknown) => void = () => undefined;
    let endedEarly = false;
    const unhandled = new Promise<never>((_, reject) => (endRun = reject));
    unhandled.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        errors.push(reason instanceof Error ? reason.message : String(reason));
        endedEarly = true;
        endRun(reason);
    };
    process.on("unhandledRejection", onRejection);
    let failure: unknown;
    try {
        await Promise.race([pulumi.runtime.runInPulumiStack(async () => (await program()) as pulumi.Inputs | undefined), unhandled]);
    } catch (error) {
        failure = error;
    } finally {
        // Registrations still in flight must land (or fail) before the run is judged; after an
        // unhandled error some never will (they wait on the value that failed), so not past one.
        await Promise.race([pulumi.runtime.disconnect().catch((error: unknown) => errors.push(String(error))), unhandled.catch(() => undefined)]);
        // Node reports unhandled rejections once the microtasks are done: let the last ones arrive.
        await new Promise((resolve) => setImmediate(resolve));
        // After an early end, what still fails of this run has nowhere else to go: the listener
        // stays (it only records into this finished run), so the process does not crash on it.
        if (!endedEarly) {
            process.off("unhandledRejection", onRejection);
        }
        restoreConsole();
        restorePromiseStacks();
    }
    const recorded = resources.filter((resource) => resource !== undefined);
    if (failure !== undefined) {
        const message = failure instanceof Error ? failure.message : JSON.stringify(failure);
        throw new OfflineRunError(message, recorded, failure);
    }
    if (errors.length > 0) {
        throw new OfflineRunError(errors.join("\n"), recorded);
    }
    const stack = recorded.find((resource) => resource.type === "pulumi:pulumi:Stack");
    return { resources: recorded, stackOutputs: stack?.outputs ?? {}, diagnostics };
}

/**
 * The URN the real engine gives: the parent's full type chain (the root stack left out) joined
 * with `$`. The mock monitor keeps only the parent's last type and keeps the stack, so plans made
 * with it would show URNs that `pulumi up` never produces.
 */
function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualifiedType = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** A provider reference is `<urn>::<id>`; the URN is what identifies it in a plan. */
function providerUrn(reference: string): string | null {
    if (!reference) {
        return null;
    }
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : reference;
}

/** Turns the wire format's signatures (secrets, unknowns, references, assets) into readable values. */
function readable(value: unknown): RecordedValue {
    if (value === pulumi.runtime.unknownValue) {
        return "[unknown]";
    }
    if (value === null || value === undefined) {
        return null;
    }
    if (Array.isArray(value)) {
        return value.map(readable);
    }
    if (typeof value === "object") {
        const object = value as Record<string, unknown>;
        switch (object[pulumi.runtime.specialSigKey]) {
            case pulumi.runtime.specialSecretSig:
                return "[secret]";
            case pulumi.runtime.specialResourceSig:
                return String(object.urn);
            case pulumi.runtime.specialAssetSig:
            case pulumi.runtime.specialArchiveSig:
                return readable(object.path ?? object.uri ?? object.text ?? "[asset]");
            default:
                return Object.fromEntries(
                    Object.keys(object)
                        .sort()
                        .map((key) => [key, readable(object[key])]),
                );
        }
    }
    return value as RecordedValue;
}

/**
 * Without an engine, `pulumi.log.warn`/`error` write `warning: [runtime] …` / `error: [runtime] …`
 * to the console (the SDK offers no hook under mocks), so that is where they are collected.
 */
function captureRuntimeLog(diagnostics: Diagnostic[], errors: string[]): () => void {
    const { warn, error } = console;
    console.warn = (...args: unknown[]) => {
        const line = args.map(String).join(" ");
        if (line.startsWith("warning: [runtime] ")) {
            diagnostics.push({ severity: "warning", message: line.slice("warning: [runtime] ".length) });
        } else {
            warn(...args);
        }
    };
    console.error = (...args: unknown[]) => {
        const line = args.map(String).join(" ");
        if (line.startsWith("error: [runtime] ")) {
            errors.push(line.slice("error: [runtime] ".length));
        } else {
            error(...args);
        }
    };
    return () => {
        console.warn = warn;
        console.error = error;
    };
}
