import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { cancelOnSignals } from "../../cli/signals";

function harness() {
    const source = new EventEmitter();
    const written: string[] = [];
    const exits: number[] = [];
    const cancellation = cancelOnSignals({ source, write: (text) => written.push(text), exit: (code) => exits.push(code) });
    const state = () => ({
        stopNew: cancellation.stopNew.aborted,
        stopRunning: cancellation.stopRunning.aborted,
        stopNow: cancellation.stopNow.aborted,
        exits: [...exits],
    });
    return { source, written, cancellation, state };
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

    it("stops listening when disposed", () => {
        const { source, cancellation, state } = harness();
        assert.equal(source.listenerCount("SIGINT"), 1);
        cancellation.dispose();
        assert.equal(source.listenerCount("SIGINT") + source.listenerCount("SIGTERM"), 0);
        source.emit("SIGTERM");
        assert.deepEqual(state(), { stopNew: false, stopRunning: false, stopNow: false, exits: [] });
    });
});
