import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kubeconfigText, tempFile } from "../support/fixtures";
import { CLI_BIN } from "../support/run-cli";

const FAKE = path.resolve(__dirname, "support/fake-pulumi.js");
const TENANTS =
    "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: t0\n  - name: t1\n  - name: t2\n";
/** t0 on an existing cluster whose kubeconfig is inline: a secret of thousands of characters, its token `secret-token`. */
const INLINE_KUBECONFIG = kubeconfigText(["kind"]).replace("Zm9v", "Q0E".repeat(1000));
const WITH_INLINE_KUBECONFIG = `${TENANTS.replace("  - name: t0\n", `  - name: t0\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${JSON.stringify(INLINE_KUBECONFIG)}\n`)}`;

async function until(condition: () => boolean, what: string): Promise<void> {
    for (let wait = 0; wait < 600 && !condition(); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(condition(), `timed out waiting for ${what}`);
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");

/**
 * `fleet up` of three tenants, one at a time, by the compiled bin, with a fake `pulumi` on PATH
 * whose update of t0 runs until interrupted and records every signal it gets.
 */
function fleetUp(lingerMs: number, tenants: string = TENANTS) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-bin-"));
    fs.chmodSync(FAKE, 0o755);
    fs.symlinkSync(FAKE, path.join(bin, "pulumi"));
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-state-"));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-work-"));
    const signals = path.join(state, "signals");
    const child = spawn(process.execPath, [CLI_BIN, "fleet", "up", tempFile("tenants.yaml", tenants), "--concurrency", "1", "--work-dir", work], {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
            ...process.env,
            PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
            FAKE_PULUMI_STATE: state,
            FAKE_PULUMI_HANG: "t0",
            FAKE_PULUMI_SIGNALS: signals,
            FAKE_PULUMI_LINGER_MS: String(lingerMs),
            PULUMI_CONFIG_PASSPHRASE: "x",
        },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const runs = path.join(work, "logs", "up");
    const runFolder = () => (fs.existsSync(runs) ? path.join(runs, fs.readdirSync(runs)[0] ?? "") : "");
    /** Resolves once t0's pulumi is updating (and listening for signals). */
    const updating = () => until(() => lines(path.join(runFolder(), "t0.log")).includes("Updating (t0):"), "t0's update");
    const log = () => lines(path.join(runFolder(), "t0.log"));
    return { child, exited, signals, runFolder, updating, log, output: () => ({ stdout, stderr }) };
}

describe("fleet up and signals, end to end (the compiled bin, a fake pulumi)", function () {
    this.timeout(120_000);

    it("one SIGINT to the CLI's own PID: the running pulumi gets exactly one SIGINT and cancels, no other tenant starts, exit 130", async () => {
        const run = fleetUp(500);
        await run.updating();
        process.kill(run.child.pid ?? 0, "SIGINT");
        const code = await run.exited;
        const { stdout, stderr } = run.output();
        assert.equal(code, 130, stdout + stderr);
        assert.equal(lines(run.signals), "SIGINT\n", "one interrupt is one");
        assert.match(stderr, /cancelling: no new tenant starts; running ones stop at a safe point \(Ctrl-C again to stop at once\)/);
        assert.match(stdout, /\[t0\] up cancelled after \d+s: update canceled\n/);
        assert.match(stdout, /\[t1\] skipped: cancelled before it started\n\[t2\] skipped: cancelled before it started\n/);
        assert.match(stdout, /\nt1 +skipped +- +- +-\nt2 +skipped +- +- +-\n/, "no log named for a tenant that never ran");
        assert.match(stdout, /\n1 cancelled, 2 skipped\n {2}t0: update canceled\n$/);
        assert.deepEqual(fs.readdirSync(run.runFolder()), ["t0.log"]);
    });

    it("a second SIGINT: the running pulumi gets its second (stop at once), and the CLI exits 130 at once", async () => {
        const run = fleetUp(5_000);
        await run.updating();
        process.kill(run.child.pid ?? 0, "SIGINT");
        await until(() => lines(run.signals) === "SIGINT\n", "the first interrupt");
        const second = performance.now();
        process.kill(run.child.pid ?? 0, "SIGINT");
        const code = await run.exited;
        const { stdout, stderr } = run.output();
        assert.equal(code, 130, stdout + stderr);
        assert.ok(performance.now() - second < 2_500, "without waiting for the pulumi still running");
        assert.match(stderr, /stopping now; check each running tenant with pulumi stack \(and pulumi cancel if it is locked\)\n$/);
        await until(() => lines(run.signals) === "SIGINT\nSIGINT\n", "the second interrupt");
    });

    it("SIGHUP (terminal closed, ssh dropped): as the first SIGINT; the running pulumi gets exactly one SIGINT and cancels, exit 130", async () => {
        const run = fleetUp(500);
        await run.updating();
        process.kill(run.child.pid ?? 0, "SIGHUP");
        const code = await run.exited;
        const { stdout, stderr } = run.output();
        assert.equal(code, 130, stdout + stderr);
        assert.equal(lines(run.signals), "SIGINT\n");
        assert.equal(stderr, "", "nothing written to a terminal that is gone");
        assert.match(stdout, /\[t0\] up cancelled after \d+s: update canceled\n\[t1\] skipped: cancelled before it started\n\[t2\] skipped: cancelled before it started\n/);
        assert.match(stdout, /\n1 cancelled, 2 skipped\n {2}t0: update canceled\n$/);
    });

    it("SIGQUIT: the running pulumi is told to stop before the CLI exits 131, and t0's log is written out", async () => {
        const run = fleetUp(500);
        await run.updating();
        process.kill(run.child.pid ?? 0, "SIGQUIT");
        const code = await run.exited;
        const { stdout, stderr } = run.output();
        assert.equal(code, 131, stdout + stderr);
        assert.equal(stderr, "\nstopping now; check each running tenant with pulumi stack (and pulumi cancel if it is locked)\n");
        await until(() => lines(run.signals).startsWith("SIGINT\n"), "the interrupt that stops pulumi");
        assert.match(
            run.log(),
            /Updating \(t0\):\n\n# stopped at once: the CLI exited without waiting for pulumi; check the stack \(pulumi stack, and pulumi cancel if it is locked\)\n$/,
        );
    });

    it("a tenant with an inline kubeconfig: its log shows pulumi's output as it comes, and all of it after a second Ctrl-C, never the secret", async () => {
        const run = fleetUp(5_000, WITH_INLINE_KUBECONFIG);
        await run.updating();
        assert.match(run.log(), /^# dualstack-istio fleet up: tenant t0, started \S+\nUpdating \(t0\):\n$/, "nothing held back while pulumi runs");
        process.kill(run.child.pid ?? 0, "SIGINT");
        await until(() => lines(run.signals) === "SIGINT\n", "the first interrupt");
        process.kill(run.child.pid ?? 0, "SIGINT");
        assert.equal(await run.exited, 130);
        const { stdout, stderr } = run.output();
        assert.match(run.log(), /\nUpdating \(t0\):\n\n# stopped at once: /);
        for (const text of [run.log(), stdout, stderr]) {
            assert.ok(!text.includes("secret-token") && !text.includes("Q0EQ0E"), text);
        }
    });
});
