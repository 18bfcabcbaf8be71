// Shared by the cluster modules: the state folder and its paths, errors, logging, running a tool.
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const stateRoot = process.env.E2E_CLUSTER_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-dualstack-istio");

export class UsageError extends Error {}
export class ClusterError extends Error {}

export function paths(name) {
    const clusterDir = path.join(stateRoot, "clusters", name);
    return {
        clusterDir,
        kubeconfig: path.join(clusterDir, "kubeconfig.yaml"),
        logs: path.join(clusterDir, "logs"),
        pids: path.join(clusterDir, "pids"),
        config: path.join(stateRoot, "cluster-configs", `${name}.yaml`),
        record: path.join(stateRoot, "cluster-configs", `${name}.json`),
    };
}

export const log = (msg) => process.stderr.write(`cluster.mjs: ${msg}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Environment for kwokctl: its workdir under our state root, and no stray KWOK_* settings
// from the caller's shell (they would override our configuration).
export function kwokEnv() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("KWOK_")) env[k] = v;
    env.KWOK_WORKDIR = stateRoot;
    return env;
}

export function run(cmd, args, { input, timeoutMs = 60_000, env = process.env, inherit = false, cwd } = {}) {
    const r = spawnSync(cmd, args, {
        input,
        env,
        cwd,
        timeout: timeoutMs,
        encoding: "utf8",
        maxBuffer: 64 << 20,
        stdio: [input === undefined ? "ignore" : "pipe", inherit ? 2 : "pipe", inherit ? 2 : "pipe"],
    });
    if (r.error) return { ok: false, stdout: "", stderr: String(r.error.message) };
    return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export const lastLine = (s) => s.trim().split("\n").filter(Boolean).pop() ?? "";

// One line of a log or an error, cut to a length a terminal line holds.
export function truncated(line) {
    return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
