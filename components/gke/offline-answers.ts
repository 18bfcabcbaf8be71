import { autoName, type InvokeAnswer, stableUuid, type Synthesizer } from "../../engine/synthesis";

function text(value: unknown, fallback: string): string {
    return typeof value === "string" ? value : fallback;
}

const network: Synthesizer = ({ type, name, inputs }) => {
    const networkName = autoName({ type, name, inputs });
    const id = `projects/${text(inputs.project, "project")}/global/networks/${networkName}`;
    return { id, outputs: { name: networkName, selfLink: `https://www.googleapis.com/compute/v1/${id}` } };
};

/** Subnets get a documentation-range /64 (`2001:db8::/32`, or `fd20:db8::/32` for ULA). */
const subnetwork: Synthesizer = ({ type, name, inputs }) => {
    const subnetName = autoName({ type, name, inputs });
    const id = `projects/${text(inputs.project, "project")}/regions/${text(inputs.region, "region")}/subnetworks/${subnetName}`;
    const internal = inputs.ipv6AccessType === "INTERNAL";
    const hex = stableUuid(id);
    const prefix = `${internal ? "fd20:db8" : "2001:db8"}:${hex.slice(0, 4)}:${hex.slice(4, 8)}::/64`;
    return {
        id,
        outputs: {
            name: subnetName,
            selfLink: `https://www.googleapis.com/compute/v1/${id}`,
            gatewayAddress: text(inputs.ipCidrRange, "10.0.0.0/20").replace(/\.0\/\d+$/, ".1"),
            ...(internal ? { internalIpv6Prefix: prefix, ipv6CidrRange: prefix } : { externalIpv6Prefix: prefix }),
        },
    };
};

const cluster: Synthesizer = ({ type, name, inputs }) => {
    const clusterName = autoName({ type, name, inputs });
    const id = `projects/${text(inputs.project, "project")}/locations/${text(inputs.location, "region")}/clusters/${clusterName}`;
    return {
        id,
        outputs: {
            name: clusterName,
            // TEST-NET-3: an address no real cluster has.
            endpoint: "203.0.113.10",
            masterAuth: {
                ...(typeof inputs.masterAuth === "object" ? inputs.masterAuth : {}),
                clusterCaCertificate: Buffer.from(`offline plan of ${id}: no real certificate`).toString("base64"),
            },
            masterVersion: text(inputs.minMasterVersion, "1.33"),
        },
    };
};

const serviceAccount: Synthesizer = ({ type, name, inputs }) => {
    const accountId = text(inputs.accountId, name);
    const email = `${accountId}@${text(inputs.project, "project")}.iam.gserviceaccount.com`;
    return { id: `projects/${text(inputs.project, "project")}/serviceAccounts/${email}`, outputs: { email, name: autoName({ type, name, inputs: {} }) } };
};

/** Key rings and keys are named by their path, as the provider gives their ids. */
const keyRing: Synthesizer = ({ type, name, inputs }) => {
    const ringName = autoName({ type, name, inputs });
    return { id: `projects/${text(inputs.project, "project")}/locations/${text(inputs.location, "region")}/keyRings/${ringName}`, outputs: { name: ringName } };
};

const cryptoKey: Synthesizer = ({ type, name, inputs }) => {
    const keyName = autoName({ type, name, inputs });
    return { id: `${text(inputs.keyRing, "projects/project/locations/region/keyRings/ring")}/cryptoKeys/${keyName}`, outputs: { name: keyName } };
};

const named: Synthesizer = ({ type, name, inputs }) => {
    const resourceName = autoName({ type, name, inputs });
    return { id: resourceName, outputs: { name: resourceName } };
};

/** Outputs of the Google Cloud resources the GKE component creates. */
export const GCP_SYNTHESIZERS: Readonly<Record<string, Synthesizer>> = {
    "gcp:compute/network:Network": network,
    "gcp:compute/subnetwork:Subnetwork": subnetwork,
    "gcp:compute/firewall:Firewall": named,
    "gcp:compute/router:Router": named,
    "gcp:compute/routerNat:RouterNat": named,
    "gcp:container/cluster:Cluster": cluster,
    "gcp:container/nodePool:NodePool": named,
    "gcp:serviceaccount/account:Account": serviceAccount,
    "gcp:kms/keyRing:KeyRing": keyRing,
    "gcp:kms/cryptoKey:CryptoKey": cryptoKey,
};

/** Answers to the Google Cloud data sources the GKE component reads: a project's number, a stable 12 digits. */
export const GCP_INVOKES: Readonly<Record<string, InvokeAnswer>> = {
    "gcp:organizations/getProject:getProject": (inputs) => {
        const projectId = text(inputs.projectId, "project");
        const number = String((BigInt(`0x${stableUuid(projectId).replace(/-/g, "").slice(0, 12)}`) % 900_000_000_000n) + 100_000_000_000n);
        return { id: `projects/${projectId}`, projectId, number, name: projectId };
    },
};
