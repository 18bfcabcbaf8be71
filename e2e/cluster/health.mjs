// Probing the cluster with kubectl (readiness, the fake nodes) and waiting until a probe passes.
import * as fs from "node:fs";
import { ClusterError, lastLine, run, sleep, truncated } from "./common.mjs";
import { NODE_NAMES } from "./config.mjs";

// A short reason from a failed `kubectl get --raw /readyz`: the failing checks, if listed.
export function readyzReason(r) {
    const text = `${r.stdout}\n${r.stderr}`.replaceAll("\\n", "\n");
    const failing = [...text.matchAll(/\[-\]([^\s]+) failed/g)].map((m) => m[1]);
    if (failing.length) return `failing checks: ${failing.join(", ")}`;
    return truncated(lastLine(r.stderr || r.stdout) || "not ready");
}

export function kubectl(tools, p, args, opts = {}) {
    return run(tools.kubectl, ["--kubeconfig", p.kubeconfig, "--request-timeout=10s", ...args], opts);
}

// One health probe; returns undefined when healthy or a short reason.
export function unhealthyReason(tools, p) {
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

export async function waitFor(what, timeoutS, probe) {
    const deadline = Date.now() + timeoutS * 1000;
    let reason;
    for (;;) {
        reason = probe();
        if (reason === undefined) return;
        if (Date.now() > deadline) throw new ClusterError(`${what} not reached after ${timeoutS}s: ${reason}`);
        await sleep(1000);
    }
}
