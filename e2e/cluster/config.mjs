// The cluster's configuration: network layout, our pinned tools, kwokctl's configuration, the fake nodes.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ClusterError, repoRoot, run, stateRoot } from "./common.mjs";

// Network layout. Service and pod ranges for both families; the apiserver and the
// controller-manager must agree on the service ranges.
const SERVICE_CIDRS = "10.96.0.0/16,fd00:10:96::/112";
const CLUSTER_CIDRS = "10.244.0.0/16,fd00:10:244::/56";
const NODE_MASK_V4 = 24;
const NODE_MASK_V6 = 64;
export const NODE_NAMES = ["kwok-node-0", "kwok-node-1"];
// The fake nodes' addresses. Loopback on purpose: the apiserver dials a node's address for
// logs/exec/port-forward (kubelet-preferred-address-types: Hostname first, then InternalIP), and
// that must never leave this machine, not even as a DNS query for the node's name. "localhost"
// and 127.0.0.1 are where the kwok controller serves those endpoints (it plays every kubelet).
const NODE_ADDRESSES = ["127.0.0.1", "::1"];
const NODE_HOSTNAME = "localhost";

// Builds (or reuses from cache) the tools; returns their bin paths.
export function buildTools() {
    const r = spawnSync("bash", [path.join(repoRoot, "e2e/tools/build.sh"), "kubernetes", "etcd", "kwok"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", 2],
    });
    if (r.status !== 0) throw new ClusterError(`e2e/tools/build.sh kubernetes etcd kwok failed (exit ${r.status ?? r.signal})`);
    const dirs = Object.fromEntries(
        r.stdout
            .trim()
            .split("\n")
            .map((l) => l.split(" ")),
    );
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
        kwokStages: path.join(dirs.kwok, "stages"),
    };
}

// The tools recorded at `up`, so down/status work without rebuilding; falls back to a build.
export function recordedTools(p) {
    try {
        const t = JSON.parse(fs.readFileSync(p.record, "utf8")).tools;
        if (t && fs.existsSync(t.kwokctl) && fs.existsSync(t.kubectl) && t.kwokStages && fs.existsSync(t.kwokStages)) return t;
    } catch {
        /* not recorded */
    }
    return undefined;
}

// The harness's own Stages, beside kwok's defaults: e2e/cluster/stages/*.yaml.
const HARNESS_STAGES = path.join(repoRoot, "e2e/cluster/stages");

// What `kwokctl create cluster --config` reads: the configuration, then every Stage the fake
// kubelet plays (kwok's defaults as kwokctl would add them, and the harness's own).
export function kwokctlDocuments(tools) {
    const stageFiles = [
        ...fs.readdirSync(tools.kwokStages).map((name) => path.join(tools.kwokStages, name)),
        ...fs.readdirSync(HARNESS_STAGES).map((name) => path.join(HARNESS_STAGES, name)),
    ].filter((file) => file.endsWith(".yaml"));
    if (stageFiles.length < 6) throw new ClusterError(`kwok stages missing: found ${stageFiles.join(", ")}`);
    return [kwokctlConfig(tools), ...stageFiles.sort().map((file) => fs.readFileSync(file, "utf8"))];
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

export function nodeManifest() {
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
            addresses: [...NODE_ADDRESSES.map((address) => ({ type: "InternalIP", address })), { type: "Hostname", address: NODE_HOSTNAME }],
            allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
            capacity: { cpu: "32", memory: "256Gi", pods: "110" },
            // nodeInfo and conditions are filled in by kwok's node-initialize stage
        },
    }));
    return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}
