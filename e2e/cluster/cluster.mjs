#!/usr/bin/env node
// A real, dual-stack Kubernetes control plane on loopback for the e2e suite, with fake nodes.
//
//   node e2e/cluster/cluster.mjs up|down|kubeconfig|status [--name NAME] [--timeout SECONDS]
//
// up          builds (or reuses) our pinned binaries (e2e/tools/build.sh kubernetes etcd kwok),
//             starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kwok
//             controller as local processes through `kwokctl create cluster --runtime binary`,
//             registers two kwok nodes and waits until the cluster is usable. Prints the kubeconfig
//             path as the last line of stdout. If the cluster is already up it only prints it.
// down        stops every process of the cluster and removes its state.
// kubeconfig  prints the kubeconfig path (exit 1 when the cluster is not up).
// status      prints the cluster's state; exit 0 when up, 3 when down or broken.
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

function run(cmd, args, { input, timeoutMs = 60_000, env = process.env, inherit = false } = {}) {
    const r = spawnSync(cmd, args, {
        input, env, timeout: timeoutMs, encoding: "utf8", maxBuffer: 64 << 20,
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
    const line = lastLine(r.stderr || r.stdout) || "not ready";
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

function kwokctlConfig(tools, p) {
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

// Processes of this cluster: the pids kwokctl recorded plus anything whose command line refers
// to the cluster's directory (kwokctl starts every component from there).
function clusterProcesses(p) {
    const found = new Map();
    const marker = p.clusterDir + path.sep;
    for (const entry of fs.existsSync("/proc") ? fs.readdirSync("/proc") : []) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        let cmdline;
        try { cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8"); } catch { continue; }
        if (cmdline.includes(marker)) found.set(Number(entry), cmdline.split("\0")[0]);
    }
    if (fs.existsSync(p.pids)) {
        for (const f of fs.readdirSync(p.pids)) {
            const pid = Number(fs.readFileSync(path.join(p.pids, f), "utf8").trim());
            if (Number.isInteger(pid) && pid > 0 && pidAlive(pid) && !found.has(pid)) {
                // only trust a pid file if that process still looks like the component
                let cmd = "";
                try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"); } catch { continue; }
                if (cmd.includes(p.clusterDir)) found.set(pid, cmd.split("\0")[0]);
            }
        }
    }
    return found;
}

async function killAll(p) {
    let procs = clusterProcesses(p);
    if (procs.size === 0) return;
    for (const pid of procs.keys()) { try { process.kill(pid, "SIGTERM"); } catch { /* gone */ } }
    const deadline = Date.now() + 15_000;
    while ((procs = clusterProcesses(p)).size > 0 && Date.now() < deadline) await sleep(250);
    for (const pid of procs.keys()) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
    await sleep(250);
    procs = clusterProcesses(p);
    if (procs.size > 0) throw new ClusterError(`processes still running: ${[...procs].map(([pid, c]) => `${pid} ${c}`).join(", ")}`);
}

async function down(opts, { quiet = false } = {}) {
    const p = paths(opts.name);
    const tools = recordedTools(p);
    if (tools && fs.existsSync(path.join(p.clusterDir, "kwok.yaml"))) {
        const r = run(tools.kwokctl, ["delete", "cluster", "--name", opts.name], { env: kwokEnv(), timeoutMs: 120_000 });
        if (!r.ok && !quiet) log(`kwokctl delete cluster: ${lastLine(r.stderr)} (cleaning up directly)`);
    }
    await killAll(p);
    fs.rmSync(p.clusterDir, { recursive: true, force: true });
    fs.rmSync(p.config, { force: true });
    fs.rmSync(p.record, { force: true });
}

async function up(opts) {
    const p = paths(opts.name);
    const tools = buildTools();
    if (fs.existsSync(p.clusterDir)) {
        if (unhealthyReason(tools, p) === undefined && clusterProcesses(p).size > 0) {
            log(`cluster ${opts.name} is already up`);
            return p.kubeconfig;
        }
        log(`cluster ${opts.name} exists but is not healthy; recreating it`);
        await down(opts, { quiet: true });
    }
    return withCreateLock(600, async () => {
        fs.mkdirSync(path.dirname(p.config), { recursive: true });
        fs.writeFileSync(p.config, YAML.stringify(kwokctlConfig(tools, p)));
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
            await waitFor("kube-apiserver /readyz", opts.timeout, () => {
                const r = kubectl(tools, p, ["get", "--raw", "/readyz"], { timeoutMs: 15_000 });
                return r.ok ? undefined : readyzReason(r);
            });
            const exists = kubectl(tools, p, ["get", "nodes", "-o", "name"]);
            const have = new Set(exists.stdout.trim().split("\n").map((l) => l.replace(/^node\//, "")));
            if (!NODE_NAMES.every((n) => have.has(n))) {
                const manifest = JSON.parse(nodeManifest());
                manifest.items = manifest.items.filter((n) => !have.has(n.metadata.name));
                const r = kubectl(tools, p, ["create", "-f", "-"], { input: JSON.stringify(manifest) });
                if (!r.ok) throw new ClusterError(`creating kwok nodes: ${lastLine(r.stderr)}`);
            }
            await waitFor("2 Ready dual-stack nodes", opts.timeout, () => unhealthyReason(tools, p));
        } catch (e) {
            // Stop the processes but keep the directory, so its logs can be read; the next
            // `up` or `down` removes it.
            run(tools.kwokctl, ["stop", "cluster", "--name", opts.name], { env: kwokEnv(), timeoutMs: 60_000 });
            await killAll(p).catch(() => undefined);
            throw new ClusterError(`${e.message} (logs: ${p.logs})`);
        }
        log(`cluster ${opts.name} is up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return p.kubeconfig;
    });
}

function status(opts) {
    const p = paths(opts.name);
    const procs = clusterProcesses(p);
    const lines = [`name: ${opts.name}`];
    let state = "down";
    if (fs.existsSync(p.clusterDir)) {
        const tools = recordedTools(p);
        const reason = tools ? unhealthyReason(tools, p) : "tools not recorded";
        state = reason === undefined ? "up" : "broken";
        lines.push(`state: ${state}${reason ? ` (${reason})` : ""}`);
        lines.push(`kubeconfig: ${p.kubeconfig}`);
        try {
            const kc = YAML.parse(fs.readFileSync(p.kubeconfig, "utf8"));
            lines.push(`server: ${kc.clusters[0].cluster.server}`);
        } catch { /* no kubeconfig */ }
        if (tools && state === "up") {
            const v = kubectl(tools, p, ["version", "-o", "json"]);
            if (v.ok) lines.push(`version: ${JSON.parse(v.stdout).serverVersion?.gitVersion}`);
        }
        lines.push(`logs: ${p.logs}`);
    } else {
        lines.push("state: down");
    }
    lines.push(`processes: ${procs.size === 0 ? "none" : [...procs].map(([pid, c]) => `${path.basename(c)}(${pid})`).join(" ")}`);
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
        case "down":
            await down(opts);
            log(`cluster ${opts.name} is down`);
            return 0;
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
