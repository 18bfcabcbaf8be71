// The parts of `npm run bench` that build and run a CLI: a commit's tree built as users get it
// (compiled, no ts-node), and one run of its bin measured for wall time and CPU.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { DEFAULT_PLAN_CONFIG } from "../program/default-config";

export const REPO = resolve(__dirname, "..");
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

/** A built tree: where it is, and its bin as its package.json names it. */
export interface BuiltTree {
    readonly label: string;
    readonly folder: string;
    readonly bin: string;
}

function binOf(folder: string, label: string): BuiltTree {
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { bin: Record<string, string> };
    return { label, folder, bin: join(folder, manifest.bin["dualstack-istio"]) };
}

/** This checkout, built as `npm run build` builds it. */
export function buildThisTree(): BuiltTree {
    execFileSync(process.execPath, [TSC, "-p", "tsconfig.build.json"], { cwd: REPO, stdio: "inherit" });
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
    const changed = execFileSync("git", ["status", "--porcelain"], { cwd: REPO, encoding: "utf8" }).trim() !== "";
    return binOf(REPO, changed ? `${head}+changes` : head);
}

/** Whether a revision names a commit of this repository. */
export function commitExists(revision: string): boolean {
    return spawnSync("git", ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`], { cwd: REPO }).status === 0;
}

/**
 * A commit's tree, extracted with `git archive` (no worktree to register or remove) into
 * node_modules/.cache and built there once per commit. It uses this checkout's node_modules, so
 * both sides run on the same dependencies and only the package's own code differs.
 */
export function buildCommit(revision: string): BuiltTree {
    const commit = execFileSync("git", ["rev-parse", "--verify", `${revision}^{commit}`], { cwd: REPO, encoding: "utf8" }).trim();
    const folder = join(REPO, "node_modules", ".cache", "dualstack-istio-bench", commit);
    const built = join(folder, ".built");
    if (!existsSync(built)) {
        rmSync(folder, { recursive: true, force: true });
        mkdirSync(folder, { recursive: true });
        execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${folder}"`], { cwd: REPO });
        symlinkSync(join(REPO, "node_modules"), join(folder, "node_modules"));
        execFileSync(process.execPath, [TSC, "-p", "tsconfig.build.json"], { cwd: folder, stdio: "inherit" });
        writeFileSync(built, `${commit}\n`);
    }
    return binOf(folder, commit.slice(0, 7));
}

/** One run of a bin: its wall time and CPU (user + system, every thread), and what it printed. */
export interface Measured {
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Reports the process's CPU time on file descriptor 3 at its `exit` event; loaded with `-r` on both
 * sides alike. What runs after that event (Node writing its compile cache) is in the wall time only.
 */
const CPU_PROBE = `process.on("exit", () => { const { user, system } = process.cpuUsage(); require("fs").writeSync(3, String((user + system) / 1000)); });\n`;
let cpuProbeFile: string | undefined;

/** The probe's file, written once per bench. */
function cpuProbe(): string {
    if (cpuProbeFile === undefined) {
        cpuProbeFile = join(mkdtempSync(join(tmpdir(), "bench-probe-")), "cpu-probe.js");
        writeFileSync(cpuProbeFile, CPU_PROBE);
    }
    return cpuProbeFile;
}

/** Runs `node <bin> ...args` in `cwd` and measures it, from spawn to exit. */
export function measure(tree: BuiltTree, args: readonly string[], cwd = REPO): Promise<Measured> {
    const probe = cpuProbe();
    return new Promise((done, failed) => {
        const start = performance.now();
        const child = spawn(process.execPath, ["-r", probe, tree.bin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe", "pipe"] });
        const chunks: Record<"stdout" | "stderr" | "cpu", Buffer[]> = { stdout: [], stderr: [], cpu: [] };
        child.stdout?.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
        (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => chunks.cpu.push(chunk));
        child.on("error", failed);
        child.on("close", (status) => {
            done({
                wallMs: performance.now() - start,
                cpuMs: Number(Buffer.concat(chunks.cpu).toString()),
                status,
                stdout: Buffer.concat(chunks.stdout).toString(),
                stderr: Buffer.concat(chunks.stderr).toString(),
            });
        });
    });
}

/** Writes a tenants file of `count` tenants shaped like the default plan config (each cluster named after its tenant), and returns its path. */
export function writeBenchFleet(count: number): string {
    const defaults: Record<string, unknown> = { ...DEFAULT_PLAN_CONFIG };
    delete defaults.clusterName;
    const tenants = Array.from({ length: count }, (_, index) => ({ name: `tenant-${String(index).padStart(3, "0")}` }));
    const file = join(mkdtempSync(join(tmpdir(), "bench-fleet-")), "tenants.yaml");
    writeFileSync(file, stringify({ defaults, tenants }));
    return file;
}

/** The middle value (the upper middle of an even count). */
export function median(values: readonly number[]): number {
    if (values.length === 0) {
        throw new Error("no values");
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}
