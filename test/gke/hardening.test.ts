import assert from "node:assert/strict";
import { GKE_ARGS as ARGS, resource, runGkeCluster as runGke } from "./gke-cluster-support";

describe("GkeDualStackCluster's hardening opt-outs", () => {
    it("turns each hardening off with its own argument, and the private endpoint on", async () => {
        const open = await runGke({
            ...ARGS,
            privateNodes: false,
            customerManagedSecretsKey: false,
            insecureRbacBindings: true,
            securityPosture: "DISABLED",
            flowLogs: false,
            nodeAutoRepair: false,
            insecureKubeletReadonlyPort: true,
            nodeImageType: "UBUNTU_CONTAINERD",
            maintenanceWindow: { enabled: false },
        });
        const types = open.resources.map((r) => r.type);
        for (const absent of ["gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "gcp:compute/router:Router"]) {
            assert.ok(!types.includes(absent), absent);
        }
        const cluster = resource(open, "gcp:container/cluster:Cluster", "demo-cluster").inputs;
        assert.equal(cluster.databaseEncryption, undefined);
        assert.equal(cluster.privateClusterConfig, undefined);
        assert.equal(cluster.maintenancePolicy, undefined);
        assert.equal(cluster.enableIntranodeVisibility, false);
        assert.deepEqual(cluster.rbacBindingConfig, { enableInsecureBindingSystemUnauthenticated: true, enableInsecureBindingSystemAuthenticated: true });
        assert.deepEqual(cluster.securityPostureConfig, { mode: "DISABLED" });
        assert.deepEqual(cluster.nodePoolDefaults, { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "TRUE" } });
        assert.equal(resource(open, "gcp:compute/subnetwork:Subnetwork", "demo-subnet").inputs.logConfig, undefined);
        const pool = resource(open, "gcp:container/nodePool:NodePool", "demo-nodes").inputs as { management: unknown; nodeConfig: Record<string, unknown> };
        assert.deepEqual(pool.management, { autoRepair: false, autoUpgrade: true });
        assert.equal(pool.nodeConfig.imageType, "UBUNTU_CONTAINERD");
        assert.deepEqual(pool.nodeConfig.kubeletConfig, { insecureKubeletReadonlyPortEnabled: "TRUE" });

        const closed = await runGke({ ...ARGS, privateEndpoint: true });
        assert.deepEqual(resource(closed, "gcp:container/cluster:Cluster", "demo-cluster").inputs.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: true });
        // GKE refuses a private endpoint with authorized networks off: with none listed, only the VPC reaches it.
        const vpcOnly = await runGke({ project: "my-project", region: "europe-west4", privateEndpoint: true });
        assert.deepEqual(resource(vpcOnly, "gcp:container/cluster:Cluster", "demo-cluster").inputs.masterAuthorizedNetworksConfig, {
            cidrBlocks: [],
            gcpPublicCidrsAccessEnabled: false,
        });
    });
});
