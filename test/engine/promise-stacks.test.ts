import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OfflineRunError, runOffline } from "../../engine/offline-engine";
import { KEEP_PROMISE_STACKS_VARIABLES } from "../../engine/promise-stacks";
import { withEnv } from "../support/env";

// The SDK's internal module whose export the offline engine wraps (engine/promise-stacks.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T> };

class Thing extends pulumi.CustomResource {
    constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, args, opts);
    }
}

/** Runs a program of `count` resources, each waiting on the one before, with a spy on the SDK's promise maker: the stack-trace limit of each call the SDK made. */
async function limitsSeenBySdk(count: number): Promise<number[]> {
    const original = debuggable.debuggablePromise;
    const limits: number[] = [];
    debuggable.debuggablePromise = (promise, context) => {
        limits.push(Error.stackTraceLimit);
        return original(promise, context);
    };
    try {
        await runOffline(() => {
            let previous: Thing | undefined;
            for (let index = 0; index < count; index++) {
                previous = new Thing(`thing-${index}`, { after: previous?.urn ?? "none" });
            }
        });
    } finally {
        debuggable.debuggablePromise = original;
    }
    return limits;
}

const NO_KEEP = Object.fromEntries(KEEP_PROMISE_STACKS_VARIABLES.map((name) => [name, undefined]));

describe("offline engine: the SDK's promise stack traces", () => {
    it("are not captured during a run: every promise the SDK makes for 20 resources is made with a stack-trace limit of 0", async () => {
        const limits = await withEnv(NO_KEEP, () => limitsSeenBySdk(20));
        // Each resource makes several (its URN, ID, outputs); the exact number is the SDK's.
        assert.ok(limits.length >= 20 * 3, `only ${limits.length} promises seen`);
        assert.deepEqual([...new Set(limits)], [0]);
    });

    it("are captured again after the run, with the limit the process had", async () => {
        await withEnv(NO_KEEP, () => limitsSeenBySdk(1));
        // The SDK marks the promise it is given and returns another.
        const promise = Promise.resolve(1);
        await debuggable.debuggablePromise(promise, "after the run");
        const trace = (promise as unknown as { _debugStackTrace: string })._debugStackTrace;
        assert.match(trace, /^Error\n {4}at /);
        assert.match(trace, /promise-stacks\.test\.ts/);
    });

    for (const variable of KEEP_PROMISE_STACKS_VARIABLES) {
        it(`are kept with ${variable} set, for the SDK's report of leaked promises`, async () => {
            const limits = await withEnv({ ...NO_KEEP, [variable]: "1" }, () => limitsSeenBySdk(3));
            assert.ok(limits.length > 0);
            assert.deepEqual([...new Set(limits)], [Error.stackTraceLimit]);
        });
    }

    it("a program that throws still says where: its error keeps its whole stack", async () => {
        const failure = await withEnv(NO_KEEP, () =>
            runOffline(function failingProgram() {
                new Thing("before", {});
                throw new Error("the program's own failure");
            }).then(
                () => assert.fail("the run succeeded"),
                (error: unknown) => error,
            ),
        );
        assert.ok(failure instanceof OfflineRunError);
        assert.equal(failure.message, "the program's own failure");
        const stack = (failure.cause as Error).stack ?? "";
        assert.match(stack, /at failingProgram \(.*promise-stacks\.test\.ts:\d+:\d+\)/);
    });

    it("are captured again after a run that an apply's error ended early", async () => {
        const original = debuggable.debuggablePromise;
        const failure = await withEnv(NO_KEEP, () =>
            runOffline(() => {
                const thing = new Thing("early", {});
                thing.urn.apply(() => {
                    throw new Error("the apply's failure");
                });
            }).then(
                () => assert.fail("the run succeeded"),
                (error: unknown) => error,
            ),
        );
        assert.ok(failure instanceof OfflineRunError);
        assert.match(failure.message, /the apply's failure/);
        assert.equal(debuggable.debuggablePromise, original);
    });
});
