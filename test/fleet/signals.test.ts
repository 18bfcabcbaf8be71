import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { cancelOnSignals } from "../../cli/signals";

function harness() {
    const source = new EventEmitter();
    const written: string[] = [];
    const exits: number[] = [];
    const hangUps: number[] = [];
    const cancellation = cancelOnSignals({ source, write: (text) => written.push(text), exit: (code) => exits.push(code), hungUp: () => hangUps.push(1) });
    const state = () => ({
        stopNew: cancellation.stopNew.aborted,
        stopRunning: cancellation.stopRunning.aborted,
        stopNow: cancellation.stopNow.aborted,
        exits: [...exits],
    });
    return { source, written, cancellation, state, hangUps };
}

describe("a fleet run's signals (cli/signals)", () => {
    it("SIGINT once: no new tenant, running ones told once to stop at a safe point; no exit", () => {
        const { source, written, state } = harness();
        source.emit("SIGINT");
        assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: false, exits: [] });
        assert.deepEqual(written, ["\ncancelling: no new tenant starts; running ones stop at a safe point (Ctrl-C again to stop at once)\n"]);
    });

    it("SIGINT twice: running ones told again (stop at once), and exit 130", () => {
        const { source, written, cancellation, state } = harness();
        const order: string[] = [];
        cancellation.stopNow.addEventListener("abort", () => order.push("stopNow"));
        source.emit("SIGINT");
        source.emit("SIGINT");
        assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: true, exits: [130] });
        assert.equal(written[1], "\nstopping now; check each running tenant with pulumi stack (and pulumi cancel if it is locked)\n");
        assert.deepEqual(order, ["stopNow"], "the children are told before the exit");
    });

    it("SIGTERM: no new tenant, running ones told to cancel, no exit; a SIGINT after it stops at once", () => {
        const { source, state } = harness();
        source.emit("SIGTERM");
        assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: false, exits: [] });
        source.emit("SIGTERM");
        assert.deepEqual(state().exits, []);
        source.emit("SIGINT");
        assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: true, exits: [130] });
    });

    it("SIGHUP (the terminal closed): as SIGTERM, without a word (the terminal is gone)", () => {
        const { source, written, state, hangUps } = harness();
        source.emit("SIGHUP");
        assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: false, exits: [] });
        assert.deepEqual(written, []);
        assert.deepEqual(hangUps, [1]);
        source.emit("SIGHUP");
        assert.deepEqual(state().exits, [], "a second hang-up changes nothing");
    });

    it("SIGHUP by default stops write errors on stdout and stderr (EIO, EPIPE) from ending the CLI", () => {
        const streams = [process.stdout, process.stderr];
        const before = streams.map((stream) => stream.listeners("error"));
        const source = new EventEmitter();
        const cancellation = cancelOnSignals({ source, write: () => undefined, exit: () => undefined });
        source.emit("SIGHUP");
        try {
            for (const [index, stream] of streams.entries()) {
                assert.equal(stream.listenerCount("error"), before[index].length + 1);
                assert.doesNotThrow(() => stream.emit("error", Object.assign(new Error("write EIO"), { code: "EIO" })));
            }
        } finally {
            cancellation.dispose();
            for (const [index, stream] of streams.entries()) {
                for (const listener of stream.listeners("error").filter((candidate) => !before[index].includes(candidate))) {
                    stream.off("error", listener as (error: Error) => void);
                }
            }
        }
    });

    it("SIGQUIT, and each other signal that would end the CLI: running ones told to cancel, then to stop at once, and exit 128 + its number", () => {
        for (const [signal, code] of [
            ["SIGQUIT", 131],
            ["SIGUSR2", 140],
            ["SIGALRM", 142],
            ["SIGXCPU", 152],
        ] as const) {
            const { source, written, cancellation, state } = harness();
            const order: string[] = [];
            cancellation.stopRunning.addEventListener("abort", () => order.push("stopRunning"));
            cancellation.stopNow.addEventListener("abort", () => order.push("stopNow"));
            source.emit(signal);
            assert.deepEqual(state(), { stopNew: true, stopRunning: true, stopNow: true, exits: [code] }, signal);
            assert.deepEqual(order, ["stopRunning", "stopNow"], "each running pulumi gets its first SIGINT, then its second, before the exit");
            assert.deepEqual(written, ["\nstopping now; check each running tenant with pulumi stack (and pulumi cancel if it is locked)\n"]);
        }
    });

    it("stops listening when disposed", () => {
        const { source, cancellation, state } = harness();
        const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2", "SIGALRM"];
        assert.deepEqual(
            signals.map((signal) => source.listenerCount(signal)),
            signals.map(() => 1),
        );
        cancellation.dispose();
        assert.equal(source.eventNames().length, 0);
        source.emit("SIGTERM");
        source.emit("SIGHUP");
        assert.deepEqual(state(), { stopNew: false, stopRunning: false, stopNow: false, exits: [] });
    });
});
