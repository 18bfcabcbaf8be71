import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A folder laid out like an Istio checkout's `manifests/charts`, with the files the check requires. */
export function makeChartsDir(): string {
    const charts = fs.mkdtempSync(path.join(os.tmpdir(), "branch-charts-"));
    for (const chart of ["base", "istio-control/istio-discovery", "gateway", "istio-cni"]) {
        fs.mkdirSync(path.join(charts, chart, "files"), { recursive: true });
        fs.writeFileSync(path.join(charts, chart, "Chart.yaml"), "apiVersion: v1\nname: x\nversion: 1.0.0\n");
    }
    fs.writeFileSync(path.join(charts, "istio-control/istio-discovery/files/injection-template.yaml"), "");
    return charts;
}

/** A kind-style kubeconfig with the given contexts (each with its own cluster and user). */
/** `current: null` leaves out current-context. */
export function kubeconfigText(contexts: readonly string[], current: string | null = contexts[0] ?? null): string {
    const lines = ["apiVersion: v1", "kind: Config", "clusters:"];
    contexts.forEach((name, index) => lines.push(`- name: ${name}`, "  cluster:", `    server: https://127.0.0.1:${6443 + index}`, "    certificate-authority-data: Zm9v"));
    lines.push("contexts:");
    contexts.forEach((name) => lines.push(`- name: ${name}`, "  context:", `    cluster: ${name}`, `    user: ${name}`));
    lines.push("users:");
    contexts.forEach((name) => lines.push(`- name: ${name}`, "  user:", "    token: secret-token"));
    if (current !== null) {
        lines.push(`current-context: ${current}`);
    }
    return `${lines.join("\n")}\n`;
}

/** Writes `content` to a new temporary file and returns its path. */
export function tempFile(name: string, content: string): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dsi-"));
    const file = path.join(directory, name);
    fs.writeFileSync(file, content);
    return file;
}

/** The message `action` throws, or `(accepted)` when it does not throw. */
export function refusal(action: () => unknown): string {
    try {
        action();
    } catch (error) {
        return (error as Error).message;
    }
    return "(accepted)";
}
