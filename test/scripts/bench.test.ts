import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { missedTargets, renderRows, runCount, scenarios, type Row } from "../../scripts/bench";
import { measure, median, REPO, writeBenchFleet } from "../../scripts/bench-runs";
import { runCli } from "../support/run-cli";

const row = (name: string, base: number, current: number, wallTarget?: number, fleet = false): Row => ({
    scenario: { name, args: [], fleet, wallTarget },
    base: { wallMs: base, cpuMs: base * 2 },
    current: { wallMs: current, cpuMs: current },
});

describe("npm run bench", () => {
    it("measures one run of the compiled bin: what it printed, its wall time and its CPU, from spawn to exit", async function () {
        this.timeout(60_000);
        const tree = { label: "this", folder: REPO, bin: `${REPO}/dist/cli/bin.js` };
        const run = await measure(tree, ["plan", "--json"]);
        assert.equal(run.status, 0);
        assert.equal(run.stdout, (await runCli("plan", "--json")).stdout);
        assert.ok(run.cpuMs > 0 && run.wallMs > 0, JSON.stringify(run));
    });

    it("writes a fleet of tenants shaped like the default config, named in order", () => {
        const document = parse(readFileSync(writeBenchFleet(3), "utf8")) as { defaults: Record<string, unknown>; tenants: { name: string }[] };
        assert.deepEqual(document.tenants, [{ name: "tenant-000" }, { name: "tenant-001" }, { name: "tenant-002" }]);
        assert.equal(document.defaults.cloud, "gcp");
        assert.equal("clusterName" in document.defaults, false);
    });

    it("holds the issue's targets: one plan ≤ 0.8 × and the 200-tenant fleet on every lane ≤ 0.45 × the base's wall time", () => {
        const targets = scenarios("tenants.yaml", 2).filter((scenario) => scenario.wallTarget !== undefined);
        assert.deepEqual(
            targets.map((scenario) => [scenario.args.slice(0, 2), scenario.wallTarget]),
            [
                [["plan"], 0.8],
                [["fleet", "plan"], 0.45],
            ],
        );
        assert.deepEqual(missedTargets([row("plan", 1000, 800, 0.8), row("fleet", 1000, 450, 0.45)]), []);
        assert.deepEqual(missedTargets([row("plan", 1000, 801, 0.8), row("other", 1000, 2000)]), ["plan: wall 0.801 × > the target 0.8 ×"]);
    });

    it("measures the fleet on one lane and on the default lanes (one per core, at most 8), once where there is one core", () => {
        assert.deepEqual(
            scenarios("t.yaml", 2).map((scenario) => scenario.name),
            ["plan (GKE example)", "plan --json", "plan (EKS example)", "fleet plan, 200 tenants, 1 lane", "fleet plan, 200 tenants, 2 lanes (the default)"],
        );
        assert.deepEqual(
            scenarios("t.yaml", 1)
                .map((scenario) => [scenario.name, scenario.args])
                .slice(3),
            [["fleet plan, 200 tenants, 1 lane (the default)", ["fleet", "plan", "t.yaml"]]],
        );
        assert.equal(scenarios("t.yaml", 16)[4].name, "fleet plan, 200 tenants, 8 lanes (the default)");
    });

    it("renders wall and CPU medians side by side with their ratios, and per tenant for a fleet", () => {
        assert.equal(
            renderRows([row("plan", 700, 350), row("fleet plan", 20_000, 8_000, undefined, true)], "64ecf01", "abc1234"),
            [
                "              wall 64ecf01  wall abc1234   ratio  CPU 64ecf01  CPU abc1234   ratio",
                "plan                700 ms        350 ms  0.50 ×      1400 ms       350 ms  0.25 ×",
                "fleet plan          20.0 s       8000 ms  0.40 ×       40.0 s      8000 ms  0.20 ×",
                "  per tenant      100.0 ms       40.0 ms             200.0 ms      40.0 ms",
            ].join("\n"),
        );
        assert.equal(median([3, 1, 2]), 2);
        assert.equal(median([4, 1, 3, 2]), 3);
    });

    it("refuses bad flags in one line naming the flag, exit 2, before building anything", function () {
        this.timeout(60_000);
        assert.equal(runCount("--runs", "15"), 15);
        for (const value of ["0", "x", "1.5", "-3", "10000", ""]) {
            assert.throws(() => runCount("--runs", value), { message: `--runs: '${value}' is not a number of runs; give a whole number from 1 to 9999` });
        }
        const bench = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/bench.ts", "--base", "no-such-commit"], { cwd: REPO, encoding: "utf8" });
        assert.deepEqual(
            { status: bench.status, stdout: bench.stdout, stderr: bench.stderr },
            { status: 2, stdout: "", stderr: "error: --base: 'no-such-commit' is not a commit of this repository\n" },
        );
    });
});
