import { stringify } from "yaml";
import { type InvokeAnswer, stableUuid, type Synthesizer } from "../../engine/synthesis";

/** The subscription, tenant and deployer the offline engine answers with (an example GUID each, no real one). */
export const OFFLINE_AZURE_TENANT = "00000000-0000-4000-8000-000000000001";
export const OFFLINE_AZURE_DEPLOYER_OBJECT_ID = "00000000-0000-4000-8000-000000000002";

function text(value: unknown, fallback: string): string {
    return typeof value === "string" ? value : fallback;
}

/** The subscription of a resource: the explicit provider's, which the engine does not pass here, so a fixed example. */
const SUBSCRIPTION = "00000000-0000-4000-8000-000000000000";

const resourceGroup: Synthesizer = ({ inputs }) => {
    const name = text(inputs.resourceGroupName, "rg");
    return { id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`, outputs: { name } };
};

/** A resource in a resource group, named by its `nameInput`, under an ARM `path` (`Microsoft.Network/virtualNetworks`). */
const armResource =
    (nameInput: string, path: string, extra: (name: string, inputs: Record<string, unknown>) => Record<string, unknown> = () => ({})): Synthesizer =>
    ({ name, inputs }) => {
        const resourceName = text(inputs[nameInput], name);
        const group = text(inputs.resourceGroupName, "rg");
        return { id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/${path}/${resourceName}`, outputs: { name: resourceName, ...extra(resourceName, inputs) } };
    };

const subnet: Synthesizer = ({ name, inputs }) => {
    const subnetName = text(inputs.subnetName, name);
    const group = text(inputs.resourceGroupName, "rg");
    const vnet = text(inputs.virtualNetworkName, "vnet");
    return {
        id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnetName}`,
        outputs: { name: subnetName },
    };
};

const identity = armResource("resourceName", "Microsoft.ManagedIdentity/userAssignedIdentities", (name) => ({
    principalId: stableUuid(`principal:${name}`),
    clientId: stableUuid(`client:${name}`),
    tenantId: OFFLINE_AZURE_TENANT,
}));

const managedCluster = armResource("resourceName", "Microsoft.ContainerService/managedClusters", (name, inputs) => {
    const prefix = text(inputs.dnsPrefix, name);
    const location = text(inputs.location, "westeurope");
    const hash = stableUuid(`aks:${name}`).slice(0, 8);
    return {
        fqdn: `${prefix}-${hash}.hcp.${location}.azmk8s.io`,
        provisioningState: "Succeeded",
        currentKubernetesVersion: `${text(inputs.kubernetesVersion, "1.35")}.0`,
        oidcIssuerProfile: { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${OFFLINE_AZURE_TENANT}/${stableUuid(`oidc:${name}`)}/` },
        nodeResourceGroup: `MC_${text(inputs.resourceGroupName, "rg")}_${name}_${location}`,
    };
});

const agentPool: Synthesizer = ({ inputs }) => {
    const pool = text(inputs.agentPoolName, "pool");
    return {
        id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${text(inputs.resourceGroupName, "rg")}/providers/Microsoft.ContainerService/managedClusters/${text(inputs.resourceName, "cluster")}/agentPools/${pool}`,
        outputs: { name: pool, provisioningState: "Succeeded" },
    };
};

const roleAssignment: Synthesizer = ({ name, inputs }) => {
    const id = stableUuid(`role:${name}`);
    return { id: `${text(inputs.scope, "/")}/providers/Microsoft.Authorization/roleAssignments/${id}`, outputs: { name: id } };
};

/** Outputs of the Azure resources the AKS component creates. */
export const AZURE_SYNTHESIZERS: Readonly<Record<string, Synthesizer>> = {
    "azure-native:resources:ResourceGroup": resourceGroup,
    "azure-native:network:VirtualNetwork": armResource("virtualNetworkName", "Microsoft.Network/virtualNetworks"),
    "azure-native:network:Subnet": subnet,
    "azure-native:managedidentity:UserAssignedIdentity": identity,
    "azure-native:authorization:RoleAssignment": roleAssignment,
    "azure-native:containerservice:ManagedCluster": managedCluster,
    "azure-native:containerservice:AgentPool": agentPool,
};

/** Answers for the data sources the AKS component reads. */
export const AZURE_INVOKES: Readonly<Record<string, InvokeAnswer>> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-4000-8000-000000000003",
        objectId: OFFLINE_AZURE_DEPLOYER_OBJECT_ID,
        subscriptionId: SUBSCRIPTION,
        tenantId: OFFLINE_AZURE_TENANT,
    }),
    /** The cluster-user kubeconfig AKS returns for an Entra ID cluster (base64), with a placeholder CA (the component reads only the CA). */
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => {
        const name = text(inputs.resourceName, "cluster");
        const kubeconfig = stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name,
                    cluster: {
                        server: `https://${name}.hcp.azmk8s.io:443`,
                        "certificate-authority-data": Buffer.from(`offline plan of AKS cluster ${name}: no real certificate`).toString("base64"),
                    },
                },
            ],
        });
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] };
    },
};
