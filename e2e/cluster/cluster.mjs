#!/usr/bin/env node
// A real, dual-stack Kubernetes control plane on loopback for the e2e suite, with fake nodes.
//
//   node e2e/cluster/cluster.mjs up|down|kubeconfig|status [--name NAME] [--timeout SECONDS]
//
// up          builds (or reuses) our pinned binaries (e2e/tools/build.sh kubernetes etcd kwok),
//             starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kwok
//             controller as local processes through `kwokctl create cluster --runtime binary`,
//             registers two kwok nodes and waits until the cluster is usable, starting again any
//             component that exited meanwhile (kwokctl does not; see restartExited). Prints the
//             kubeconfig path as the last line of stdout. If the cluster is already up it only
//             prints it.
// down        stops every process of the cluster (SIGTERM, SIGKILL after 10 s), checks that none
//             is left, and removes its state. An `up` of the same name still in progress is
//             aborted first (up and down of one name never overlap: locks/cluster-NAME.lock).
// kubeconfig  prints the kubeconfig path (exit 1 when the cluster is not up).
// status      prints the cluster's state and every process of it still running; exit 0 when
//             up, 3 when down, broken, starting or stopping.
//
// What is real: etcd, kube-apiserver, kube-controller-manager, kube-scheduler (built from the
// upstream Go modules), RBAC, admission (except the two webhook plugins), dual-stack Services,
// node IPAM. What is fake: the nodes. kwok plays the kubelet: it marks pods Running/Ready and
// gives them one IPv4 and one IPv6 address from the node's podCIDRs, but runs no containers.
// Everything listens on 127.0.0.1; nothing is downloaded here except Go modules by build.sh.
//
// State lives in ${E2E_CLUSTER_HOME:-${XDG_CACHE_HOME:-~/.cache}/pulumi-dualstack-istio}:
//   clusters/NAME/            kwokctl's workdir (kubeconfig.yaml, pki/, logs/, pids/, etcd/)
//   cluster-configs/NAME.yaml the KwokctlConfiguration we generate; NAME.json records the tools.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const stateRoot = process.env.E2E_CLUSTER_HOME
    || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-dualstack-istio");

// Network layout. Service and pod ranges for both families; the apiserver and the
// controller-manager must agree on the service ranges.
const SERVICE_CIDRS = "10.96.0.0/16,fd00:10:96::/112";
const CLUSTER_CIDRS = "10.244.0.0/16,fd00:10:244::/56";
const NODE_MASK_V4 = 24;
const NODE_MASK_V6 = 64;
const NODE_NAMES = ["kwok-node-0", "kwok-node-1"];
// The fake nodes' addresses. Loopback on purpose: the apiserver dials a node's address for
// logs/exec/port-forward (kubelet-preferred-address-types: Hostname first, then InternalIP), and
// that must never leave this machine, not even as a DNS query for the node's name. "localhost"
// and 127.0.0.1 are where the kwok controller serves those endpoints (it plays every kubelet).
const NODE_ADDRESSES = ["127.0.0.1", "::1"];
const NODE_HOSTNAME = "localhost";

class UsageError extends Error {}
class ClusterError extends Error {}

function parseArgs(argv) {
    const opts = { command: undefined, name: process.env.E2E_CLUSTER_NAME || "e2e", timeout: 180 };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const eq = a.indexOf("=");
            if (eq >= 0) return a.slice(eq + 1);
            if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
            return argv[++i];
        };
        if (a === "--name" || a.startsWith("--name=")) opts.name = value();
        else if (a === "--timeout" || a.startsWith("--timeout=")) opts.timeout = Number(value());
        else if (a === "-h" || a === "--help") opts.command = "help";
        else if (!a.startsWith("-") && opts.command === undefined) opts.command = a;
        else throw new UsageError(`unexpected argument ${a}`);
    }
    if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(opts.name)) {
        throw new UsageError(`--name must be a lowercase DNS label of at most 40 characters, got ${JSON.stringify(opts.name)}`);
    }
    if (!(opts.timeout > 0)) throw new UsageError("--timeout must be a positive number of seconds");
    return opts;
}

function paths(name) {
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

const log = (msg) => process.stderr.write(`cluster.mjs: ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Environment for kwokctl: its workdir under our state root, and no stray KWOK_* settings
// from the caller's shell (they would override our configuration).
function kwokEnv() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("KWOK_")) env[k] = v;
    env.KWOK_WORKDIR = stateRoot;
    return env;
}

function run(cmd, args, { input, timeoutMs = 60_000, env = process.env, inherit = false, cwd } = {}) {
    const r = spawnSync(cmd, args, {
        input, env, cwd, timeout: timeoutMs, encoding: "utf8", maxBuffer: 64 << 20,
        stdio: [input === undefined ? "ignore" : "pipe", inherit ? 2 : "pipe", inherit ? 2 : "pipe"],
    });
    if (r.error) return { ok: false, stdout: "", stderr: String(r.error.message) };
    return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const lastLine = (s) => s.trim().split("\n").filter(Boolean).pop() ?? "";

// A short reason from a failed `kubectl get --raw /readyz`: the failing checks, if listed.
function readyzReason(r) {
    const text = `${r.stdout}\n${r.stderr}`.replaceAll("\\n", "\n");
    const failing = [...text.matchAll(/\[-\]([^\s]+) failed/g)].map((m) => m[1]);
    if (failing.length) return `failing checks: ${failing.join(", ")}`;
    return truncated(lastLine(r.stderr || r.stdout) || "not ready");
}

// One line of a log or an error, cut to a length a terminal line holds.
function truncated(line) {
    return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

// Builds (or reuses from cache) the tools; returns their bin paths.
function buildTools() {
    const r = spawnSync("bash", [path.join(repoRoot, "e2e/tools/build.sh"), "kubernetes", "etcd", "kwok"], {
        encoding: "utf8", stdio: ["ignore", "pipe", 2],
    });
    if (r.status !== 0) throw new ClusterError(`e2e/tools/build.sh kubernetes etcd kwok failed (exit ${r.status ?? r.signal})`);
    const dirs = Object.fromEntries(r.stdout.trim().split("\n").map((l) => l.split(" ")));
    const bin = (tool, b) => {
        const p = path.join(dirs[tool], "bin", b);
        if (!fs.existsSync(p)) throw new ClusterError(`build.sh did not produce ${p}`);
        return p;
    };
    return {
        kubeApiserver: bin("kubernetes", "kube-apiserver"),
        kubeControllerManager: bin("kubernetes", "kube-controller-manager"),
        kubeScheduler: bin("kubernetes", "kube-scheduler"),
        kubectl: bin("kubernetes", "kubectl"),
        etcd: bin("etcd", "etcd"),
        kwok: bin("kwok", "kwok"),
        kwokctl: bin("kwok", "kwokctl"),
    };
}

// The tools recorded at `up`, so down/status work without rebuilding; falls back to a build.
function recordedTools(p) {
    try {
        const t = JSON.parse(fs.readFileSync(p.record, "utf8")).tools;
        if (t && fs.existsSync(t.kwokctl) && fs.existsSync(t.kubectl)) return t;
    } catch { /* not recorded */ }
    return undefined;
}

function kwokctlConfig(tools) {
    // Any binary or download URL kwokctl would fall back to points at a path that does not
    // exist, so a missed setting fails loudly instead of reaching for the network.
    const noDownload = path.join(stateRoot, "kwok-no-downloads");
    const kubeVersion = run(tools.kubeApiserver, ["--version"]).stdout.trim().split(" ").pop();
    const args = (kv) => Object.entries(kv).map(([key, value]) => ({ key, value: String(value) }));
    return {
        apiVersion: "config.kwok.x-k8s.io/v1alpha1",
        kind: "KwokctlConfiguration",
        options: {
            runtime: "binary",
            bindAddress: "127.0.0.1",
            kubeVersion,
            securePort: true,
            kubeAuthorization: true,
            kubeAdmission: true,
            components: ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"],
            kubeApiserverBinary: tools.kubeApiserver,
            kubeControllerManagerBinary: tools.kubeControllerManager,
            kubeSchedulerBinary: tools.kubeScheduler,
            kubectlBinary: tools.kubectl,
            etcdBinary: tools.etcd,
            kwokControllerBinary: tools.kwok,
            etcdctlBinary: path.join(noDownload, "etcdctl"),
            etcdutlBinary: path.join(noDownload, "etcdutl"),
            kectlBinary: path.join(noDownload, "kectl"),
            kubeBinaryPrefix: noDownload,
            etcdBinaryPrefix: noDownload,
            kwokBinaryPrefix: noDownload,
            cacheDir: path.join(stateRoot, "kwok-cache"),
        },
        componentsPatches: [
            {
                name: "kube-apiserver",
                extraArgs: args({
                    "service-cluster-ip-range": SERVICE_CIDRS,
                    // kwok runs no containers, so no webhook server (e.g. istiod's) can ever
                    // answer; with failurePolicy Fail every matching request would be rejected.
                    "disable-admission-plugins": "MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
                }),
            },
            {
                name: "kube-controller-manager",
                extraArgs: args({
                    "allocate-node-cidrs": "true",
                    "cluster-cidr": CLUSTER_CIDRS,
                    "node-cidr-mask-size-ipv4": NODE_MASK_V4,
                    "node-cidr-mask-size-ipv6": NODE_MASK_V6,
                    "service-cluster-ip-range": SERVICE_CIDRS,
                }),
            },
        ],
    };
}

function nodeManifest() {
    const items = NODE_NAMES.map((name) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/agent": "",
                type: "kwok",
            },
        },
        // No podCIDRs: kube-controller-manager's node IPAM allocates one per family.
        spec: {},
        status: {
            addresses: [
                ...NODE_ADDRESSES.map((address) => ({ type: "InternalIP", address })),
                { type: "Hostname", address: NODE_HOSTNAME },
            ],
            allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
            capacity: { cpu: "32", memory: "256Gi", pods: "110" },
            // nodeInfo and conditions are filled in by kwok's node-initialize stage
        },
    }));
    return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

function kubectl(tools, p, args, opts = {}) {
    return run(tools.kubectl, ["--kubeconfig", p.kubeconfig, "--request-timeout=10s", ...args], opts);
}

// One health probe; returns undefined when healthy or a short reason.
function unhealthyReason(tools, p) {
    if (!fs.existsSync(p.kubeconfig)) return "no kubeconfig";
    const ready = kubectl(tools, p, ["get", "--raw", "/readyz"], { timeoutMs: 15_000 });
    if (!ready.ok) return `kube-apiserver /readyz: ${readyzReason(ready)}`;
    const nodes = kubectl(tools, p, ["get", "nodes", "-o", "json"], { timeoutMs: 15_000 });
    if (!nodes.ok) return `list nodes: ${lastLine(nodes.stderr)}`;
    const byName = new Map(JSON.parse(nodes.stdout).items.map((n) => [n.metadata.name, n]));
    for (const name of NODE_NAMES) {
        const n = byName.get(name);
        if (!n) return `node ${name} not registered`;
        const readyCond = (n.status?.conditions ?? []).find((c) => c.type === "Ready");
        if (readyCond?.status !== "True") return `node ${name} not Ready`;
        const cidrs = n.spec?.podCIDRs ?? [];
        if (cidrs.length !== 2 || !cidrs.some((c) => c.includes(":")) || !cidrs.some((c) => !c.includes(":"))) {
            return `node ${name} has podCIDRs ${JSON.stringify(cidrs)}, want one IPv4 and one IPv6`;
        }
        const taint = (n.spec?.taints ?? []).find((t) => t.key.startsWith("node.kubernetes.io/"));
        if (taint) return `node ${name} still tainted ${taint.key}`;
    }
    // Pods can only be admitted once the ServiceAccount controller made the default account.
    const sa = kubectl(tools, p, ["get", "serviceaccount", "default", "-n", "default", "-o", "name"], { timeoutMs: 15_000 });
    if (!sa.ok) return "default ServiceAccount not created yet";
    return undefined;
}

async function waitFor(what, timeoutS, probe) {
    const deadline = Date.now() + timeoutS * 1000;
    let reason;
    for (;;) {
        reason = probe();
        if (reason === undefined) return;
        if (Date.now() > deadline) throw new ClusterError(`${what} not reached after ${timeoutS}s: ${reason}`);
        await sleep(1000);
    }
}

// A machine-wide lock around cluster creation: kwokctl picks ports by probing which are free,
// so two creations at the same moment could pick the same ones.
async function withCreateLock(timeoutS, fn) {
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
            try { holder = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8")); } catch { /* being written */ }
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

function pidAlive(pid) {
    try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; }
}

// ---- Finding a cluster's processes -------------------------------------------------------
//
// kwokctl's binary runtime starts every component detached (setsid, parent reparented to
// init) with the cluster's workdir as its cwd and its binary at clusters/NAME/bin/<component>,
// and `kwokctl create` itself runs with --config cluster-configs/NAME.yaml. Those paths are
// unique per name, so a process belongs to this cluster when its command line refers to one of
// them (as a whole path, not as a prefix of another cluster's name), or when its cwd is inside
// the workdir and it runs one of our binaries. kwokctl's pid files are read too, but only
// trusted when the process passes the same test (pids get reused).

const COMPONENT_NAMES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"];
const OUR_BINARIES = new Set([...COMPONENT_NAMES, "kwok", "kwokctl", "kubectl"]);

function readProc(pid, file) {
    try { return fs.readFileSync(`/proc/${pid}/${file}`, "utf8"); } catch { return undefined; }
}

function readProcLink(pid, file) {
    try { return fs.readlinkSync(`/proc/${pid}/${file}`).replace(/ \(deleted\)$/, ""); } catch { return undefined; }
}

// { state, ppid } from /proc/PID/stat (the command name may contain spaces and parentheses).
function procStat(pid) {
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
    } catch { /* no state root yet */ }
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
function clusterProcesses(p, extraPids = []) {
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
    try { files = fs.readdirSync(p.pids); } catch { return pids; }
    for (const f of files) {
        try {
            const pid = Number(fs.readFileSync(path.join(p.pids, f), "utf8").trim());
            if (Number.isInteger(pid) && pid > 1) pids.push(pid);
        } catch { /* removed meanwhile */ }
    }
    return pids;
}

const describe = (procs) => [...procs.values()].map((i) => `${i.name}(${i.pid})`).join(" ");

// SIGTERM order: clients first (kwokctl, kwok, controller-manager, scheduler, kubectl), then
// kube-apiserver, then etcd. An apiserver that still has watchers drains them for 60 s, and
// one whose etcd is gone retries it; in this order each exits within a few seconds.
const stopTier = (name) => (name === "etcd" ? 2 : name === "kube-apiserver" ? 1 : 0);

// Stops every process of the cluster: SIGTERM tier by tier, SIGKILL for whatever is left after
// termMs, and a final check that nothing of the cluster runs any more (including processes
// started meanwhile, e.g. by a `kwokctl create` still running). Throws if any remain.
async function stopClusterProcesses(p, { termMs = 10_000, killMs = 30_000 } = {}) {
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
            try { process.kill(pid, sig); signalled.set(pid, sig); } catch { /* gone */ }
        }
        await sleep(200);
    }
}

// ---- Per-cluster lock --------------------------------------------------------------------
//
// `up` and `down` of one name hold locks/cluster-NAME.lock for their whole run, so a `down`
// never races an `up` that is still creating the cluster (which would start components after
// `down` had looked for them). `down` aborts an `up` in progress instead of waiting for it.

const clusterLockFile = (name) => path.join(stateRoot, "locks", `cluster-${name}.lock`);

function readLock(file) {
    try { return JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) { return e.code === "ENOENT" ? undefined : null; }
}

// The live cluster.mjs process holding the lock, or undefined (free, stale or unreadable).
function lockHolder(name) {
    const holder = readLock(clusterLockFile(name));
    if (!holder || !Number.isInteger(holder.pid) || holder.pid === process.pid) return undefined;
    const cmdline = readProc(holder.pid, "cmdline");
    if (!cmdline || !cmdline.includes("cluster.mjs") || procStat(holder.pid)?.state === "Z") return undefined;
    return holder;
}

async function withClusterLock(name, command, timeoutS, fn) {
    const file = clusterLockFile(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written first and hard-linked into place, so the lock never exists without its content.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, command, started: new Date().toISOString() }));
    const deadline = Date.now() + timeoutS * 1000;
    const aborted = new Set();
    try {
        for (;;) {
            try { fs.linkSync(tmp, file); break; } catch (e) { if (e.code !== "EEXIST") throw e; }
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
                try { process.kill(holder.pid, "SIGTERM"); } catch { /* gone */ }
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
        try { holder = Number(fs.readFileSync(path.join(createLock, "pid"), "utf8")); } catch { /* free */ }
        if (holder === pid && ["Z", "X", undefined].includes(procStat(pid)?.state)) fs.rmSync(createLock, { recursive: true, force: true });
    }
    try {
        return await fn();
    } finally {
        if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    }
}

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

async function down(opts) {
    return withClusterLock(opts.name, "down", 120, () => teardown(opts));
}

async function up(opts) {
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
        fs.writeFileSync(p.config, YAML.stringify(kwokctlConfig(tools)));
        fs.writeFileSync(p.record, JSON.stringify({ name: opts.name, tools, created: new Date().toISOString() }, null, 2));
        const started = Date.now();
        try {
            log(`creating cluster ${opts.name} in ${p.clusterDir}`);
            const created = run(tools.kwokctl, [
                "create", "cluster", "--name", opts.name, "--config", p.config, "--runtime", "binary",
                "--kubeconfig=", `--timeout=${opts.timeout}s`, "--quiet-pull",
            ], { env: kwokEnv(), timeoutMs: (opts.timeout + 30) * 1000, inherit: true });
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
                const have = new Set(exists.stdout.trim().split("\n").map((l) => l.replace(/^node\//, "")));
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

// The control-plane components that are not running (by the name kwokctl runs them under).
function missingComponents(procs) {
    const running = new Set([...procs.values()].map((i) => i.name));
    return COMPONENT_NAMES.filter((c) => !running.has(c));
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
        } finally { fs.closeSync(fd); }
    } catch { return ""; }
    return truncated(lastLine(text).replace(/\s+/g, " "));
}

// A controller-manager or scheduler whose log ends with one of these has given up: it exits
// within klog's 10 s flush timeout. One still there (and silent) 15 s later is stuck.
const GAVE_UP = /leaderelection lost|Error building controller context/i;
function gaveUp(logFile) {
    try { if (Date.now() - fs.statSync(logFile).mtimeMs < 15_000) return false; } catch { return false; }
    return GAVE_UP.test(lastLogLine(logFile));
}

function restartExited(tools, p, opts, restarts, { apiserverReady }) {
    const procs = clusterProcesses(p);
    if (apiserverReady) {
        for (const [pid, info] of procs) {
            if (!APISERVER_CLIENTS.has(info.name) || !gaveUp(path.join(p.logs, `${info.name}.log`))) continue;
            log(`${info.name} (pid ${pid}) gave up but did not exit; killing it`);
            try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
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
        try { fs.renameSync(logFile, path.join(p.logs, `${c}.exited-${n}.log`)); } catch { /* no log */ }
        // kwokctl trusts its pid file, and an unreaped (zombie) or reused pid passes as running.
        fs.rmSync(path.join(p.pids, `${c}.pid`), { force: true });
    }
    // Run in the workdir, so `down` finds this kwokctl too (see classify).
    const r = run(tools.kwokctl, ["start", "cluster", "--name", opts.name, "--timeout=60s"],
        { env: kwokEnv(), cwd: p.clusterDir, timeoutMs: 90_000 });
    if (!r.ok) throw new ClusterError(`kwokctl start cluster ${opts.name} (restarting ${due.join(", ")}) failed: ${lastLine(r.stderr).slice(0, 300)}`);
    const still = missingComponents(clusterProcesses(p)).filter((c) => due.includes(c));
    if (still.length) log(`${still.join(", ")} not running right after kwokctl start cluster; will check again`);
}

function status(opts) {
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
        } catch { /* no kubeconfig */ }
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

const USAGE = "usage: node e2e/cluster/cluster.mjs up|down|kubeconfig|status [--name NAME] [--timeout SECONDS]";

async function main(argv) {
    const opts = parseArgs(argv);
    switch (opts.command) {
        case "up": {
            const kubeconfig = await up(opts);
            process.stdout.write(`${kubeconfig}\n`);
            return 0;
        }
        case "down": {
            const stopped = await down(opts);
            log(`cluster ${opts.name} is down${stopped ? ` (stopped ${stopped} processes)` : ""}`);
            return 0;
        }
        case "kubeconfig": {
            const p = paths(opts.name);
            if (!fs.existsSync(p.kubeconfig)) throw new ClusterError(`cluster ${opts.name} is not up (no ${p.kubeconfig})`);
            process.stdout.write(`${p.kubeconfig}\n`);
            return 0;
        }
        case "status":
            return status(opts);
        case "help":
            process.stdout.write(`${USAGE}\n`);
            return 0;
        default:
            throw new UsageError(opts.command ? `unknown command ${opts.command}` : "missing command");
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        if (e instanceof UsageError) { log(`${e.message}\n${USAGE}`); process.exit(2); }
        log(e instanceof ClusterError ? e.message : (e?.stack ?? String(e)));
        process.exit(1);
    },
);
