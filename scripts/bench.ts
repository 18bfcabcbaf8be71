// npm run bench: what planning costs on top of registering the same resources by hand.
//
// "plan" runs the root program for the default GKE config under the offline engine (config
// checks, planning, components, recording) and renders the report and files, as
// `dualstack-istio plan --out` does minus the disk writes. "hand-written" registers the same
// resources (types, names, inputs, parents, providers, dependencies) directly, as a program
// written out by hand would, under the same mock runtime (the SDK's `setMocks` monitor, as the
// offline engine wraps it), so the ratio is exactly what the package's own code adds.
import * as pulumi from "@pulumi/pulumi";
import { Firewall, type FirewallArgs } from "@pulumi/gcp/compute/firewall";
import { Network, type NetworkArgs } from "@pulumi/gcp/compute/network";
import { Subnetwork, type SubnetworkArgs } from "@pulumi/gcp/compute/subnetwork";
import { Cluster, type ClusterArgs } from "@pulumi/gcp/container/cluster";
import { NodePool, type NodePoolArgs } from "@pulumi/gcp/container/nodePool";
import { IAMMember, type IAMMemberArgs } from "@pulumi/gcp/projects/iammember";
import { Account, type AccountArgs } from "@pulumi/gcp/serviceaccount/account";
import { Namespace, type NamespaceArgs } from "@pulumi/kubernetes/core/v1/namespace";
import { Release, type ReleaseArgs } from "@pulumi/kubernetes/helm/v3/release";
import { Provider } from "@pulumi/kubernetes/provider";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { planCommand } from "../cli/plan-command";
import { runOffline, type RecordedResource } from "../engine/offline-engine";
import { GCP_SYNTHESIZERS } from "../engine/synthesis-gcp";

const TARGET_RATIO = 1.2;

/**
 * The same resources as a hand-written Pulumi program would create them: the SDK classes, with
 * outputs wired into inputs (network → subnet → cluster → node pool → provider → releases), and
 * every other input value as the plan recorded it, so both sides register identical inputs.
 */
export async function handWritten(recorded: readonly RecordedResource[]): Promise<readonly RecordedResource[]> {
    const inputs = <T>(name: string): T => {
        const resource = recorded.find((candidate) => candidate.name === name && candidate.custom);
        if (!resource) {
            throw new Error(`the plan has no resource '${name}'`);
        }
        return resource.inputs as T;
    };
    const run = await runOffline(
        () => {
            const network = new Network("dualstack-demo-network", inputs<NetworkArgs>("dualstack-demo-network"));
            const subnet = new Subnetwork("dualstack-demo-subnet", { ...inputs<SubnetworkArgs>("dualstack-demo-subnet"), network: network.id });
            const account = new Account("dualstack-demo-node-account", inputs<AccountArgs>("dualstack-demo-node-account"));
            for (const name of ["allow-health-checks-ipv4", "allow-health-checks-ipv6", "allow-internal-ipv4"]) {
                new Firewall(`dualstack-demo-${name}`, { ...inputs<FirewallArgs>(`dualstack-demo-${name}`), network: network.id });
            }
            const roles = recorded
                .filter((resource) => resource.type === "gcp:projects/iAMMember:IAMMember")
                .map((resource) => new IAMMember(resource.name, { ...(resource.inputs as unknown as IAMMemberArgs), member: pulumi.interpolate`serviceAccount:${account.email}` }));
            new Firewall("dualstack-demo-allow-internal-ipv6", {
                ...inputs<FirewallArgs>("dualstack-demo-allow-internal-ipv6"),
                network: network.id,
                sourceRanges: [subnet.externalIpv6Prefix],
            });
            const cluster = new Cluster("dualstack-demo-cluster", { ...inputs<ClusterArgs>("dualstack-demo-cluster"), network: network.id, subnetwork: subnet.id });
            const nodePool = new NodePool(
                "dualstack-demo-nodes",
                { ...inputs<NodePoolArgs>("dualstack-demo-nodes"), cluster: cluster.name, nodeConfig: { ...inputs<{ nodeConfig: object }>("dualstack-demo-nodes").nodeConfig, serviceAccount: account.email } },
                { dependsOn: roles },
            );
            const kubeconfig = pulumi.secret(pulumi.interpolate`server: https://${cluster.endpoint}`);
            const provider = new Provider("dualstack-demo-k8s", { kubeconfig });
            const system = new Namespace("istio-istio-system", inputs<NamespaceArgs>("istio-istio-system"), { provider });
            const ingress = new Namespace("istio-istio-ingress", inputs<NamespaceArgs>("istio-istio-ingress"), { provider });
            const base = new Release("istio-base", { ...inputs<ReleaseArgs>("istio-base"), namespace: system.metadata.name }, { provider, dependsOn: [system] });
            const istiod = new Release("istio-istiod", { ...inputs<ReleaseArgs>("istio-istiod"), namespace: system.metadata.name }, { provider, dependsOn: [system, base, nodePool] });
            new Release("istio-gateway", { ...inputs<ReleaseArgs>("istio-gateway"), namespace: ingress.metadata.name }, { provider, dependsOn: [ingress, istiod, nodePool] });
            return { kubeconfig };
        },
        { project: "dualstack-istio", stack: "dev", synthesizers: GCP_SYNTHESIZERS },
    );
    return run.resources;
}

/** The custom resources' types, names and inputs, for comparing two programs. */
export function registrations(resources: readonly RecordedResource[]): string {
    return JSON.stringify(resources.filter((resource) => resource.custom).map((resource) => [resource.type, resource.name, resource.inputs]).sort());
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, check: { type: "boolean", default: false } } });
    const runs = Number(values.runs);
    const { run } = await planCommand({});
    const resources = run.resources;
    // Both sides must register the same custom resources with the same inputs.
    if (registrations(await handWritten(resources)) !== registrations(resources)) {
        throw new Error("the hand-written program does not register the plan's resources with the plan's inputs");
    }

    // Warm up both paths (module loading, JIT) before measuring; then alternate them.
    for (let i = 0; i < 5; i++) {
        await planCommand({});
        await handWritten(resources);
    }
    const plan: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) {
        let start = performance.now();
        await planCommand({});
        plan.push(performance.now() - start);
        start = performance.now();
        await handWritten(resources);
        baseline.push(performance.now() - start);
    }
    const ratio = median(plan) / median(baseline);
    process.stdout.write(
        `${resources.length} resources, ${runs} runs each (medians)\n` +
            `  plan          ${median(plan).toFixed(1)} ms\n` +
            `  hand-written  ${median(baseline).toFixed(1)} ms\n` +
            `  ratio         ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO})\n`,
    );
    if (values.check && ratio > TARGET_RATIO) {
        process.exitCode = 1;
    }
}

if (require.main === module) {
    void main();
}
