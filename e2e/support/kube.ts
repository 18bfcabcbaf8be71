import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { REPO_ROOT, type E2eTools } from "./tools";

const CLUSTER = path.join(REPO_ROOT, "e2e/cluster/cluster.mjs");

/** Bounds for the real tools, so that a hung one fails its step instead of hanging CI. */
export const TIMEOUTS_MS = { cluster: 5 * 60_000, kubectl: 60_000, helm: 60_000 } as const;

/**
 * `cluster.mjs COMMAND --name NAME`, with a bound; throws with its last lines unless it succeeds.
 * The suite's clusters have fixed names in the per-user state folder, so two e2e runs on one
 * machine at once are not supported; in return a cluster left by an interrupted run is found
 * and replaced.
 */
function cluster(command: "up" | "down", name: string): string {
    const result = spawnSync(process.execPath, [CLUSTER, command, "--name", name], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: TIMEOUTS_MS.cluster,
    });
    if (result.status !== 0) {
        const why = result.error ? result.error.message : result.stderr.trim().split("\n").slice(-15).join("\n");
        throw new Error(`e2e cluster ${name}: ${command} failed (exit ${result.status}):\n${why}`);
    }
    return result.stdout;
}

/** A control plane of the harness (e2e/cluster), read back with the real kubectl. */
export class HarnessCluster {
    readonly tools: E2eTools;
    readonly name: string;
    readonly kubeconfig: string;
    /** The kubeconfig's current context. */
    readonly context: string;
    /** The Kubernetes `MAJOR.MINOR` the API server reports, read once: it does not change. */
    readonly kubernetesVersion: string;

    constructor(tools: E2eTools, name: string, kubeconfig: string) {
        this.tools = tools;
        this.name = name;
        this.kubeconfig = kubeconfig;
        this.context = (YAML.parse(fs.readFileSync(kubeconfig, "utf8")) as { "current-context": string })["current-context"];
        const version = JSON.parse(this.kubectl(["version", "-o", "json"])) as { serverVersion: { major: string; minor: string } };
        this.kubernetesVersion = `${version.serverVersion.major}.${version.serverVersion.minor.replace(/\D+$/, "")}`;
    }

    /**
     * Starts the named control plane afresh: one left over from an interrupted run would still
     * hold that run's objects.
     */
    static up(tools: E2eTools, name: string): HarnessCluster {
        cluster("down", name);
        const kubeconfig = cluster("up", name).trim().split("\n").pop() as string;
        return new HarnessCluster(tools, name, kubeconfig);
    }

    /** Stops the control plane and removes its state; throws if anything of it is left. */
    down(): void {
        cluster("down", this.name);
    }

    /** Runs kubectl against this cluster and returns what it printed. */
    kubectl(args: readonly string[]): string {
        return execFileSync(this.tools.kubectl, ["--kubeconfig", this.kubeconfig, "--request-timeout=20s", ...args], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            timeout: TIMEOUTS_MS.kubectl,
        });
    }

    /** An object as the API server holds it. */
    get<T = KubeObject>(kind: string, name: string, namespace?: string): T {
        return JSON.parse(this.kubectl(["get", kind, name, ...(namespace ? ["-n", namespace] : []), "-o", "json"])) as T;
    }

    /** Every object of a kind (in a namespace, or in all with `undefined`), optionally by label selector. */
    list<T = KubeObject>(kind: string, namespace?: string, selector?: string): T[] {
        const scope = namespace ? ["-n", namespace] : ["--all-namespaces"];
        const list = JSON.parse(this.kubectl(["get", kind, ...scope, ...(selector ? ["-l", selector] : []), "-o", "json"])) as { items: T[] };
        return list.items;
    }

    /** Helm's own view of the releases, from the release Secrets. */
    helmReleases(): HelmRelease[] {
        const output = execFileSync(this.tools.helm, ["list", "--all-namespaces", "--all", "-o", "json", "--kubeconfig", this.kubeconfig], {
            encoding: "utf8",
            timeout: TIMEOUTS_MS.helm,
        });
        return JSON.parse(output) as HelmRelease[];
    }

    /** The releases as `namespace/name chart status` rows, sorted. */
    releaseRows(): string[] {
        return this.helmReleases()
            .map((release) => `${release.namespace}/${release.name} ${release.chart} ${release.status}`)
            .sort();
    }

    /** Istio's Deployments, DaemonSets and Services still in `istio-system` and `istio-ingress`, as `kind/name`. */
    istioWorkloadsLeft(): string[] {
        return ["deployments", "daemonsets", "services"].flatMap((kind) =>
            [...this.list(kind, "istio-system"), ...this.list(kind, "istio-ingress")].map((object) => `${kind}/${object.metadata.name}`),
        );
    }
}

/** The registry the suites name as Istio's hub: nothing pulls from it, kwok runs no containers. */
export const E2E_HUB = "registry.e2e.invalid/istio";

export interface KubeObject {
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
    readonly spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly data?: Record<string, string>;
}

export interface HelmRelease {
    readonly name: string;
    readonly namespace: string;
    readonly status: string;
    readonly chart: string;
}

/** The status of a Deployment's `Available` condition (`"True"`, `"False"`, or undefined). */
export function availability(deployment: KubeObject): string | undefined {
    return (deployment.status?.conditions as { type: string; status: string }[] | undefined)?.find((condition) => condition.type === "Available")?.status;
}

/** `"IPv4"` or `"IPv6"` for an address. */
export function familyOf(address: string): "IPv4" | "IPv6" {
    return address.includes(":") ? "IPv6" : "IPv4";
}

/** What is wrong with an object, for an assertion message: the object as the server holds it. */
export function shown(object: unknown): string {
    return JSON.stringify(object, null, 2).split("\n").slice(0, 60).join("\n");
}
