// Finding the processes of one cluster through /proc, and stopping them.
import * as fs from "node:fs";
import * as path from "node:path";
import { ClusterError, sleep, stateRoot } from "./common.mjs";

// ---- Finding a cluster's processes -------------------------------------------------------
//
// kwokctl's binary runtime starts every component detached (setsid, parent reparented to
// init) with the cluster's workdir as its cwd and its binary at clusters/NAME/bin/<component>,
// and `kwokctl create` itself runs with --config cluster-configs/NAME.yaml. Those paths are
// unique per name, so a process belongs to this cluster when its command line refers to one of
// them (as a whole path, not as a prefix of another cluster's name), or when its cwd is inside
// the workdir and it runs one of our binaries. kwokctl's pid files are read too, but only
// trusted when the process passes the same test (pids get reused).

export const COMPONENT_NAMES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"];
const OUR_BINARIES = new Set([...COMPONENT_NAMES, "kwok", "kwokctl", "kubectl"]);

export function readProc(pid, file) {
    try {
        return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
        return undefined;
    }
}

function readProcLink(pid, file) {
    try {
        return fs.readlinkSync(`/proc/${pid}/${file}`).replace(/ \(deleted\)$/, "");
    } catch {
        return undefined;
    }
}

// { state, ppid } from /proc/PID/stat (the command name may contain spaces and parentheses).
export function procStat(pid) {
    const stat = readProc(pid, "stat");
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], ppid: Number(fields[1]) };
}

// This process and its ancestors: never ours to signal (e.g. a shell whose cwd is the workdir).
function selfAndAncestors() {
    const pids = new Set();
    for (let pid = process.pid; pid > 1 && !pids.has(pid);) {
        pids.add(pid);
        pid = procStat(pid)?.ppid ?? 0;
    }
    return pids;
}

// The paths only this cluster uses, as given and with symlinks resolved.
function clusterMarkers(p) {
    const dirs = new Set([p.clusterDir]);
    const files = new Set([p.config]);
    try {
        const realRoot = fs.realpathSync(stateRoot);
        dirs.add(path.join(realRoot, "clusters", path.basename(p.clusterDir)));
        files.add(path.join(realRoot, "cluster-configs", path.basename(p.config)));
    } catch {
        /* no state root yet */
    }
    return { dirs: [...dirs], files: [...files] };
}

// Whether `text` names `target` as a whole path or a path below it: the match must not be
// preceded or followed by a character that would make it part of a longer path or name
// (clusters/e2e must not match clusters/e2e-root, nor /x/root/.cache match /root/.cache).
const PATH_CHAR = /[A-Za-z0-9._~-]/;
function refersTo(text, target, allowBelow) {
    for (let i = text.indexOf(target); i >= 0; i = text.indexOf(target, i + 1)) {
        const before = i > 0 ? text[i - 1] : "";
        const after = text[i + target.length] ?? "";
        if (before && (before === "/" || PATH_CHAR.test(before))) continue;
        if (after === "/" ? allowBelow : !after || !PATH_CHAR.test(after)) return true;
    }
    return false;
}

function isInside(dir, target) {
    return dir === target || dir.startsWith(target + path.sep);
}

// Why `pid` belongs to this cluster ("cmdline" or "cwd"), or undefined; with its name.
function classify(pid, markers) {
    const st = procStat(pid);
    if (!st || st.state === "Z" || st.state === "X") return undefined; // gone or a zombie
    const cmdline = readProc(pid, "cmdline");
    if (!cmdline) return undefined; // kernel thread, or exiting
    const args = cmdline.replace(/\0$/, "").split("\0");
    const name = path.basename(args[0]);
    const text = args.join("\0");
    if (markers.dirs.some((d) => refersTo(text, d, true)) || markers.files.some((f) => refersTo(text, f, false))) {
        return { pid, name, ppid: st.ppid, args };
    }
    const cwd = readProcLink(pid, "cwd");
    if (cwd && markers.dirs.some((d) => isInside(cwd, d))) {
        const exe = path.basename(readProcLink(pid, "exe") ?? "");
        if (OUR_BINARIES.has(exe) || OUR_BINARIES.has(name)) return { pid, name, ppid: st.ppid, args };
    }
    return undefined;
}

// Every live process of this cluster: Map pid -> { pid, name, ppid, args }.
export function clusterProcesses(p, extraPids = []) {
    const found = new Map();
    if (!fs.existsSync("/proc")) return found;
    const markers = clusterMarkers(p);
    const skip = selfAndAncestors();
    const candidates = new Set(extraPids);
    for (const entry of fs.readdirSync("/proc")) if (/^\d+$/.test(entry)) candidates.add(Number(entry));
    for (const pid of pidFilePids(p)) candidates.add(pid);
    for (const pid of candidates) {
        if (skip.has(pid)) continue;
        const info = classify(pid, markers);
        if (info) found.set(pid, info);
    }
    return found;
}

// The pids kwokctl recorded in the workdir's pids/ folder.
function pidFilePids(p) {
    const pids = [];
    let files = [];
    try {
        files = fs.readdirSync(p.pids);
    } catch {
        return pids;
    }
    for (const f of files) {
        try {
            const pid = Number(fs.readFileSync(path.join(p.pids, f), "utf8").trim());
            if (Number.isInteger(pid) && pid > 1) pids.push(pid);
        } catch {
            /* removed meanwhile */
        }
    }
    return pids;
}

export const describe = (procs) => [...procs.values()].map((i) => `${i.name}(${i.pid})`).join(" ");

// SIGTERM order: clients first (kwokctl, kwok, controller-manager, scheduler, kubectl), then
// kube-apiserver, then etcd. An apiserver that still has watchers drains them for 60 s, and
// one whose etcd is gone retries it; in this order each exits within a few seconds.
const stopTier = (name) => (name === "etcd" ? 2 : name === "kube-apiserver" ? 1 : 0);

// Stops every process of the cluster: SIGTERM tier by tier, SIGKILL for whatever is left after
// termMs, and a final check that nothing of the cluster runs any more (including processes
// started meanwhile, e.g. by a `kwokctl create` still running). Throws if any remain.
export async function stopClusterProcesses(p, { termMs = 10_000, killMs = 30_000 } = {}) {
    const recorded = pidFilePids(p); // kwokctl removes pid files as it stops components
    const signalled = new Map(); // pid -> "SIGTERM" | "SIGKILL"
    const start = Date.now();
    for (;;) {
        const procs = clusterProcesses(p, recorded);
        if (procs.size === 0) {
            // Confirm: a process between fork and exec, or one just being started, shows up late.
            await sleep(300);
            if (clusterProcesses(p, recorded).size === 0) return signalled.size;
            continue;
        }
        const elapsed = Date.now() - start;
        if (elapsed > termMs + killMs) {
            throw new ClusterError(`processes of the cluster still running after SIGKILL: ${describe(procs)}`);
        }
        const sig = elapsed >= termMs ? "SIGKILL" : "SIGTERM";
        const tier = Math.min(...[...procs.values()].map((i) => stopTier(i.name)));
        for (const [pid, info] of procs) {
            if (sig === "SIGTERM" && stopTier(info.name) > tier) continue; // after the lower tiers
            if (signalled.get(pid) === sig || signalled.get(pid) === "SIGKILL") continue;
            try {
                process.kill(pid, sig);
                signalled.set(pid, sig);
            } catch {
                /* gone */
            }
        }
        await sleep(200);
    }
}

// The control-plane components that are not running (by the name kwokctl runs them under).
export function missingComponents(procs) {
    const running = new Set([...procs.values()].map((i) => i.name));
    return COMPONENT_NAMES.filter((c) => !running.has(c));
}

export function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === "EPERM";
    }
}
