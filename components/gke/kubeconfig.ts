import { execKubeconfig } from "../target/exec-kubeconfig";

/** What a GKE kubeconfig is built from. */
export interface GkeKubeconfigInputs {
    readonly project: string;
    readonly region: string;
    readonly clusterName: string;
    /** The cluster's endpoint (an address, without scheme). */
    readonly endpoint: string;
    /** `masterAuth.clusterCaCertificate`: already base64. */
    readonly clusterCaCertificate: string;
}

/**
 * A kubeconfig that authenticates with `gke-gcloud-auth-plugin`, which fetches fresh tokens for
 * as long as a run takes (a static access token would expire after about an hour). The context
 * is named as `gcloud container clusters get-credentials` names it.
 */
export function gkeKubeconfig(inputs: GkeKubeconfigInputs): string {
    const name = `gke_${inputs.project}_${inputs.region}_${inputs.clusterName}`;
    return execKubeconfig(name, `https://${inputs.endpoint}`, inputs.clusterCaCertificate, {
        command: "gke-gcloud-auth-plugin",
        provideClusterInfo: true,
        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
    });
}
