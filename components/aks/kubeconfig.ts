import { parse } from "yaml";
import { execKubeconfig } from "../target/exec-kubeconfig";
import type { AksKubeloginMode } from "./plan";

/**
 * The server application every AKS cluster with managed Entra ID accepts tokens for
 * (https://learn.microsoft.com/azure/aks/kubelogin-authentication: "The AKS Microsoft Entra
 * server application ID (server-id) … is 6dae42f8-4368-4678-94ff-3960e28e3630").
 */
export const AKS_ENTRA_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** The cluster's CA (base64), read from the kubeconfig `listManagedClusterUserCredentials` returns (base64 too). */
export function certificateAuthorityOf(userKubeconfigBase64: string): string {
    const document = parse(Buffer.from(userKubeconfigBase64, "base64").toString("utf8")) as {
        clusters?: { cluster?: { "certificate-authority-data"?: string } }[];
    };
    const authority = document.clusters?.[0]?.cluster?.["certificate-authority-data"];
    if (!authority) {
        throw new Error("the cluster's user kubeconfig from AKS has no certificate authority");
    }
    return authority;
}

/**
 * A kubeconfig that authenticates with `kubelogin get-token --login <mode>`, which fetches an
 * Entra ID token for the AKS server application whenever one is needed (no static credential:
 * local accounts are off). The arguments are those `kubelogin convert-kubeconfig` writes.
 */
export function aksKubeconfig(clusterName: string, server: string, certificateAuthorityData: string, mode: AksKubeloginMode): string {
    return execKubeconfig(clusterName, server, certificateAuthorityData, {
        command: "kubelogin",
        args: ["get-token", "--login", mode, "--server-id", AKS_ENTRA_SERVER_ID],
        installHint: "Install kubelogin (az aks install-cli, or https://azure.github.io/kubelogin/install.html) and sign in as its --login mode expects (az login for azurecli)",
    });
}
