import { stringify } from "yaml";

/** The credential plugin a kubeconfig runs for a token (`client.authentication.k8s.io/v1beta1`). */
export interface ExecCredentialPlugin {
    readonly command: string;
    readonly args?: readonly string[];
    readonly env?: readonly { readonly name: string; readonly value: string }[];
    readonly provideClusterInfo?: boolean;
    /** What to tell a user who lacks the command. */
    readonly installHint: string;
}

/**
 * A kubeconfig with one cluster, user and context, all called `name`, whose user runs a
 * credential plugin: a cloud's short-lived tokens are fetched afresh for as long as a run takes.
 */
export function execKubeconfig(name: string, server: string, certificateAuthorityData: string, plugin: ExecCredentialPlugin): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server, "certificate-authority-data": certificateAuthorityData } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [{ name, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", ...plugin } } }],
    });
}
