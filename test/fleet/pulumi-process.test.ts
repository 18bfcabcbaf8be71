import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { commandFailure } from "../../fleet/automation-stacks";
import { PulumiProcesses, type PulumiResult } from "../../fleet/pulumi-process";

// A stand-in CLI: `echo` prints what it was given, `fail` fails as pulumi does on a missing
// stack, `hang` runs until interrupted, recording each SIGINT, and exits 255 a moment after the first.
const SCRIPT = `#!/usr/bin/env node
const fs = require("node:fs");
const [mode] = process.argv.slice(2);
if (mode === "echo") {
    const stdin = process.env.READ_STDIN ? fs.readFileSync(0, "utf8") : null;
    process.stdout.write(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), api: process.env.PULUMI_AUTOMATION_API, path: process.env.PATH, extra: process.env.EXTRA, stdin }) + "\\n");
} else if (mode === "fail") {
    process.stderr.write("warning: x\\nerror: no stack named 'acme' found\\n");
    process.exit(255);
} else if (mode === "hang") {
    process.on("SIGINT", () => {
        fs.appendFileSync(process.env.SIGNALS, "SIGINT\\n");
        setTimeout(() => process.exit(255), 400);
    });
    process.stdout.write("ready " + process.pid + "\\n");
    setInterval(() => undefined, 1000);
}
`;

function fakeCli(): string {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-process-"));
    const command = path.join(bin, "pulumi");
    fs.writeFileSync(command, SCRIPT, { mode: 0o755 });
    return command;
}

function resultOf(error: unknown): PulumiResult {
    return (error as { commandResult: PulumiResult }).commandResult;
}

function processGroup(pid: number): string {
    return execFileSync("ps", ["-o", "pgid=", "-p", String(pid)], { encoding: "utf8" }).trim();
}

/** Starts `hang` and resolves once it is ready for signals, with its pid and how it ended. */
async function hanging(processes: PulumiProcesses, signals: string, signal?: AbortSignal) {
    let ready!: (pid: number) => void;
    const started = new Promise<number>((resolve) => (ready = resolve));
    const ended = processes
        .run(["hang"], os.tmpdir(), { SIGNALS: signals }, (data) => ready(Number(/ready (\d+)/.exec(data)?.[1])), undefined, signal)
        .then(
            () => "exit 0",
            (error: unknown) => `exit ${resultOf(error).code}`,
        );
    return { pid: await started, ended };
}

describe("the fleet's pulumi processes", function () {
    this.timeout(30_000);
    const signalsFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "signals-")), "signals");

    it("runs a command as the Automation API does: --non-interactive, the CLI's folder first on PATH, PULUMI_AUTOMATION_API, the given env and folder", async () => {
        const command = fakeCli();
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "cwd-"));
        const output: string[] = [];
        const result = await new PulumiProcesses(command, automation).run(["echo", "a b"], cwd, { EXTRA: "yes" }, (data) => output.push(data));
        const seen = JSON.parse(result.stdout) as { args: string[]; cwd: string; api: string; path: string; extra: string; stdin: null };
        assert.deepEqual(seen.args, ["echo", "a b", "--non-interactive"]);
        assert.equal(fs.realpathSync(seen.cwd), fs.realpathSync(cwd));
        assert.equal(seen.api, "true");
        assert.equal(seen.extra, "yes");
        assert.equal(seen.path.split(path.delimiter)[0], path.dirname(command));
        assert.equal(result.code, 0);
        assert.ok(result instanceof (automation as unknown as { CommandResult: new () => object }).CommandResult, "the API's own CommandResult");
        assert.equal(output.join(""), `${result.stdout}\n`, "output streamed as it came, the result without its final newline");
    });

    it("feeds standard input exactly", async () => {
        const value = '{"kubeconfig":"apiVersion: v1\\nusers: []\\n"}\n';
        const result = await new PulumiProcesses(fakeCli(), automation).runWithInput(["echo"], os.tmpdir(), value, { READ_STDIN: "1" });
        assert.equal((JSON.parse(result.stdout) as { stdin: string }).stdin, value);
    });

    it("fails with the Automation API's own errors, which commandFailure reads", async () => {
        const processes = new PulumiProcesses(fakeCli(), automation);
        await assert.rejects(processes.run(["fail"], os.tmpdir(), {}), (error: Error) => {
            assert.ok(error instanceof automation.StackNotFoundError, "createOrSelectStack creates a stack only on this one");
            assert.equal(resultOf(error).code, 255);
            assert.equal(commandFailure(error), "no stack named 'acme' found");
            return true;
        });
        await assert.rejects(new PulumiProcesses("/nowhere/pulumi", automation).run(["version"], os.tmpdir(), {}), (error: Error) => {
            assert.ok(error instanceof automation.CommandError);
            assert.equal(resultOf(error).code, -2);
            assert.match(commandFailure(error), /ENOENT/);
            return true;
        });
        assert.equal(processes.running, 0);
    });

    it("runs each command in its own process group, and an abort sends it exactly one SIGINT", async () => {
        const processes = new PulumiProcesses(fakeCli(), automation);
        const signals = signalsFile();
        const abort = new AbortController();
        const { pid, ended } = await hanging(processes, signals, abort.signal);
        assert.equal(processGroup(pid), String(pid), "the leader of its own group");
        assert.notEqual(processGroup(pid), processGroup(process.pid));
        abort.abort();
        assert.equal(await ended, "exit 255");
        assert.equal(fs.readFileSync(signals, "utf8"), "SIGINT\n");
        assert.equal(processes.running, 0);
    });

    it("interruptAll sends each running command one more SIGINT (Pulumi's stop at once)", async () => {
        const processes = new PulumiProcesses(fakeCli(), automation);
        const signals = signalsFile();
        const abort = new AbortController();
        const { ended } = await hanging(processes, signals, abort.signal);
        assert.equal(processes.running, 1);
        abort.abort();
        // Two signals sent at once would merge into one pending signal: the second comes later.
        for (let wait = 0; wait < 100 && !fs.existsSync(signals); wait++) {
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        processes.interruptAll();
        assert.equal(await ended, "exit 255");
        assert.equal(fs.readFileSync(signals, "utf8"), "SIGINT\nSIGINT\n");
    });

    it("a command still running when the CLI exits is told to stop, not left running unwatched", async () => {
        const command = fakeCli();
        const signals = signalsFile();
        const script = [
            `const { PulumiProcesses } = require(${JSON.stringify(path.resolve(__dirname, "../../fleet/pulumi-process"))});`,
            `const processes = new PulumiProcesses(${JSON.stringify(command)}, require("@pulumi/pulumi/automation"));`,
            `processes.run(["hang"], ${JSON.stringify(os.tmpdir())}, { SIGNALS: ${JSON.stringify(signals)} }, () => process.exit(3)).catch(() => undefined);`,
        ].join("\n");
        const status = await new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: path.resolve(__dirname, "../.."), stdio: "ignore" });
            child.on("exit", resolve);
        });
        assert.equal(status, 3);
        for (let wait = 0; wait < 100 && !fs.existsSync(signals); wait++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(fs.readFileSync(signals, "utf8"), "SIGINT\n");
    });

    it("a command started after its cancellation is interrupted at once", async () => {
        const processes = new PulumiProcesses(fakeCli(), automation);
        const abort = new AbortController();
        abort.abort();
        await assert.rejects(processes.run(["hang"], os.tmpdir(), { SIGNALS: signalsFile() }, undefined, undefined, abort.signal));
        assert.equal(processes.running, 0);
    });
});
