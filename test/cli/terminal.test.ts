import assert from "node:assert/strict";
import * as path from "node:path";
import { coloured, colourOn, Progress, progressOn } from "../../cli/terminal";
import { withEnv } from "../support/env";
import { runCliOnTerminal } from "../support/run-cli";

const FLEET = path.resolve(__dirname, "../../examples/fleet/tenants.yaml");
const WIPE = "\r\u001b[2K";

/** Runs the CLI with stderr playing a terminal (or not) and the environment given. */
function onTerminal(tty: boolean, env: Record<string, string | undefined>, ...args: string[]) {
    return withEnv(env, () => runCliOnTerminal(tty, ...args));
}

describe("the CLI on a terminal: progress and colour on stderr, only for a person watching", function () {
    this.timeout(120_000);

    it("colour: on a TTY, unless NO_COLOR is set (any non-empty value) or TERM is dumb", () => {
        assert.equal(colourOn({ stream: { isTTY: true }, env: {} }), true);
        assert.equal(colourOn({ stream: { isTTY: true }, env: { NO_COLOR: "" } }), true);
        assert.equal(colourOn({ stream: { isTTY: true }, env: { NO_COLOR: "1" } }), false);
        assert.equal(colourOn({ stream: { isTTY: true }, env: { TERM: "dumb" } }), false);
        assert.equal(colourOn({ stream: {}, env: {} }), false);
        assert.equal(coloured("warning: x", true), "\u001b[33mwarning:\u001b[39m x");
        assert.equal(coloured("error: x", true), "\u001b[31merror:\u001b[39m x");
        assert.equal(coloured("error: x", false), "error: x");
        assert.equal(coloured("a line that says error: later", true), "a line that says error: later");
    });

    it("progress: on a TTY unless --quiet; one line rewritten in place and wiped when done", () => {
        assert.equal(progressOn({ stream: { isTTY: true }, env: {} }, undefined), true);
        assert.equal(progressOn({ stream: { isTTY: true }, env: {} }, true), false);
        assert.equal(progressOn({ stream: {}, env: {} }, undefined), false);
        let written = "";
        const progress = new Progress((text) => (written += text), true);
        progress.update("one");
        progress.update("two");
        progress.done();
        progress.done();
        assert.equal(written, `${WIPE}one${WIPE}two${WIPE}`);
    });

    it("plan on a terminal says what it is doing on stderr, then wipes it; stdout is the same as piped", async () => {
        const terminal = await onTerminal(true, { NO_COLOR: undefined }, "plan");
        const piped = await onTerminal(false, { NO_COLOR: undefined }, "plan");
        assert.equal(terminal.status, 0, terminal.stderr);
        assert.equal(terminal.stderr, `${WIPE}checking the config…${WIPE}planning dualstack-demo (gcp) offline…${WIPE}`);
        assert.equal(piped.stderr, "");
        assert.equal(terminal.stdout, piped.stdout);
        const quiet = await onTerminal(true, {}, "plan", "--quiet");
        assert.equal(quiet.stderr, "");
    });

    it("fleet plan on a terminal counts the tenants planned", async () => {
        const run = await onTerminal(true, {}, "fleet", "plan", FLEET, "--concurrency", "1");
        assert.equal(run.status, 0, run.stderr);
        assert.equal(
            run.stderr,
            ["planning 4 tenants offline…", ...[1, 2, 3, 4].map((planned) => `planned ${planned} of 4 tenants…`), ""].map((line) => `${WIPE}${line}`).join(""),
        );
    });

    it("warnings in yellow and errors in red on a terminal; plain with NO_COLOR or when piped", async () => {
        const warned = await onTerminal(true, { NO_COLOR: undefined, TERM: "xterm" }, "values", "--istio-version", "1.23.6", "--kubernetes-version", "1.30");
        assert.match(warned.stderr, /^\u001b\[33mwarning:\u001b\[39m --istio-version: Istio 1\.23 reached end of life/);
        const failed = await onTerminal(true, { NO_COLOR: undefined, TERM: "xterm" }, "plan", "--set", "clusterNme=x");
        assert.equal(failed.status, 2);
        assert.match(failed.stderr, /\u001b\[31merror:\u001b\[39m clusterNme: unknown key/);
        const plain = await onTerminal(true, { NO_COLOR: "1" }, "plan", "--set", "clusterNme=x");
        assert.doesNotMatch(plain.stderr, /\u001b\[3/);
        const piped = await onTerminal(false, { NO_COLOR: undefined }, "plan", "--set", "clusterNme=x");
        assert.doesNotMatch(piped.stderr, /\u001b/);
    });
});
