// The Pulumi SDK records a stack trace on every promise it makes for a resource, an output or an
// invoke: `debuggablePromise` in sdk/nodejs/runtime/debuggable.ts (`new Error().stack`, formatted
// at once). Those traces serve one report, the promises still pending when a program exits, shown
// only when PULUMI_DEBUG_PROMISE_LEAKS is set. An offline plan makes about 2,000 of them, and
// formatting them is more than half of a warm plan's time. So, for the length of an offline run,
// those promises are made with no frames captured. Every other error keeps its whole stack: a
// program that throws still says where.
//
// The SDK's modules call `debuggable_1.debuggablePromise(...)` through the module's exports, so a
// wrapper put there is what they call. That module is internal to the SDK; if a version no longer
// has it, runs keep the traces (slower, never wrong), and test/engine/promise-stacks.test.ts fails.

interface DebuggableModule {
    debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}

/** The environment variables that keep the traces: the SDK's own for its leak report, and this package's debug switch. */
export const KEEP_PROMISE_STACKS_VARIABLES = ["PULUMI_DEBUG_PROMISE_LEAKS", "DUALSTACK_ISTIO_DEBUG"] as const;

/** The SDK's module, resolved once: `undefined` where this SDK version has no such export. */
const DEBUGGABLE: DebuggableModule | undefined = (() => {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, not in its typings.
        const loaded = require("@pulumi/pulumi/runtime/debuggable") as Partial<DebuggableModule>;
        return typeof loaded.debuggablePromise === "function" ? (loaded as DebuggableModule) : undefined;
    } catch {
        return undefined;
    }
})();

/**
 * Makes the SDK's promises without stack traces until the returned function is called, unless
 * one of {@link KEEP_PROMISE_STACKS_VARIABLES} is set; returns the function that turns them back on.
 */
export function dropPromiseStacks(env: NodeJS.ProcessEnv = process.env): () => void {
    const debuggable = DEBUGGABLE;
    if (debuggable === undefined || KEEP_PROMISE_STACKS_VARIABLES.some((name) => env[name])) {
        return () => undefined;
    }
    const original = debuggable.debuggablePromise;
    debuggable.debuggablePromise = <T>(promise: Promise<T>, context: unknown): Promise<T> => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(promise, context);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    return () => {
        debuggable.debuggablePromise = original;
    };
}
