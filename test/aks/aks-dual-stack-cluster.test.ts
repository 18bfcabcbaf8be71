import assert from "node:assert/strict";
import { parse } from "yaml";
import { AksDualStackCluster } from "../../components/aks/aks-dual-stack-cluster";
import { AZURE_INVOKES, AZURE_SYNTHESIZERS, OFFLINE_AZURE_DEPLOYER_OBJECT_ID } from "../../components/aks/offline-answers";
import type { AksDualStackClusterArgs } from "../../components/aks/plan";
import { DualStackIstio } from "../../components/istio/dual-stack-istio";
import { type OfflineRun, OfflineRunError, type RecordedResource, runOffline } from "../../engine/offline-engine";

const SUBSCRIPTION = "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42";
const ARGS: AksDualStackClusterArgs = { subscriptionId: SUBSCRIPTION, location: "westeurope", authorizedIpRanges: ["81.2.69.0/24"] };
const COMPONENT = "dualstack-istio:index:AksDualStackCluster";
const child = (type: string, name: string) => `urn:pulumi:stack::project::${COMPONENT}$${type}::${name}`;

const T = {
    azure: "pulumi:providers:azure-native",
    group: "azure-native:resources:ResourceGroup",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    role: "azure-native:authorization:RoleAssignment",
    cluster: "azure-native:containerservice:ManagedCluster",
    pool: "azure-native:containerservice:AgentPool",
    k8s: "pulumi:providers:kubernetes",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

/** Built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const ROLE = (id: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const NETWORK_CONTRIBUTOR = ROLE("4d97b98b-1d4f-4787-a291-c67834d212e7");
const AKS_RBAC_CLUSTER_ADMIN = ROLE("b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b");

let kubeconfigSeen = "";

function runAks(args: AksDualStackClusterArgs, withIstio = false): Promise<OfflineRun> {
    return runOffline(
        () => {
            const cluster = new AksDualStackCluster("demo", args);
            cluster.kubeconfig.apply((text) => (kubeconfigSeen = text));
            if (withIstio) {
                new DualStackIstio("istio", { target: cluster.target, gateway: { enabled: true } });
            }
            return { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, oidcIssuerUrl: cluster.oidcIssuerUrl, clusterName: cluster.clusterName };
        },
        { synthesizers: AZURE_SYNTHESIZERS, invokes: AZURE_INVOKES },
    );
}

function resource(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((candidate) => candidate.type === type && candidate.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0];
}

/** The ARM id the engine gave a resource (its synthesizer is deterministic, so asking again gives the same). */
const idOf = (run: OfflineRun, type: string, name: string) => AZURE_SYNTHESIZERS[type]({ type, name, inputs: resource(run, type, name).inputs }).id;

describe("AksDualStackCluster", () => {
    let run: OfflineRun;
    let kubeconfig: string;
    before(async () => {
        run = await runAks(ARGS);
        kubeconfig = kubeconfigSeen;
    });

    it("registers exactly the group, network, identity, roles, cluster, user pool and providers, in this order", () => {
        assert.deepEqual(
            run.resources.map((r) => `${r.type} ${r.name}`),
            [
                "pulumi:pulumi:Stack project-stack",
                `${COMPONENT} demo`,
                `${T.azure} demo-azure`,
                `${T.group} demo-rg`,
                `${T.identity} demo-identity`,
                `${T.vnet} demo-vnet`,
                `${T.subnet} demo-nodes`,
                `${T.role} demo-identity-network`,
                `${T.cluster} demo`,
                `${T.role} demo-deployer-admin`,
                `${T.k8s} demo-k8s`,
                `${T.pool} demo-user`,
            ],
        );
        const component = `urn:pulumi:stack::project::${COMPONENT}::demo`;
        assert.ok(run.resources.filter((r) => r.custom).every((r) => r.parent === component));
        // Every Azure resource goes through the component's provider, pinned to the subscription and region.
        assert.deepEqual(resource(run, T.azure, "demo-azure").inputs, { environment: "public", subscriptionId: SUBSCRIPTION, location: "westeurope" });
        for (const r of run.resources.filter((candidate) => candidate.type.startsWith("azure-native:"))) {
            assert.equal(r.provider, child(T.azure, "demo-azure"), `${r.type} ${r.name}`);
        }
        assert.deepEqual(run.diagnostics, []);
    });

    it("makes a resource group, a dual-stack VNet and a node subnet with an IPv4 range and an IPv6 /64", () => {
        assert.deepEqual(resource(run, T.group, "demo-rg").inputs, { resourceGroupName: "demo-rg", location: "westeurope" });
        assert.deepEqual(resource(run, T.vnet, "demo-vnet").inputs, {
            virtualNetworkName: "demo-vnet",
            resourceGroupName: "demo-rg",
            location: "westeurope",
            addressSpace: { addressPrefixes: ["10.224.0.0/16", "fd00:10:224::/48"] },
            enableDdosProtection: false,
            enableVmProtection: false,
        });
        const subnet = resource(run, T.subnet, "demo-nodes");
        assert.deepEqual(subnet.inputs, {
            subnetName: "nodes",
            virtualNetworkName: "demo-vnet",
            resourceGroupName: "demo-rg",
            addressPrefixes: ["10.224.0.0/16", "fd00:10:224::/64"],
            privateEndpointNetworkPolicies: "Disabled",
            privateLinkServiceNetworkPolicies: "Enabled",
        });
        assert.deepEqual(subnet.dependsOn, [child(T.vnet, "demo-vnet"), child(T.group, "demo-rg")]);
    });

    it("lets the cluster's own identity join the subnet (Network Contributor on it) before the cluster is created", () => {
        const identity = resource(run, T.identity, "demo-identity");
        assert.deepEqual(identity.inputs, { resourceName: "demo-identity", resourceGroupName: "demo-rg", location: "westeurope" });
        assert.deepEqual(resource(run, T.role, "demo-identity-network").inputs, {
            principalId: identity.outputs.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: NETWORK_CONTRIBUTOR,
            scope: idOf(run, T.subnet, "demo-nodes"),
        });
        assert.ok(resource(run, T.cluster, "demo").dependsOn.includes(child(T.role, "demo-identity-network")));
    });

    it("creates the cluster on Azure CNI Overlay dual-stack with Cilium, Entra ID and Azure RBAC, no local accounts", () => {
        const subnetId = idOf(run, T.subnet, "demo-nodes");
        assert.deepEqual(resource(run, T.cluster, "demo").inputs, {
            resourceName: "demo",
            resourceGroupName: "demo-rg",
            location: "westeurope",
            dnsPrefix: "demo",
            kubernetesVersion: "1.35",
            identity: { type: "UserAssigned", userAssignedIdentities: [idOf(run, T.identity, "demo-identity")] },
            agentPoolProfiles: [
                {
                    name: "system",
                    mode: "System",
                    count: 2,
                    vmSize: "Standard_D2s_v5",
                    vnetSubnetID: subnetId,
                    osType: "Linux",
                    osSKU: "Ubuntu",
                    type: "VirtualMachineScaleSets",
                    nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
                },
            ],
            networkProfile: {
                networkPlugin: "azure",
                networkPluginMode: "overlay",
                networkDataplane: "cilium",
                networkPolicy: "cilium",
                ipFamilies: ["IPv4", "IPv6"],
                podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
                serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
                podCidr: "10.244.0.0/16",
                serviceCidr: "10.0.0.0/16",
                dnsServiceIP: "10.0.0.10",
                loadBalancerSku: "standard",
                outboundType: "loadBalancer",
                // The SDK fills in the profile's other defaults; countIPv6 must be given or it sends 0.
                loadBalancerProfile: {
                    managedOutboundIPs: { count: 1, countIPv6: 1 },
                    allocatedOutboundPorts: 0,
                    backendPoolType: "NodeIPConfiguration",
                    idleTimeoutInMinutes: 30,
                },
            },
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [] },
            disableLocalAccounts: true,
            enableRBAC: true,
            apiServerAccessProfile: { authorizedIPRanges: ["81.2.69.0/24"] },
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
            securityProfile: { workloadIdentity: { enabled: true }, imageCleaner: { enabled: true, intervalHours: 168 } },
            oidcIssuerProfile: { enabled: true },
            addonProfiles: { azurepolicy: { enabled: true } },
            sku: { name: "Base", tier: "Standard" },
        });
    });

    it("runs Istio's user pool autoscaled on the same subnet, after the cluster", () => {
        const pool = resource(run, T.pool, "demo-user");
        assert.deepEqual(pool.inputs, {
            agentPoolName: "user",
            resourceName: "demo",
            resourceGroupName: "demo-rg",
            mode: "User",
            count: 2,
            minCount: 2,
            maxCount: 4,
            enableAutoScaling: true,
            vmSize: "Standard_D4s_v5",
            vnetSubnetID: idOf(run, T.subnet, "demo-nodes"),
            osType: "Linux",
            osSKU: "Ubuntu",
            type: "VirtualMachineScaleSets",
        });
        assert.ok(pool.dependsOn.includes(child(T.cluster, "demo")));
    });

    it("makes whoever runs pulumi up an AKS RBAC cluster admin, and the Kubernetes provider waits for that", () => {
        const admin = resource(run, T.role, "demo-deployer-admin");
        assert.deepEqual(admin.inputs, {
            principalId: OFFLINE_AZURE_DEPLOYER_OBJECT_ID,
            principalType: "User",
            roleDefinitionId: AKS_RBAC_CLUSTER_ADMIN,
            scope: idOf(run, T.cluster, "demo"),
        });
        const provider = resource(run, T.k8s, "demo-k8s");
        assert.deepEqual(provider.inputs, { kubeconfig: "[secret]" });
        assert.ok(provider.dependsOn.includes(child(T.role, "demo-deployer-admin")), provider.dependsOn.join(", "));
    });

    it("builds a secret exec kubeconfig running kubelogin for the AKS server application, with the server AKS returns", () => {
        assert.equal(run.stackOutputs.kubeconfig, "[secret]");
        const server = "https://demo-1a95e8f3.hcp.westeurope.azmk8s.io:443";
        assert.equal(run.stackOutputs.endpoint, server);
        assert.equal(run.stackOutputs.clusterName, "demo");
        assert.match(run.stackOutputs.oidcIssuerUrl as string, /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/00000000-0000-4000-8000-000000000001\/[0-9a-f-]{36}\/$/);
        assert.deepEqual(parse(kubeconfig), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                { name: "demo", cluster: { server, "certificate-authority-data": Buffer.from("offline plan of AKS cluster demo: no real certificate").toString("base64") } },
            ],
            contexts: [{ name: "demo", context: { cluster: "demo", user: "demo" } }],
            "current-context": "demo",
            users: [
                {
                    name: "demo",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "kubelogin",
                            args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
                            installHint:
                                "Install kubelogin (az aks install-cli, or https://azure.github.io/kubelogin/install.html) and sign in as its --login mode expects (az login for azurecli)",
                        },
                    },
                },
            ],
        });
    });

    it("lets Istio's CRDs start with the API server; istiod and the gateway wait for the user pool and the deployer's role", async () => {
        const mesh = await runAks(ARGS, true);
        const release = (name: string) => resource(mesh, T.release, name);
        const pool = child(T.pool, "demo-user");
        const admin = child(T.role, "demo-deployer-admin");
        assert.ok(!release("istio-base").dependsOn.includes(pool));
        for (const name of ["istio-istiod", "istio-gateway"]) {
            assert.ok(release(name).dependsOn.includes(pool), name);
            assert.ok(release(name).dependsOn.includes(admin), name);
        }
        for (const name of ["istio-base", "istio-istiod", "istio-gateway"]) {
            assert.equal(release(name).provider, child(T.k8s, "demo-k8s"));
        }
        const service = (release("istio-gateway").inputs.values as { service: Record<string, unknown> }).service;
        assert.equal(service.ipFamilyPolicy, "RequireDualStack");
        assert.deepEqual(service.ipFamilies, ["IPv4", "IPv6"]);
        assert.deepEqual(service.annotations, {
            "service.beta.kubernetes.io/port_80_health-probe_protocol": "http",
            "service.beta.kubernetes.io/port_80_health-probe_port": "15021",
            "service.beta.kubernetes.io/port_80_health-probe_request-path": "/healthz/ready",
            "service.beta.kubernetes.io/port_443_health-probe_protocol": "http",
            "service.beta.kubernetes.io/port_443_health-probe_port": "15021",
            "service.beta.kubernetes.io/port_443_health-probe_request-path": "/healthz/ready",
        });
    });

    it("single-stack [IPv4]: IPv4 only on the VNet, the subnet, the pods and Services, and no IPv6 outbound address", async () => {
        const single = await runAks({ ...ARGS, ipFamilies: ["IPv4"], nodeOsSku: "AzureLinux" });
        assert.deepEqual(resource(single, T.vnet, "demo-vnet").inputs.addressSpace, { addressPrefixes: ["10.224.0.0/16"] });
        assert.deepEqual(resource(single, T.subnet, "demo-nodes").inputs.addressPrefixes, ["10.224.0.0/16"]);
        const network = resource(single, T.cluster, "demo").inputs.networkProfile as Record<string, unknown>;
        assert.deepEqual(network.ipFamilies, ["IPv4"]);
        assert.deepEqual(network.podCidrs, ["10.244.0.0/16"]);
        assert.deepEqual(network.serviceCidrs, ["10.0.0.0/16"]);
        assert.deepEqual((network.loadBalancerProfile as { managedOutboundIPs: unknown }).managedOutboundIPs, { count: 1, countIPv6: 0 });
        assert.equal(resource(single, T.pool, "demo-user").inputs.osSKU, "AzureLinux");
    });

    it("passes zones, admin groups, a service principal deployer, other ranges and opt-outs through, and warns about an open API server", async () => {
        const custom = await runAks({
            subscriptionId: SUBSCRIPTION,
            location: "northeurope",
            clusterName: "edge_01",
            kubernetesVersion: "1.36",
            network: { serviceIpv4Cidr: "10.96.0.0/16" },
            nodes: { count: 3, minCount: 3, maxCount: 6, vmSize: "Standard_D8ds_v5" },
            availabilityZones: ["1", "2", "3"],
            adminGroupObjectIds: ["6a1e4c1b-2f3d-4b5a-9c8d-0e1f2a3b4c5d"],
            deployerPrincipalType: "ServicePrincipal",
            kubeloginMode: "spn",
            enableAzurePolicy: false,
            enableImageCleaner: false,
            deletionProtection: false,
        });
        const cluster = resource(custom, T.cluster, "demo").inputs;
        assert.equal(cluster.resourceName, "edge_01");
        assert.equal(cluster.dnsPrefix, "edge-01");
        assert.equal(cluster.resourceGroupName, "edge_01-rg");
        assert.equal(cluster.location, "northeurope");
        assert.equal(cluster.apiServerAccessProfile, undefined);
        assert.deepEqual(cluster.aadProfile, { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ["6a1e4c1b-2f3d-4b5a-9c8d-0e1f2a3b4c5d"] });
        assert.deepEqual(cluster.addonProfiles, { azurepolicy: { enabled: false } });
        assert.deepEqual(cluster.securityProfile, { workloadIdentity: { enabled: true }, imageCleaner: { enabled: false, intervalHours: 168 } });
        const network = cluster.networkProfile as Record<string, unknown>;
        assert.deepEqual([network.serviceCidr, network.serviceCidrs, network.dnsServiceIP], ["10.96.0.0/16", ["10.96.0.0/16", "fd12:3456:789a:1::/108"], "10.96.0.10"]);
        assert.deepEqual((cluster.agentPoolProfiles as { availabilityZones: string[] }[])[0].availabilityZones, ["1", "2", "3"]);
        const pool = resource(custom, T.pool, "demo-user").inputs;
        assert.deepEqual([pool.availabilityZones, pool.count, pool.minCount, pool.maxCount, pool.vmSize], [["1", "2", "3"], 3, 3, 6, "Standard_D8ds_v5"]);
        assert.equal(resource(custom, T.role, "demo-deployer-admin").inputs.principalType, "ServicePrincipal");
        assert.deepEqual(resource(custom, T.vnet, "demo-vnet").inputs.virtualNetworkName, "edge_01-vnet");
        assert.deepEqual(resource(custom, T.azure, "demo-azure").inputs.location, "northeurope");
        assert.deepEqual((parse(kubeconfigSeen) as { users: { user: { exec: { args: string[] } } }[] }).users[0].user.exec.args, [
            "get-token",
            "--login",
            "spn",
            "--server-id",
            "6dae42f8-4368-4678-94ff-3960e28e3630",
        ]);
        assert.deepEqual(
            custom.diagnostics.map((d) => d.message),
            [
                "authorizedIpRanges: not set: the API server accepts connections from any address (Entra ID authentication still applies); list your networks to restrict it (CIS AKS 5.4.1)",
            ],
        );
    });

    it("refuses a bad argument before registering anything, naming the component", async () => {
        await assert.rejects(runAks({ ...ARGS, location: "West Europe" }), (error: unknown) => {
            assert.ok(error instanceof OfflineRunError);
            assert.equal(
                error.message.split("\n")[0],
                "location: 'West Europe' is not an Azure region name; expected lowercase letters and digits, e.g. westeurope (AksDualStackCluster 'demo')",
            );
            assert.deepEqual(
                error.resources.map((r) => r.type),
                ["pulumi:pulumi:Stack"],
            );
            return true;
        });
        await assert.rejects(runAks({ ...ARGS, networkPlugin: "kubenet" }), (error: unknown) => {
            assert.ok(error instanceof OfflineRunError);
            assert.match(error.message.split("\n")[0], /^networkPlugin: kubenet retires on 31 March 2028 .* \(AksDualStackCluster 'demo'\)$/);
            assert.deepEqual(
                error.resources.map((r) => r.type),
                ["pulumi:pulumi:Stack"],
            );
            return true;
        });
    });
});
