import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { GKE_CIS } from "../../components/gke/cis";
import { GCP_CLOUD, type GcpCloudPlan, type GcpStackConfig } from "../../components/gke/cloud";
import { GkeDualStackCluster } from "../../components/gke/gke-dual-stack-cluster";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";
import { type OfflineRun, type RecordedValue, runOffline } from "../../engine/offline-engine";
import { TEST_TODAY } from "../support/clock";

type Inputs = { readonly [key: string]: RecordedValue };
const BASE = { cloud: "gcp", clusterName: "demo", region: "europe-west4" };

/** Every opt-out at once, and every opt-in at once (a private endpoint needs private nodes, so they cannot be one stack). */
const STACKS = {
    defaults: { gcp: { project: "my-project" } },
    optedOut: {
        gcp: {
            project: "my-project",
            insecureRbacBindings: true,
            workloadIdentity: false,
            customerManagedSecretsKey: false,
            nodeImageType: "UBUNTU_CONTAINERD",
            nodeAutoRepair: false,
            releaseChannel: "UNSPECIFIED",
            shieldedNodes: false,
            flowLogs: false,
            privateNodes: false,
            loggingAndMonitoring: false,
            securityPosture: "DISABLED",
        },
    },
    optedIn: { gcp: { project: "my-project", privateEndpoint: true, authorizedNetworks: ["81.2.69.0/24"] } },
};

const inputs = (run: OfflineRun, type: string, name: string): Inputs => {
    const found = run.resources.filter((resource) => resource.type === type && resource.name === name);
    assert.equal(found.length, 1, `${type} ${name}`);
    return found[0].inputs;
};
const field = (value: RecordedValue | undefined, path: string): RecordedValue | undefined =>
    path.split(".").reduce<RecordedValue | undefined>((node, key) => (node !== null && typeof node === "object" && !Array.isArray(node) ? node[key] : undefined), value);
const cluster = (run: OfflineRun, path: string) => field(inputs(run, "gcp:container/cluster:Cluster", "demo-cluster"), path);
const pool = (run: OfflineRun, path: string) => field(inputs(run, "gcp:container/nodePool:NodePool", "demo-nodes"), path);

/** What each control means in the resources the component registers, read independently of `on`. */
const HOLDS: Readonly<Record<string, (run: OfflineRun) => boolean>> = {
    "4.1.8": (run) => cluster(run, "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated") === false,
    "4.1.9": (run) => cluster(run, "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated") === false,
    "4.1.10": (run) => cluster(run, "rbacBindingConfig.enableInsecureBindingSystemAuthenticated") === false,
    "4.3.1": (run) => cluster(run, "datapathProvider") === "ADVANCED_DATAPATH",
    "5.1.3": (run) => {
        const roles = run.resources.filter((resource) => resource.type === "gcp:projects/iAMMember:IAMMember").map((resource) => resource.inputs.role);
        return (
            roles.includes("roles/artifactregistry.reader") &&
            roles.every((role) => role === "roles/artifactregistry.reader" || role === "roles/container.defaultNodeServiceAccount")
        );
    },
    "5.2.1": (run) => {
        const email = `${inputs(run, "gcp:serviceaccount/account:Account", "demo-node-account").accountId as string}@my-project.iam.gserviceaccount.com`;
        return cluster(run, "nodeConfig.serviceAccount") === email && pool(run, "nodeConfig.serviceAccount") === email;
    },
    "5.2.2": (run) => cluster(run, "workloadIdentityConfig.workloadPool") === "my-project.svc.id.goog",
    "5.3.1": (run) => cluster(run, "databaseEncryption.state") === "ENCRYPTED",
    "5.4.1": (run) => pool(run, "nodeConfig.workloadMetadataConfig.mode") === "GKE_METADATA",
    "5.5.1": (run) => pool(run, "nodeConfig.imageType") === "COS_CONTAINERD",
    "5.5.2": (run) => pool(run, "management.autoRepair") === true,
    "5.5.3": (run) => pool(run, "management.autoUpgrade") === true,
    "5.5.4": (run) => ["RAPID", "REGULAR", "STABLE", "EXTENDED"].includes(cluster(run, "releaseChannel.channel") as string),
    "5.5.5": (run) => cluster(run, "enableShieldedNodes") === true,
    "5.5.6": (run) => pool(run, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring") === true,
    "5.5.7": (run) => pool(run, "nodeConfig.shieldedInstanceConfig.enableSecureBoot") === true,
    "5.6.1": (run) => cluster(run, "enableIntranodeVisibility") === true && field(inputs(run, "gcp:compute/subnetwork:Subnetwork", "demo-subnet"), "logConfig") !== undefined,
    "5.6.2": (run) => cluster(run, "networkingMode") === "VPC_NATIVE",
    "5.6.3": (run) => Array.isArray(cluster(run, "masterAuthorizedNetworksConfig.cidrBlocks")),
    "5.6.4": (run) => cluster(run, "privateClusterConfig.enablePrivateEndpoint") === true,
    "5.6.5": (run) => cluster(run, "privateClusterConfig.enablePrivateNodes") === true,
    "5.6.6": (run) =>
        inputs(run, "gcp:compute/network:Network", "demo-network").autoCreateSubnetworks === false &&
        run.resources
            .filter((resource) => resource.type === "gcp:compute/firewall:Firewall")
            .every((rule) => (rule.inputs.sourceRanges as string[]).every((range) => range !== "0.0.0.0/0" && range !== "::/0")),
    "5.7.1": (run) => (cluster(run, "loggingConfig.enableComponents") as string[] | undefined)?.includes("WORKLOADS") === true,
    "5.8.1": (run) => cluster(run, "masterAuth.clientCertificateConfig.issueClientCertificate") === false,
    "5.8.3": (run) => cluster(run, "enableLegacyAbac") === false,
    "5.10.2": (run) => cluster(run, "enableKubernetesAlpha") === false,
    "5.10.4": (run) => ["BASIC", "ENTERPRISE"].includes(cluster(run, "securityPostureConfig.mode") as string),
};

describe("CIS GKE controls, as the GKE component registers them", () => {
    const runs = new Map<string, { plan: GcpCloudPlan; run: OfflineRun }>();
    before(async () => {
        for (const [name, document] of Object.entries(STACKS)) {
            const config = parseStackConfig({ ...BASE, ...document }) as unknown as GcpStackConfig;
            const plan = GCP_CLOUD.plan(config, TEST_TODAY);
            const run = await runOffline(
                () => {
                    new GkeDualStackCluster("demo", plan.args);
                },
                { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
            );
            runs.set(name, { plan, run });
        }
    });

    it("has a reading of every control in the resources", () => {
        assert.deepEqual(
            GKE_CIS.controls.map((control) => control.id),
            Object.keys(HOLDS),
        );
    });

    for (const control of GKE_CIS.controls) {
        it(`${control.id} holds in the resources exactly when the plan says it is on, by default, opted out and opted in`, () => {
            for (const [name, { plan, run }] of runs) {
                assert.equal(HOLDS[control.id](run), control.on(plan), `${control.id} in the ${name} stack`);
            }
            assert.equal(HOLDS[control.id](runs.get("defaults")!.run), control.optIn === undefined, `${control.id} by default`);
        });
    }
});
