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
//
// The CLI is here; the work is in lifecycle.mjs, with config.mjs (kwokctl configuration, tools),
// health.mjs (probes), processes.mjs (finding and stopping processes), locks.mjs and common.mjs.
import * as fs from "node:fs";
import { ClusterError, log, paths, UsageError } from "./common.mjs";
import { down, status, up } from "./lifecycle.mjs";

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
        if (e instanceof UsageError) {
            log(`${e.message}\n${USAGE}`);
            process.exit(2);
        }
        log(e instanceof ClusterError ? e.message : (e?.stack ?? String(e)));
        process.exit(1);
    },
);
