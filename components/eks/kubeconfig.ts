import { execKubeconfig } from "../target/exec-kubeconfig";

/** What an EKS kubeconfig is built from. */
export interface EksKubeconfigInputs {
    readonly region: string;
    readonly clusterName: string;
    /** The cluster's ARN: the context name `aws eks update-kubeconfig` uses. */
    readonly clusterArn: string;
    /** The API server's URL (`https://…`). */
    readonly endpoint: string;
    /** `certificateAuthority.data`: already base64. */
    readonly certificateAuthorityData: string;
}

/**
 * A kubeconfig that authenticates with `aws eks get-token`, which signs a fresh token with the
 * caller's AWS credentials whenever one is needed (tokens last 15 minutes, shorter than an install).
 */
export function eksKubeconfig(inputs: EksKubeconfigInputs): string {
    return execKubeconfig(inputs.clusterArn, inputs.endpoint, inputs.certificateAuthorityData, {
        command: "aws",
        args: ["--region", inputs.region, "eks", "get-token", "--cluster-name", inputs.clusterName, "--output", "json"],
        env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
        installHint: "Install the AWS CLI v2 and configure credentials: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
    });
}
