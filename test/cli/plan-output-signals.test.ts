import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fleetPlanCommand } from "../../cli/fleet-plan-command";
import { PLAN_MANIFEST } from "../../cli/plan-output";

import { folderEntries as contents, stagingLeft, tempFolder as tempFolderWith } from "../support/plan-output";
import { CLI_BIN } from "../support/run-cli";

const tempFolder = () => tempFolderWith("plan-output-signals-");

/** A tenants file of `count` GCP tenants, t0 … t<count - 1>. */
function tenantsFile(folder: string, count: number): string {
    const file = path.join(folder, `tenants-${count}.yaml`);
    const names = Array.from({ length: count }, (_, index) => `  - name: t${index}\n`).join("");
    fs.writeFileSync(file, `defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n${names}`);
    return file;
}

/**
 * `fleet plan FILE --out OUT --concurrency 2`, the compiled bin (dist/cli/bin.js, its lanes compiled
 * worker threads) in a process of its own, sent `signal` once its staging folder holds a few
 * tenants' partial plans (worker lanes still writing).
 */
async function interruptedFleetPlan(
    file: string,
    out: string,
    signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI_BIN, "fleet", "plan", file, "--out", out, "--concurrency", "2"], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, killed) => resolve({ code, signal: killed })));
    const staged = () => stagingLeft(out).flatMap((name) => fs.readdirSync(path.join(out, name))).length;
    for (let wait = 0; wait < 1200 && staged() < 3 && child.exitCode === null; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(staged() >= 3, `the run staged tenants before it was sent ${signal}: ${stdout}${stderr}`);
    child.kill(signal);
    return { ...(await exited), stdout, stderr };
}

describe("plan --out and signals, end to end (the compiled bin, worker lanes)", function () {
    this.timeout(180_000);

    it("SIGINT while fleet plan --out writes: exit 130, nothing printed, no staging folder, the previous output byte for byte", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await fleetPlanCommand(tenantsFile(root, 2), { out, concurrency: "1" });
        const before = contents(out);
        const run = await interruptedFleetPlan(tenantsFile(root, 120), out, "SIGINT");
        assert.deepEqual(run, { code: 130, signal: null, stdout: "", stderr: "" });
        assert.deepEqual(stagingLeft(out), []);
        assert.deepEqual(contents(out), before);
    });

    it("SIGTERM into a folder the run created: exit 143, and the folder and the parents it created are gone", async () => {
        const root = tempFolder();
        const file = tenantsFile(root, 120);
        const run = await interruptedFleetPlan(file, path.join(root, "new", "deeper", "out"), "SIGTERM");
        assert.deepEqual(run, { code: 143, signal: null, stdout: "", stderr: "" });
        assert.deepEqual(fs.readdirSync(root), [path.basename(file)]);
    });

    it("a run killed outright (SIGKILL) leaves its staging folder; the next successful run removes it", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        const run = await interruptedFleetPlan(tenantsFile(root, 120), out, "SIGKILL");
        assert.equal(run.signal, "SIGKILL");
        assert.equal(stagingLeft(out).length, 1);
        await fleetPlanCommand(tenantsFile(root, 2), { out, concurrency: "1" });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "fleet.json", "t0", "t1"]);
    });
});
