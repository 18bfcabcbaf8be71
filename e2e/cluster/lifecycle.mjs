// The commands' work: up (restarting components that exit meanwhile), down and status.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { ClusterError, kwokEnv, lastLine, log, paths, run, truncated } from "./common.mjs";
import { buildTools, kwokctlDocuments, NODE_NAMES, nodeManifest, recordedTools } from "./config.mjs";
import { kubectl, readyzReason, unhealthyReason, waitFor } from "./health.mjs";
import { lockHolder, withClusterLock, withCreateLock } from "./locks.mjs";
import { clusterProcesses, describe, missingComponents, procStat, stopClusterProcesses } from "./processes.mjs";

// Stops everything of the cluster and removes its state; the caller holds the cluster lock.
async function teardown(opts, { quiet = false } = {}) {
    const p = paths(opts.name);
    // Our own stop first (SIGTERM, then SIGKILL), while kwokctl's pid files still exist.
    let stopped = await stopClusterProcesses(p);
    const tools = recordedTools(p);
    if (tools && fs.existsSync(path.join(p.clusterDir, "kwok.yaml"))) {
        // Lets kwokctl remove what it made (its components are already stopped).
        const r = run(tools.kwokctl, ["delete", "cluster", "--name", opts.name], { env: kwokEnv(), timeoutMs: 60_000 });
        if (!r.ok && !quiet) log(`kwokctl delete cluster: ${lastLine(r.stderr)} (cleaning up directly)`);
    }
    stopped += await stopClusterProcesses(p);
    fs.rmSync(p.clusterDir, { recursive: true, force: true });
    fs.rmSync(p.config, { force: true });
    fs.rmSync(p.record, { force: true });
    // Verify before reporting down.
    const left = clusterProcesses(p);
    if (left.size > 0) throw new ClusterError(`cluster ${opts.name} still has processes: ${describe(left)}`);
    return stopped;
}

export async function down(opts) {
    return withClusterLock(opts.name, "down", 120, () => teardown(opts));
}

export async function up(opts) {
    // Held for the whole `up`: a `down` of this name waits for (and aborts) it, never races it.
    return withClusterLock(opts.name, "up", 2 * opts.timeout + 600, () => upLocked(opts));
}

async function upLocked(opts) {
    const p = paths(opts.name);
    const tools = buildTools();
    const procs = clusterProcesses(p);
    if (fs.existsSync(p.clusterDir) || procs.size > 0) {
        if (unhealthyReason(tools, p) === undefined && missingComponents(procs).length === 0) {
            log(`cluster ${opts.name} is already up`);
            return p.kubeconfig;
        }
        log(`cluster ${opts.name} exists but is not healthy; recreating it`);
        await teardown(opts, { quiet: true });
    }
    return withCreateLock(600, async () => {
        fs.mkdirSync(path.dirname(p.config), { recursive: true });
        fs.writeFileSync(
            p.config,
            kwokctlDocuments(tools)
                .map((document) => (typeof document === "string" ? document : YAML.stringify(document)))
                .join("\n---\n"),
        );
        fs.writeFileSync(p.record, JSON.stringify({ name: opts.name, tools, created: new Date().toISOString() }, null, 2));
        const started = Date.now();
        try {
            log(`creating cluster ${opts.name} in ${p.clusterDir}`);
            const created = run(
                tools.kwokctl,
                ["create", "cluster", "--name", opts.name, "--config", p.config, "--runtime", "binary", "--kubeconfig=", `--timeout=${opts.timeout}s`, "--quiet-pull"],
                { env: kwokEnv(), timeoutMs: (opts.timeout + 30) * 1000, inherit: true },
            );
            if (!created.ok) throw new ClusterError(`kwokctl create cluster ${opts.name} failed`);
            if (!fs.existsSync(p.kubeconfig)) throw new ClusterError(`kwokctl did not write ${p.kubeconfig}`);
            // kwokctl never restarts a component that exits; we do, until the cluster is ready.
            const restarts = new Map();
            await waitFor("kube-apiserver /readyz", opts.timeout, () => {
                restartExited(tools, p, opts, restarts, { apiserverReady: false });
                const r = kubectl(tools, p, ["get", "--raw", "/readyz"], { timeoutMs: 15_000 });
                return r.ok ? undefined : readyzReason(r);
            });
            // Retried: under load a request can time out (and may still have created a node).
            await waitFor("kwok nodes created", opts.timeout, () => {
                const exists = kubectl(tools, p, ["get", "nodes", "-o", "name"]);
                if (!exists.ok) return `list nodes: ${lastLine(exists.stderr)}`;
                const have = new Set(
                    exists.stdout
                        .trim()
                        .split("\n")
                        .map((l) => l.replace(/^node\//, "")),
                );
                if (NODE_NAMES.every((n) => have.has(n))) return undefined;
                const manifest = JSON.parse(nodeManifest());
                manifest.items = manifest.items.filter((n) => !have.has(n.metadata.name));
                const r = kubectl(tools, p, ["create", "-f", "-"], { input: JSON.stringify(manifest) });
                return r.ok ? undefined : `creating kwok nodes: ${lastLine(r.stderr)}`;
            });
            await waitFor("2 Ready dual-stack nodes", opts.timeout, () => {
                restartExited(tools, p, opts, restarts, { apiserverReady: true });
                const missing = missingComponents(clusterProcesses(p));
                return missing.length ? `not running: ${missing.join(", ")}` : unhealthyReason(tools, p);
            });
        } catch (e) {
            // Stop the processes but keep the directory, so its logs can be read; the next
            // `up` or `down` removes it.
            run(tools.kwokctl, ["stop", "cluster", "--name", opts.name], { env: kwokEnv(), timeoutMs: 60_000 });
            await stopClusterProcesses(p).catch((e2) => log(e2.message));
            throw new ClusterError(`${e.message} (logs: ${p.logs})`);
        }
        log(`cluster ${opts.name} is up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return p.kubeconfig;
    });
}

// kwokctl's binary runtime starts all components at once and never restarts one that exits.
// Under CPU load that loses the controller-manager: it waits a fixed 10 s (no flag changes it)
// for the apiserver's /healthz after winning its lease, then exits, and nodes never get
// podCIDRs. So while `up` waits for the cluster, a component that exited is started again
// through `kwokctl start cluster` (which starts only the components it finds not running), at
// most MAX_RESTARTS times each. Components that talk to the apiserver are only restarted once
// it is ready (before, they would just fail again).
const MAX_RESTARTS = 3;
const APISERVER_CLIENTS = new Set(["kube-controller-manager", "kube-scheduler", "kwok-controller"]);

// The last line of a component's log, shortened, or "" (for one-line messages).
function lastLogLine(file) {
    let text = "";
    try {
        const fd = fs.openSync(file, "r");
        try {
            const size = fs.fstatSync(fd).size;
            const buf = Buffer.alloc(Math.min(size, 4096));
            fs.readSync(fd, buf, 0, buf.length, size - buf.length);
            text = buf.toString("utf8");
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return "";
    }
    return truncated(lastLine(text).replace(/\s+/g, " "));
}

// A controller-manager or scheduler whose log ends with one of these has given up: it exits
// within klog's 10 s flush timeout. One still there (and silent) 15 s later is stuck.
const GAVE_UP = /leaderelection lost|Error building controller context/i;
function gaveUp(logFile) {
    try {
        if (Date.now() - fs.statSync(logFile).mtimeMs < 15_000) return false;
    } catch {
        return false;
    }
    return GAVE_UP.test(lastLogLine(logFile));
}

function restartExited(tools, p, opts, restarts, { apiserverReady }) {
    const procs = clusterProcesses(p);
    if (apiserverReady) {
        for (const [pid, info] of procs) {
            if (!APISERVER_CLIENTS.has(info.name) || !gaveUp(path.join(p.logs, `${info.name}.log`))) continue;
            log(`${info.name} (pid ${pid}) gave up but did not exit; killing it`);
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                /* gone */
            }
            procs.delete(pid);
        }
    }
    const due = missingComponents(procs).filter((c) => apiserverReady || !APISERVER_CLIENTS.has(c));
    if (due.length === 0) return;
    for (const c of due) {
        const n = (restarts.get(c) ?? 0) + 1;
        const logFile = path.join(p.logs, `${c}.log`);
        const why = lastLogLine(logFile);
        if (n > MAX_RESTARTS) throw new ClusterError(`${c} exited again after ${MAX_RESTARTS} restarts${why ? `; last log line: ${why}` : ""}`);
        restarts.set(c, n);
        log(`${c} exited; restarting it (${n}/${MAX_RESTARTS})${why ? `; last log line: ${why}` : ""}`);
        // kwokctl truncates the log when it starts the component: keep the exited one's.
        try {
            fs.renameSync(logFile, path.join(p.logs, `${c}.exited-${n}.log`));
        } catch {
            /* no log */
        }
        // kwokctl trusts its pid file, and an unreaped (zombie) or reused pid passes as running.
        fs.rmSync(path.join(p.pids, `${c}.pid`), { force: true });
    }
    // Run in the workdir, so `down` finds this kwokctl too (see classify).
    const r = run(tools.kwokctl, ["start", "cluster", "--name", opts.name, "--timeout=60s"], { env: kwokEnv(), cwd: p.clusterDir, timeoutMs: 90_000 });
    if (!r.ok) throw new ClusterError(`kwokctl start cluster ${opts.name} (restarting ${due.join(", ")}) failed: ${lastLine(r.stderr).slice(0, 300)}`);
    const still = missingComponents(clusterProcesses(p)).filter((c) => due.includes(c));
    if (still.length) log(`${still.join(", ")} not running right after kwokctl start cluster; will check again`);
}

export function status(opts) {
    const p = paths(opts.name);
    const procs = clusterProcesses(p);
    const holder = lockHolder(opts.name);
    const lines = [`name: ${opts.name}`];
    let state;
    let reason;
    if (holder) {
        state = holder.command === "up" ? "starting" : "stopping";
        reason = `${holder.command} in progress, pid ${holder.pid}`;
    } else if (fs.existsSync(p.clusterDir)) {
        const tools = recordedTools(p);
        reason = tools ? unhealthyReason(tools, p) : "tools not recorded";
        const missing = missingComponents(procs);
        if (reason === undefined && missing.length) reason = `not running: ${missing.join(", ")}`;
        state = reason === undefined ? "up" : "broken";
    } else if (procs.size > 0) {
        state = "broken";
        reason = "no state folder but processes still running; run `down`";
    } else {
        state = "down";
    }
    lines.push(`state: ${state}${reason ? ` (${reason})` : ""}`);
    if (fs.existsSync(p.clusterDir)) {
        lines.push(`kubeconfig: ${p.kubeconfig}`);
        try {
            const kc = YAML.parse(fs.readFileSync(p.kubeconfig, "utf8"));
            lines.push(`server: ${kc.clusters[0].cluster.server}`);
        } catch {
            /* no kubeconfig */
        }
        const tools = recordedTools(p);
        if (tools && state === "up") {
            const v = kubectl(tools, p, ["version", "-o", "json"]);
            if (v.ok) lines.push(`version: ${JSON.parse(v.stdout).serverVersion?.gitVersion}`);
        }
        lines.push(`logs: ${p.logs}`);
    }
    // Looked up again at the end, so a process started while we probed is not missed.
    for (const [pid, info] of clusterProcesses(p)) procs.set(pid, info);
    for (const pid of [...procs.keys()]) if (!["R", "S", "D", "T", "t", "I", "W", "P"].includes(procStat(pid)?.state)) procs.delete(pid);
    lines.push(`processes: ${procs.size === 0 ? "none" : describe(procs)}`);
    process.stdout.write(lines.join("\n") + "\n");
    return state === "up" ? 0 : 3;
}
