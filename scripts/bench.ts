// npm run bench: what planning costs on top of registering the same resources by hand.
//
// "plan" runs the root program for the default GKE config under the offline engine (config
// checks, planning, components, recording) and renders the report and files, as
// `dualstack-istio plan --out` does minus the disk writes. "hand-written" registers the same
// resources (types, names, inputs, parents, providers, dependencies) directly, as a program
// written out by hand would, under the same mock runtime (the SDK's `setMocks` monitor, as the
// offline engine wraps it), so the ratio is exactly what the package's own code adds.
//
// "fleet" then plans tenants files of 10, 100 and 300 tenants shaped like that default config
// (`fleet plan` minus the disk writes: file checks, clashes, every tenant's offline plan and the
// summary) and reports the cost per tenant against the same hand-written baseline, and how flat
// it stays from 10 to 300 tenants.
import * as pulumi from "@pulumi/pulumi";
import { Firewall, type FirewallArgs } from "@pulumi/gcp/compute/firewall";
import { Router, type RouterArgs } from "@pulumi/gcp/compute/router";
import { RouterNat, type RouterNatArgs } from "@pulumi/gcp/compute/routerNat";
import { CryptoKey, type CryptoKeyArgs } from "@pulumi/gcp/kms/cryptoKey";
import { CryptoKeyIAMMember, type CryptoKeyIAMMemberArgs } from "@pulumi/gcp/kms/cryptoKeyIAMMember";
import { KeyRing, type KeyRingArgs } from "@pulumi/gcp/kms/keyRing";
import { getProjectOutput } from "@pulumi/gcp/organizations/getProject";
import { Network, type NetworkArgs } from "@pulumi/gcp/compute/network";
import { Subnetwork, type SubnetworkArgs } from "@pulumi/gcp/compute/subnetwork";
import { Cluster, type ClusterArgs } from "@pulumi/gcp/container/cluster";
import { NodePool, type NodePoolArgs } from "@pulumi/gcp/container/nodePool";
import { IAMMember, type IAMMemberArgs } from "@pulumi/gcp/projects/iammember";
import { Account, type AccountArgs } from "@pulumi/gcp/serviceaccount/account";
import { Namespace, type NamespaceArgs } from "@pulumi/kubernetes/core/v1/namespace";
import { Release, type ReleaseArgs } from "@pulumi/kubernetes/helm/v3/release";
import { Provider } from "@pulumi/kubernetes/provider";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { fleetPlanCommand, type FleetPlanResult } from "../cli/fleet-plan-command";
import { DEFAULT_FLEET_PLAN_LANES } from "../cli/fleet-plan-lanes";
import { planCommand } from "../cli/plan-command";
import { DEFAULT_PLAN_CONFIG } from "../program/default-config";
import { runOffline, type RecordedResource } from "../engine/offline-engine";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../components/gke/offline-answers";

const TARGET_RATIO = 1.2;
/** Per-tenant cost of the largest fleet over that of the smallest: the fleet must not slow down as it grows. */
const TARGET_FLATNESS = 1.2;
const FLEET_SIZES = [10, 100, 300] as const;
/** The fleet planned on one lane and on every core. */
const PARALLEL_FLEET_SIZE = 200;
const TARGET_SPEEDUP_2_CORES = 1.8;

/** Writes a tenants file of `count` tenants shaped like the default plan config, and returns its path. */
export function writeBenchFleet(count: number): string {
    // Each tenant's clusterName defaults to its name.
    const defaults: Record<string, unknown> = { ...DEFAULT_PLAN_CONFIG };
    delete defaults.clusterName;
    const tenants = Array.from({ length: count }, (_, index) => ({ name: `tenant-${String(index).padStart(3, "0")}` }));
    const file = join(mkdtempSync(join(tmpdir(), "bench-fleet-")), "tenants.yaml");
    writeFileSync(file, stringify({ defaults, tenants }));
    return file;
}

/**
 * Plans a fleet of `count` tenants as `fleet plan` does (without writing files), on `lanes` lanes
 * (default: one, so per-tenant costs compare with the hand-written baseline); returns it and its time.
 */
export async function planBenchFleet(count: number, lanes = 1, file = writeBenchFleet(count)): Promise<{ result: FleetPlanResult; milliseconds: number }> {
    const start = performance.now();
    const result = await fleetPlanCommand(file, { concurrency: String(lanes) });
    return { result, milliseconds: performance.now() - start };
}

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
    // The key ring and key share a logical name; each is found by its type.
    const recordedOf = <T>(type: string): T => {
        const resource = recorded.find((candidate) => candidate.type === type);
        if (!resource) {
            throw new Error(`the plan has no ${type}`);
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
            const router = new Router("dualstack-demo-router", { ...inputs<RouterArgs>("dualstack-demo-router"), network: network.id });
            new RouterNat("dualstack-demo-nat", { ...inputs<RouterNatArgs>("dualstack-demo-nat"), router: router.name });
            const keyRing = new KeyRing("dualstack-demo-secrets", recordedOf<KeyRingArgs>("gcp:kms/keyRing:KeyRing"));
            const key = new CryptoKey("dualstack-demo-secrets", { ...recordedOf<CryptoKeyArgs>("gcp:kms/cryptoKey:CryptoKey"), keyRing: keyRing.id });
            const projectNumber = getProjectOutput({ projectId: inputs<{ project: string }>("dualstack-demo-cluster").project }).number;
            const grant = new CryptoKeyIAMMember("dualstack-demo-secrets-key-gke-agent", {
                ...inputs<CryptoKeyIAMMemberArgs>("dualstack-demo-secrets-key-gke-agent"),
                cryptoKeyId: key.id,
                member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
            });
            const clusterInputs = inputs<ClusterArgs>("dualstack-demo-cluster");
            const cluster = new Cluster(
                "dualstack-demo-cluster",
                { ...clusterInputs, network: network.id, subnetwork: subnet.id, databaseEncryption: { state: "ENCRYPTED", keyName: key.id } },
                { dependsOn: [...roles, grant] },
            );
            const nodePool = new NodePool(
                "dualstack-demo-nodes",
                {
                    ...inputs<NodePoolArgs>("dualstack-demo-nodes"),
                    cluster: cluster.name,
                    nodeConfig: { ...inputs<{ nodeConfig: object }>("dualstack-demo-nodes").nodeConfig, serviceAccount: account.email },
                },
                { dependsOn: roles },
            );
            const kubeconfig = pulumi.secret(pulumi.interpolate`server: https://${cluster.endpoint}`);
            const provider = new Provider("dualstack-demo-k8s", { kubeconfig });
            const system = new Namespace("istio-istio-system", inputs<NamespaceArgs>("istio-istio-system"), { provider });
            const ingress = new Namespace("istio-istio-ingress", inputs<NamespaceArgs>("istio-istio-ingress"), { provider });
            const base = new Release("istio-base", { ...inputs<ReleaseArgs>("istio-base"), namespace: system.metadata.name }, { provider, dependsOn: [system] });
            const istiod = new Release(
                "istio-istiod",
                { ...inputs<ReleaseArgs>("istio-istiod"), namespace: system.metadata.name },
                { provider, dependsOn: [system, base, nodePool] },
            );
            new Release("istio-gateway", { ...inputs<ReleaseArgs>("istio-gateway"), namespace: ingress.metadata.name }, { provider, dependsOn: [ingress, istiod, nodePool] });
            return { kubeconfig };
        },
        { project: "dualstack-istio", stack: "dev", synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
    );
    return run.resources;
}

/** The custom resources' types, names and inputs, for comparing two programs. */
export function registrations(resources: readonly RecordedResource[]): string {
    return JSON.stringify(
        resources
            .filter((resource) => resource.custom)
            .map((resource) => [resource.type, resource.name, resource.inputs])
            .sort(),
    );
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

    const perTenant: number[] = [];
    process.stdout.write(`\nfleet plan, per tenant (${resources.length} resources each)\n`);
    for (const count of FLEET_SIZES) {
        const { result, milliseconds } = await planBenchFleet(count);
        if (result.rows.length !== count || result.rows.some((row) => row.resources !== resources.length)) {
            throw new Error(`the fleet of ${count} did not plan ${count} tenants of ${resources.length} resources`);
        }
        perTenant.push(milliseconds / count);
        process.stdout.write(
            `  ${String(count).padStart(3)} tenants  ${(milliseconds / 1000).toFixed(1)} s, ${(milliseconds / count).toFixed(1)} ms per tenant, ` +
                `${(milliseconds / count / median(baseline)).toFixed(2)} × hand-written\n`,
        );
    }
    const fleetRatio = perTenant[perTenant.length - 1] / median(baseline);
    const flatness = perTenant[perTenant.length - 1] / perTenant[0];
    process.stdout.write(
        `  ratio         ${fleetRatio.toFixed(2)} at ${FLEET_SIZES[FLEET_SIZES.length - 1]} tenants (target ≤ ${TARGET_RATIO})\n` +
            `  flatness      ${flatness.toFixed(2)} (${FLEET_SIZES[FLEET_SIZES.length - 1]} vs ${FLEET_SIZES[0]} tenants, target ≤ ${TARGET_FLATNESS})\n`,
    );

    // fleet plan on every core: the same fleet on one lane and on one lane per core, side by side.
    const lanes = DEFAULT_FLEET_PLAN_LANES;
    const parallelFleet = writeBenchFleet(PARALLEL_FLEET_SIZE);
    const serial = await planBenchFleet(PARALLEL_FLEET_SIZE, 1, parallelFleet);
    const parallel = await planBenchFleet(PARALLEL_FLEET_SIZE, lanes, parallelFleet);
    if (JSON.stringify(parallel.result.rows) !== JSON.stringify(serial.result.rows) || parallel.result.report !== serial.result.report) {
        throw new Error("fleet plan on several lanes printed something else than on one");
    }
    const speedup = serial.milliseconds / parallel.milliseconds;
    process.stdout.write(
        `\nfleet plan of ${PARALLEL_FLEET_SIZE} tenants, one lane vs ${lanes} (one per core)\n` +
            `  1 lane        ${(serial.milliseconds / 1000).toFixed(1)} s\n` +
            `  ${lanes} lanes${" ".repeat(Math.max(1, 7 - String(lanes).length))}${(parallel.milliseconds / 1000).toFixed(1)} s\n` +
            `  speed-up      ${speedup.toFixed(2)} × (target ≥ ${TARGET_SPEEDUP_2_CORES} on 2 cores), same output\n`,
    );
    if (values.check && (ratio > TARGET_RATIO || fleetRatio > TARGET_RATIO || flatness > TARGET_FLATNESS || (lanes >= 2 && speedup < TARGET_SPEEDUP_2_CORES))) {
        process.exitCode = 1;
    }
}

if (require.main === module) {
    void main();
}
