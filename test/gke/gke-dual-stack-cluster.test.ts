import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { GkeDualStackCluster } from "../../components/gke/gke-dual-stack-cluster";
import type { GkeDualStackClusterArgs } from "../../components/gke/plan";
import { DualStackIstio } from "../../components/istio/dual-stack-istio";
import { type OfflineRun, runOffline } from "../../engine/offline-engine";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "../../components/gke/offline-answers";
import { GKE_ARGS, resource } from "./gke-cluster-support";

const ARGS = GKE_ARGS;
const COMPONENT = "dualstack-istio:index:GkeDualStackCluster";
const child = (type: string, name: string) => `urn:pulumi:stack::project::${COMPONENT}$${type}::${name}`;

let kubeconfigSeen = "";

function runGke(args: GkeDualStackClusterArgs, withIstio = false): Promise<OfflineRun> {
    return runOffline(
        () => {
            const cluster = new GkeDualStackCluster("demo", args);
            cluster.kubeconfig.apply((text) => (kubeconfigSeen = text));
            if (withIstio) {
                new DualStackIstio("istio", { target: cluster.target, gateway: { enabled: true } });
            }
            return { kubeconfig: cluster.kubeconfig, subnetIpv6CidrRange: cluster.subnetIpv6CidrRange, endpoint: cluster.endpoint };
        },
        { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
    );
}

describe("GkeDualStackCluster", () => {
    let run: OfflineRun;
    before(async () => {
        run = await runGke(ARGS);
    });

    it("creates exactly the network, firewalls, Cloud NAT, identity, Secrets key, cluster, node pool and provider", () => {
        assert.deepEqual(run.resources.map((r) => `${r.type} ${r.name}`).sort(), [
            `${COMPONENT} demo`,
            "gcp:compute/firewall:Firewall demo-allow-health-checks-ipv4",
            "gcp:compute/firewall:Firewall demo-allow-health-checks-ipv6",
            "gcp:compute/firewall:Firewall demo-allow-internal-ipv4",
            "gcp:compute/firewall:Firewall demo-allow-internal-ipv6",
            "gcp:compute/network:Network demo-network",
            "gcp:compute/router:Router demo-router",
            "gcp:compute/routerNat:RouterNat demo-nat",
            "gcp:compute/subnetwork:Subnetwork demo-subnet",
            "gcp:container/cluster:Cluster demo-cluster",
            "gcp:container/nodePool:NodePool demo-nodes",
            "gcp:kms/cryptoKey:CryptoKey demo-secrets",
            "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember demo-secrets-key-gke-agent",
            "gcp:kms/keyRing:KeyRing demo-secrets",
            "gcp:projects/iAMMember:IAMMember demo-node-account-artifactregistry-reader",
            "gcp:projects/iAMMember:IAMMember demo-node-account-container-defaultNodeServiceAccount",
            "gcp:serviceaccount/account:Account demo-node-account",
            "pulumi:providers:kubernetes demo-k8s",
            "pulumi:pulumi:Stack project-stack",
        ]);
        const component = `urn:pulumi:stack::project::${COMPONENT}::demo`;
        assert.ok(run.resources.filter((r) => r.custom).every((r) => r.parent === component));
    });

    it("makes a custom-mode network and a dual-stack subnet with IPv4 secondary ranges", () => {
        assert.deepEqual(resource(run, "gcp:compute/network:Network", "demo-network").inputs, {
            project: "my-project",
            autoCreateSubnetworks: false,
            routingMode: "REGIONAL",
            enableUlaInternalIpv6: false,
        });
        const subnet = resource(run, "gcp:compute/subnetwork:Subnetwork", "demo-subnet");
        assert.deepEqual(subnet.inputs, {
            project: "my-project",
            region: "europe-west4",
            network: "projects/my-project/global/networks/demo-network-53f33ab",
            ipCidrRange: "10.0.0.0/20",
            stackType: "IPV4_IPV6",
            ipv6AccessType: "EXTERNAL",
            privateIpGoogleAccess: true,
            secondaryIpRanges: [
                { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
                { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
            ],
            logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        });
        assert.deepEqual(subnet.dependsOn, [child("gcp:compute/network:Network", "demo-network")]);
    });

    it("opens the VPC and the health checks once per family", () => {
        const ipv6 = run.stackOutputs.subnetIpv6CidrRange as string;
        assert.match(ipv6, /^2001:db8:[0-9a-f]{4}:[0-9a-f]{4}::\/64$/);
        const rule = (name: string) => resource(run, "gcp:compute/firewall:Firewall", name).inputs;
        const common = { project: "my-project", network: "projects/my-project/global/networks/demo-network-53f33ab", direction: "INGRESS" };
        assert.deepEqual(rule("demo-allow-internal-ipv4"), {
            ...common,
            sourceRanges: ["10.0.0.0/20", "10.16.0.0/14"],
            allows: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "icmp" }],
            description: "Nodes and pods talk to each other over IPv4.",
        });
        assert.deepEqual(rule("demo-allow-internal-ipv6"), {
            ...common,
            sourceRanges: [ipv6],
            allows: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "58" }],
            description: "Nodes and pods talk to each other over IPv6 (the subnet's /64 holds both).",
        });
        assert.deepEqual(rule("demo-allow-health-checks-ipv4"), {
            ...common,
            // https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges: the regional external passthrough NLB's probes.
            sourceRanges: ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"],
            allows: [{ protocol: "tcp" }],
            description: "Health checks of external passthrough load balancers over IPv4.",
        });
        assert.deepEqual(rule("demo-allow-health-checks-ipv6"), {
            ...common,
            sourceRanges: ["2600:1901:8001::/48"],
            allows: [{ protocol: "tcp" }],
            description: "Health checks of external passthrough load balancers over IPv6.",
        });
        // Firewalls wait for the network only (the IPv6 rule also for the subnet's range), not for the cluster.
        assert.deepEqual(resource(run, "gcp:compute/firewall:Firewall", "demo-allow-internal-ipv6").dependsOn, [
            child("gcp:compute/network:Network", "demo-network"),
            child("gcp:compute/subnetwork:Subnetwork", "demo-subnet"),
        ]);
    });

    it("creates a VPC-native Dataplane V2 cluster with IPV4_IPV6 and the secure defaults", () => {
        const ring = resource(run, "gcp:kms/keyRing:KeyRing", "demo-secrets").outputs.name as string;
        const key = resource(run, "gcp:kms/cryptoKey:CryptoKey", "demo-secrets").outputs.name as string;
        const SECRETS_KEY = `projects/my-project/locations/europe-west4/keyRings/${ring}/cryptoKeys/${key}`;
        assert.deepEqual(resource(run, "gcp:container/cluster:Cluster", "demo-cluster").inputs, {
            project: "my-project",
            name: "demo",
            location: "europe-west4",
            network: "projects/my-project/global/networks/demo-network-53f33ab",
            subnetwork: "projects/my-project/regions/europe-west4/subnetworks/demo-subnet-f59657b",
            networkingMode: "VPC_NATIVE",
            datapathProvider: "ADVANCED_DATAPATH",
            ipAllocationPolicy: { stackType: "IPV4_IPV6", clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
            enableL4IlbSubsetting: true,
            enableIntranodeVisibility: true,
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            minMasterVersion: "1.35",
            releaseChannel: { channel: "REGULAR" },
            deletionProtection: true,
            enableShieldedNodes: true,
            enableLegacyAbac: false,
            enableKubernetesAlpha: false,
            rbacBindingConfig: { enableInsecureBindingSystemUnauthenticated: false, enableInsecureBindingSystemAuthenticated: false },
            securityPostureConfig: { mode: "BASIC" },
            nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: "FALSE" } },
            maintenancePolicy: { recurringWindow: { startTime: "2025-01-04T00:00:00Z", endTime: "2025-01-04T08:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" } },
            masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
            workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
            loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
            monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
            privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
            masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "81.2.69.0/24" }], gcpPublicCidrsAccessEnabled: false },
            databaseEncryption: { state: "ENCRYPTED", keyName: SECRETS_KEY },
            nodeConfig: { serviceAccount: "demo-nodes@my-project.iam.gserviceaccount.com", oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] },
        });
    });

    it("encrypts Secrets with a key ring and key of its own, autonamed and rotated every 90 days, which GKE's agent may use before the cluster exists", () => {
        const ring = resource(run, "gcp:kms/keyRing:KeyRing", "demo-secrets");
        assert.deepEqual(ring.inputs, { project: "my-project", location: "europe-west4" });
        const key = resource(run, "gcp:kms/cryptoKey:CryptoKey", "demo-secrets");
        const ringId = `projects/my-project/locations/europe-west4/keyRings/${ring.outputs.name as string}`;
        assert.deepEqual(key.inputs, { keyRing: ringId, purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" });
        const grant = resource(run, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "demo-secrets-key-gke-agent");
        const projectNumber = GCP_INVOKES["gcp:organizations/getProject:getProject"]({ projectId: "my-project" }).number as string;
        assert.deepEqual(grant.inputs, {
            cryptoKeyId: `${ringId}/cryptoKeys/${key.outputs.name as string}`,
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
        });
        assert.ok(resource(run, "gcp:container/cluster:Cluster", "demo-cluster").dependsOn.includes(grant.urn));
    });

    it("runs the temporary default pool as the node account, once its roles are granted", () => {
        const cluster = resource(run, "gcp:container/cluster:Cluster", "demo-cluster");
        const roles = run.resources.filter((r) => r.type === "gcp:projects/iAMMember:IAMMember").map((r) => r.urn);
        assert.equal(roles.length, 2);
        for (const role of [...roles, child("gcp:serviceaccount/account:Account", "demo-node-account")]) {
            assert.ok(cluster.dependsOn.includes(role), role);
        }
    });

    it("replaces the subnet by deleting it first, and keeps a cluster made before the default pool's account", async () => {
        const options = new Map<string, pulumi.CustomResourceOptions>();
        await runOffline(
            () => {
                pulumi.runtime.registerStackTransformation(({ name, props, opts }) => {
                    options.set(name, opts);
                    return { props, opts };
                });
                new GkeDualStackCluster("demo", ARGS);
            },
            { synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES },
        );
        const subnet = options.get("demo-subnet");
        assert.deepEqual(subnet?.replaceOnChanges, ["ipv6AccessType"]);
        assert.equal(subnet?.deleteBeforeReplace, true);
        assert.deepEqual(options.get("demo-cluster")?.ignoreChanges, ["nodeConfig"]);
    });

    it("runs an autoscaled, shielded COS node pool as a dedicated least-privilege account", () => {
        const pool = resource(run, "gcp:container/nodePool:NodePool", "demo-nodes");
        assert.deepEqual(pool.inputs, {
            project: "my-project",
            cluster: "demo",
            location: "europe-west4",
            initialNodeCount: 1,
            autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
            management: { autoRepair: true, autoUpgrade: true },
            nodeConfig: {
                machineType: "e2-standard-4",
                imageType: "COS_CONTAINERD",
                serviceAccount: "demo-nodes@my-project.iam.gserviceaccount.com",
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                metadata: { "disable-legacy-endpoints": "true" },
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                kubeletConfig: { insecureKubeletReadonlyPortEnabled: "FALSE" },
            },
        });
        const roles = run.resources.filter((r) => r.type === "gcp:projects/iAMMember:IAMMember");
        assert.deepEqual(
            roles.map((r) => r.inputs),
            ["container.defaultNodeServiceAccount", "artifactregistry.reader"].map((role) => ({
                project: "my-project",
                role: `roles/${role}`,
                member: "serviceAccount:demo-nodes@my-project.iam.gserviceaccount.com",
            })),
        );
        assert.deepEqual(
            pool.dependsOn,
            [child("gcp:container/cluster:Cluster", "demo-cluster"), ...roles.map((r) => r.urn).sort(), child("gcp:serviceaccount/account:Account", "demo-node-account")].sort(),
        );
    });

    it("builds a secret kubeconfig with gke-gcloud-auth-plugin, and a provider from it", () => {
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        const provider = resource(run, "pulumi:providers:kubernetes", "demo-k8s");
        assert.deepEqual(provider.inputs, { kubeconfig: "[secret]" });
        assert.deepEqual(provider.dependsOn, [child("gcp:container/cluster:Cluster", "demo-cluster")]);
        const kubeconfig = parse(kubeconfigSeen) as Record<string, unknown>;
        const name = "gke_my-project_europe-west4_demo";
        assert.deepEqual(kubeconfig, {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name,
                    cluster: {
                        server: "https://203.0.113.10",
                        "certificate-authority-data": Buffer.from("offline plan of projects/my-project/locations/europe-west4/clusters/demo: no real certificate").toString(
                            "base64",
                        ),
                    },
                },
            ],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
            users: [
                {
                    name,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "gke-gcloud-auth-plugin",
                            provideClusterInfo: true,
                            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                        },
                    },
                },
            ],
        });
    });

    it("lets Istio's CRDs start with the control plane while istiod waits for the node pool", async () => {
        const mesh = await runGke(ARGS, true);
        const release = (name: string) => resource(mesh, "kubernetes:helm.sh/v3:Release", name);
        const nodePool = child("gcp:container/nodePool:NodePool", "demo-nodes");
        const provider = child("pulumi:providers:kubernetes", "demo-k8s");
        assert.ok(!release("istio-base").dependsOn.includes(nodePool));
        assert.ok(release("istio-istiod").dependsOn.includes(nodePool));
        assert.ok(release("istio-gateway").dependsOn.includes(nodePool));
        for (const name of ["istio-base", "istio-istiod", "istio-gateway"]) {
            assert.equal(release(name).provider, provider);
        }
        assert.deepEqual((release("istio-istiod").inputs.values as { global: { platform?: string } }).global.platform, undefined);
        // The RBS external passthrough load balancer, the one of GKE's with IPv6 forwarding rules.
        assert.deepEqual((release("istio-gateway").inputs.values as { service: unknown }).service, {
            type: "LoadBalancer",
            ipFamilyPolicy: "RequireDualStack",
            ipFamilies: ["IPv4", "IPv6"],
            annotations: { "cloud.google.com/l4-rbs": "enabled" },
        });
    });

    it("turns on ULA for INTERNAL access, and builds the IPv6 rule from the internal prefix", async () => {
        const internal = await runGke({ ...ARGS, ipv6AccessType: "INTERNAL" });
        assert.equal(resource(internal, "gcp:compute/network:Network", "demo-network").inputs.enableUlaInternalIpv6, true);
        assert.equal(resource(internal, "gcp:compute/subnetwork:Subnetwork", "demo-subnet").inputs.ipv6AccessType, "INTERNAL");
        const range = internal.stackOutputs.subnetIpv6CidrRange as string;
        assert.match(range, /^fd20:db8:/);
        assert.deepEqual(resource(internal, "gcp:compute/firewall:Firewall", "demo-allow-internal-ipv6").inputs.sourceRanges, [range]);
    });

    it("adds Cloud NAT, private nodes, zones, KMS encryption and opt-outs when asked", async () => {
        const custom = await runGke({
            ...ARGS,
            privateNodes: true,
            ipv6AccessType: "INTERNAL",
            zones: ["europe-west4-a", "europe-west4-b"],
            secretsEncryptionKey: "projects/kms/locations/europe-west4/keyRings/r/cryptoKeys/k",
            enableWorkloadIdentity: false,
            enableShieldedNodes: false,
            enableLoggingAndMonitoring: false,
            releaseChannel: "UNSPECIFIED",
            deletionProtection: false,
        });
        const cluster = resource(custom, "gcp:container/cluster:Cluster", "demo-cluster").inputs;
        assert.deepEqual(cluster.privateClusterConfig, { enablePrivateNodes: true, enablePrivateEndpoint: false });
        assert.deepEqual(cluster.nodeLocations, ["europe-west4-a", "europe-west4-b"]);
        assert.deepEqual(cluster.databaseEncryption, { state: "ENCRYPTED", keyName: "projects/kms/locations/europe-west4/keyRings/r/cryptoKeys/k" });
        // GKE's service agent may use the key before the cluster is created, or the create fails.
        const grant = resource(custom, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "demo-secrets-key-gke-agent");
        const projectNumber = GCP_INVOKES["gcp:organizations/getProject:getProject"]({ projectId: "my-project" }).number as string;
        assert.match(projectNumber, /^[1-9]\d{11}$/);
        assert.deepEqual(grant.inputs, {
            cryptoKeyId: "projects/kms/locations/europe-west4/keyRings/r/cryptoKeys/k",
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
        });
        assert.ok(resource(custom, "gcp:container/cluster:Cluster", "demo-cluster").dependsOn.includes(grant.urn));
        assert.equal(cluster.workloadIdentityConfig, undefined);
        assert.equal(cluster.enableShieldedNodes, false);
        assert.equal(cluster.loggingService, "none");
        assert.equal(cluster.monitoringService, "none");
        assert.equal(cluster.loggingConfig, undefined);
        assert.deepEqual(cluster.releaseChannel, { channel: "UNSPECIFIED" });
        assert.equal(cluster.deletionProtection, false);
        const nodeConfig = resource(custom, "gcp:container/nodePool:NodePool", "demo-nodes").inputs.nodeConfig as Record<string, unknown>;
        assert.equal(nodeConfig.shieldedInstanceConfig, undefined);
        assert.equal(nodeConfig.workloadMetadataConfig, undefined);
        assert.deepEqual(resource(custom, "gcp:compute/router:Router", "demo-router").inputs, {
            project: "my-project",
            region: "europe-west4",
            network: "projects/my-project/global/networks/demo-network-53f33ab",
        });
        assert.deepEqual(resource(custom, "gcp:compute/routerNat:RouterNat", "demo-nat").inputs, {
            project: "my-project",
            region: "europe-west4",
            router: "demo-router-1392129",
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
        });
    });

    it("refuses bad arguments before registering anything", async () => {
        await assert.rejects(runGke({ ...ARGS, region: "europe-west4-b" }), (error: Error & { resources: { type: string }[] }) => {
            assert.equal(error.message.split("\n")[0], "region: 'europe-west4-b' is a zone; give its region, europe-west4, for a regional cluster (GkeDualStackCluster 'demo')");
            assert.deepEqual(
                error.resources.map((r) => r.type),
                ["pulumi:pulumi:Stack"],
            );
            return true;
        });
    });
});
