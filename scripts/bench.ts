// npm run bench [-- --base <commit>] [--runs N] [--fleet-runs N] [--check]
//
// What the compiled CLI costs, as users run it, side by side with the CLI built from another
// commit (default HEAD, so uncommitted work is measured against its commit): wall time and CPU
// (user + system, every thread), medians of runs that alternate between the two, and their ratios.
// Every scenario must print the same on both sides, and scripts/plan-outputs.sh (every example,
// refusals, the example fleet) must write the same bytes; --check also holds the targets.
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { defaultFleetPlanLanes } from "../cli/fleet-plan-lanes";
import { renderTable } from "../cli/table";
import { buildCommit, buildThisTree, commitExists, median, measure, REPO, writeBenchFleet, type BuiltTree, type Measured } from "./bench-runs";

const FLEET_SIZE = 200;

/** A command measured on both sides, and the ratio (this ÷ base) of its wall time it must stay under with --check. */
export interface Scenario {
    readonly name: string;
    readonly args: readonly string[];
    readonly fleet: boolean;
    readonly wallTarget?: number;
}

export function scenarios(fleetFile: string, cores = availableParallelism()): Scenario[] {
    const lanes = defaultFleetPlanLanes(cores);
    const fleet = (count: number) => `fleet plan, ${FLEET_SIZE} tenants, ${count} lane${count === 1 ? "" : "s"}`;
    return [
        { name: "plan (GKE example)", args: ["plan"], fleet: false, wallTarget: 0.8 },
        { name: "plan --json", args: ["plan", "--json"], fleet: false },
        { name: "plan (EKS example)", args: ["plan", "--config", "examples/eks/stack-config.yaml"], fleet: false },
        // One lane, beside the default of one per core, where there is more than one core.
        ...(lanes > 1 ? [{ name: fleet(1), args: ["fleet", "plan", fleetFile, "--concurrency", "1"], fleet: true }] : []),
        { name: `${fleet(lanes)} (the default)`, args: ["fleet", "plan", fleetFile], fleet: true, wallTarget: 0.45 },
    ];
}

/** Medians of a scenario's runs on both sides. */
export interface Row {
    readonly scenario: Scenario;
    readonly base: { readonly wallMs: number; readonly cpuMs: number };
    readonly current: { readonly wallMs: number; readonly cpuMs: number };
}

const shown = (milliseconds: number): string => (milliseconds >= 10_000 ? `${(milliseconds / 1000).toFixed(1)} s` : `${Math.round(milliseconds)} ms`);
const ratio = (current: number, base: number): string => `${(current / base).toFixed(2)} ×`;

/** The table: one row per scenario, wall and CPU of both sides and their ratios; per tenant for fleets. */
export function renderRows(rows: readonly Row[], base: string, current: string): string {
    const header = ["", `wall ${base}`, `wall ${current}`, "ratio", `CPU ${base}`, `CPU ${current}`, "ratio"];
    const lines = rows.flatMap(({ scenario, base: b, current: c }) => {
        const row = [scenario.name, shown(b.wallMs), shown(c.wallMs), ratio(c.wallMs, b.wallMs), shown(b.cpuMs), shown(c.cpuMs), ratio(c.cpuMs, b.cpuMs)];
        const perTenant = (value: number) => `${(value / FLEET_SIZE).toFixed(1)} ms`;
        return scenario.fleet ? [row, ["  per tenant", perTenant(b.wallMs), perTenant(c.wallMs), "", perTenant(b.cpuMs), perTenant(c.cpuMs), ""]] : [row];
    });
    // The name left-aligned, every figure right-aligned.
    return renderTable([header, ...lines], [1, 2, 3, 4, 5, 6]).join("\n");
}

/** Which targets a set of rows misses, as lines; none when every target is met. */
export function missedTargets(rows: readonly Row[]): string[] {
    return rows
        .filter(({ scenario, base, current }) => scenario.wallTarget !== undefined && current.wallMs / base.wallMs > scenario.wallTarget)
        .map(({ scenario, base, current }) => `${scenario.name}: wall ${(current.wallMs / base.wallMs).toFixed(3)} × > the target ${scenario.wallTarget} ×`);
}

async function measureScenario(scenario: Scenario, trees: readonly [BuiltTree, BuiltTree], runs: number): Promise<Row> {
    const samples: Measured[][] = [[], []];
    // One unmeasured run each (the compile cache, the file cache), then runs that alternate.
    const first = [await measure(trees[0], scenario.args), await measure(trees[1], scenario.args)];
    first.forEach((run, side) => {
        if (run.status !== 0) {
            throw new Error(`${scenario.name} failed on ${trees[side].label} (exit ${run.status}): ${run.stderr.split("\n")[0]}`);
        }
    });
    if (first[0].stdout !== first[1].stdout) {
        throw new Error(`${scenario.name}: ${trees[1].label} prints something else than ${trees[0].label}`);
    }
    for (let run = 0; run < runs; run++) {
        for (const side of run % 2 === 0 ? [0, 1] : [1, 0]) {
            samples[side].push(await measure(trees[side], scenario.args));
        }
    }
    const medians = (side: number) => ({ wallMs: median(samples[side].map((run) => run.wallMs)), cpuMs: median(samples[side].map((run) => run.cpuMs)) });
    return { scenario, base: medians(0), current: medians(1) };
}

/** scripts/plan-outputs.sh on both trees, compared byte for byte: the differences, none when identical. */
function outputDifferences(trees: readonly [BuiltTree, BuiltTree]): { files: number; differences: string } {
    const outs = trees.map((tree) => join(tree.folder === REPO ? join(REPO, "node_modules", ".cache", "dualstack-istio-bench") : tree.folder, `outputs-${tree.label}`));
    trees.forEach((tree, side) => execFileSync(join(REPO, "scripts", "plan-outputs.sh"), [outs[side]], { env: { ...process.env, REPO: tree.folder } }));
    const files = Number(execFileSync("sh", ["-c", `find "${outs[1]}" -type f | wc -l`], { encoding: "utf8" }).trim());
    try {
        execFileSync("diff", ["-r", outs[0], outs[1]], { encoding: "utf8" });
        return { files, differences: "" };
    } catch (error) {
        return { files, differences: String((error as { stdout?: string }).stdout ?? error) };
    }
}

/** Bad input to the bench: one line naming the flag, exit 2, before anything is built. */
class BenchInputError extends Error {}

/** A flag's value as a count of runs: a whole number from 1. */
export function runCount(flag: string, value: string): number {
    if (!/^[1-9]\d{0,3}$/.test(value)) {
        throw new BenchInputError(`${flag}: '${value}' is not a number of runs; give a whole number from 1 to 9999`);
    }
    return Number(value);
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            base: { type: "string", default: "HEAD" },
            runs: { type: "string", default: "15" },
            "fleet-runs": { type: "string", default: "3" },
            check: { type: "boolean", default: false },
        },
    });
    const runs = { plan: runCount("--runs", values.runs), fleet: runCount("--fleet-runs", values["fleet-runs"]) };
    if (!commitExists(values.base)) {
        throw new BenchInputError(`--base: '${values.base}' is not a commit of this repository`);
    }
    const trees: [BuiltTree, BuiltTree] = [buildCommit(values.base), buildThisTree()];
    const [base, current] = trees.map((tree) => tree.label);
    process.stdout.write(`bench: ${current} against ${base}, medians, Node ${process.version}, ${availableParallelism()} cores\n\n`);

    const outputs = outputDifferences(trees);
    const fleetFile = writeBenchFleet(FLEET_SIZE);
    const rows: Row[] = [];
    for (const scenario of scenarios(fleetFile)) {
        rows.push(await measureScenario(scenario, trees, scenario.fleet ? runs.fleet : runs.plan));
    }
    process.stdout.write(`${renderRows(rows, base, current)}\n\n`);
    process.stdout.write(
        outputs.differences === ""
            ? `outputs: every scenario prints the same; scripts/plan-outputs.sh writes the same ${outputs.files} files on both sides\n`
            : `outputs differ (scripts/plan-outputs.sh):\n${outputs.differences}\n`,
    );
    const missed = missedTargets(rows);
    process.stdout.write(missed.length === 0 ? "targets: met\n" : `targets missed:\n${missed.map((line) => `  ${line}`).join("\n")}\n`);
    if (values.check && (missed.length > 0 || outputs.differences !== "")) {
        process.exitCode = 1;
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`error: ${message.split("\n")[0]}\n`);
        process.exitCode = error instanceof BenchInputError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? 2 : 1;
    });
}
