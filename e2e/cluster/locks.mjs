// Locks: the machine-wide one around cluster creation, and the per-cluster one of up and down.
import * as fs from "node:fs";
import * as path from "node:path";
import { ClusterError, log, sleep, stateRoot } from "./common.mjs";
import { pidAlive, procStat, readProc } from "./processes.mjs";

// A machine-wide lock around cluster creation: kwokctl picks ports by probing which are free,
// so two creations at the same moment could pick the same ones.
export async function withCreateLock(timeoutS, fn) {
    const lockDir = path.join(stateRoot, "locks", "create.lock");
    fs.mkdirSync(path.dirname(lockDir), { recursive: true });
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
        try {
            fs.mkdirSync(lockDir);
            fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
            break;
        } catch (e) {
            if (e.code !== "EEXIST") throw e;
            let holder = NaN;
            try {
                holder = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8"));
            } catch {
                /* being written */
            }
            if (Number.isInteger(holder) && !pidAlive(holder)) {
                fs.rmSync(lockDir, { recursive: true, force: true });
                continue;
            }
            if (Date.now() > deadline) throw new ClusterError(`another cluster creation holds ${lockDir} (pid ${holder}) for more than ${timeoutS}s`);
            await sleep(500);
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lockDir, { recursive: true, force: true });
    }
}

// ---- Per-cluster lock --------------------------------------------------------------------
//
// `up` and `down` of one name hold locks/cluster-NAME.lock for their whole run, so a `down`
// never races an `up` that is still creating the cluster (which would start components after
// `down` had looked for them). `down` aborts an `up` in progress instead of waiting for it.

const clusterLockFile = (name) => path.join(stateRoot, "locks", `cluster-${name}.lock`);

function readLock(file) {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        return e.code === "ENOENT" ? undefined : null;
    }
}

// The live cluster.mjs process holding the lock, or undefined (free, stale or unreadable).
export function lockHolder(name) {
    const holder = readLock(clusterLockFile(name));
    if (!holder || !Number.isInteger(holder.pid) || holder.pid === process.pid) return undefined;
    const cmdline = readProc(holder.pid, "cmdline");
    if (!cmdline || !cmdline.includes("cluster.mjs") || procStat(holder.pid)?.state === "Z") return undefined;
    return holder;
}

export async function withClusterLock(name, command, timeoutS, fn) {
    const file = clusterLockFile(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written first and hard-linked into place, so the lock never exists without its content.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, command, started: new Date().toISOString() }));
    const deadline = Date.now() + timeoutS * 1000;
    const aborted = new Set();
    try {
        for (;;) {
            try {
                fs.linkSync(tmp, file);
                break;
            } catch (e) {
                if (e.code !== "EEXIST") throw e;
            }
            const raw = readLock(file);
            const holder = lockHolder(name);
            if (!holder) {
                // stale (holder gone); remove it unless someone replaced it meanwhile
                if (raw === undefined) continue;
                if (JSON.stringify(readLock(file)) === JSON.stringify(raw)) fs.rmSync(file, { force: true });
                continue;
            }
            if (command === "down" && holder.command === "up" && !aborted.has(holder.pid)) {
                log(`aborting the \`up\` of ${name} in progress (pid ${holder.pid})`);
                try {
                    process.kill(holder.pid, "SIGTERM");
                } catch {
                    /* gone */
                }
                aborted.add(holder.pid);
            }
            if (Date.now() > deadline) {
                throw new ClusterError(`${holder.command} of cluster ${name} (pid ${holder.pid}) holds ${file} for more than ${timeoutS}s`);
            }
            await sleep(200);
        }
    } finally {
        fs.rmSync(tmp, { force: true });
    }
    // An aborted `up` may have died holding the machine-wide create lock; release it.
    const createLock = path.join(stateRoot, "locks", "create.lock");
    for (const pid of aborted) {
        let holder = NaN;
        try {
            holder = Number(fs.readFileSync(path.join(createLock, "pid"), "utf8"));
        } catch {
            /* free */
        }
        if (holder === pid && ["Z", "X", undefined].includes(procStat(pid)?.state)) fs.rmSync(createLock, { recursive: true, force: true });
    }
    try {
        return await fn();
    } finally {
        if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    }
}
