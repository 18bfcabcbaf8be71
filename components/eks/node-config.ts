import { stringify } from "yaml";

// The nodes' user data: one NodeConfig part that pins the kubelet settings CIS EKS 3.2.x checks.
//
// EKS managed node groups merge a launch template's MIME multi-part user data with their own
// NodeConfig (cluster name, endpoint, CA), which nodeadm reads from IMDS and merges in order:
// https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html ("Amazon EKS optimized
// AL2023 AMIs"), https://awslabs.github.io/amazon-eks-ami/nodeadm/ and
// https://awslabs.github.io/amazon-eks-ami/nodeadm/doc/examples/ ("Merging multiple configuration objects").

/** The MIME boundary of the user data; it never occurs in the YAML part. */
export const USER_DATA_BOUNDARY = "==DUALSTACK-ISTIO==";

/** The content type nodeadm reads a NodeConfig from. */
export const NODE_CONFIG_CONTENT_TYPE = "application/node.eks.aws";

/**
 * Where nodeadm writes the cluster's CA, which it also names as the kubelet's client CA:
 * awslabs/amazon-eks-ami `nodeadm/internal/kubelet/cert.go` (`caCertificatePath`); pinned
 * unchanged so that 3.2.3 holds whatever nodeadm's defaults become.
 */
export const KUBELET_CLIENT_CA_FILE = "/etc/kubernetes/pki/ca.crt";

/**
 * The kubelet settings (KubeletConfiguration v1beta1 field names,
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/) that CIS EKS v1.8.0
 * 3.2.1–3.2.9 check, as kube-bench `cfg/eks-1.8.0/node.yaml` reads them from the kubelet's config
 * file. nodeadm's defaults (`defaultKubeletSubConfig()` in `nodeadm/internal/kubelet/config.go`)
 * already set 3.2.1–3.2.4 and 3.2.9 the same way; the others are the kubelet's own defaults, here
 * written down so that no AMI change can turn a control off unnoticed.
 */
export const CIS_KUBELET_CONFIG = {
    /** 3.2.1 anonymous auth off; webhook authentication on, as 3.2.2's remediation asks. 3.2.3: a client CA. */
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: KUBELET_CLIENT_CA_FILE } },
    /** 3.2.2: never AlwaysAllow. */
    authorization: { mode: "Webhook" },
    /** 3.2.4: no unauthenticated read-only port. */
    readOnlyPort: 0,
    /** 3.2.5: not 0 (which would keep idle exec/attach/port-forward streams forever); the kubelet's default. */
    streamingConnectionIdleTimeout: "4h0m0s",
    /** 3.2.6: the kubelet manages its iptables chains; the kubelet's default. */
    makeIPTablesUtilChains: true,
    /** 3.2.7: at least 0; the kubelet's default of 50 events a second. */
    eventRecordQPS: 50,
    /** 3.2.8: client certificates rotate. */
    rotateCertificates: true,
    /** 3.2.9: serving certificates rotate. */
    featureGates: { RotateKubeletServerCertificate: true },
} as const;

/** The NodeConfig document (YAML) that pins {@link CIS_KUBELET_CONFIG}. */
export function kubeletNodeConfig(): string {
    return stringify({ apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { kubelet: { config: CIS_KUBELET_CONFIG } } });
}

/** The user data's text: a MIME multi-part document with the one NodeConfig part. */
export function kubeletUserDataText(): string {
    return [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
        "",
        `--${USER_DATA_BOUNDARY}`,
        `Content-Type: ${NODE_CONFIG_CONTENT_TYPE}`,
        "",
        "---",
        kubeletNodeConfig().trimEnd(),
        "",
        `--${USER_DATA_BOUNDARY}--`,
        "",
    ].join("\n");
}

/** The launch template's `userData`: {@link kubeletUserDataText}, base64. */
export function kubeletUserData(): string {
    return Buffer.from(kubeletUserDataText(), "utf8").toString("base64");
}
