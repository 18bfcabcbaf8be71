/**
 * What `dualstack-istio plan` plans when given no `--config`: a GKE cluster with the newest
 * upstream Istio pulled from an example registry of your own. Keys left out take their
 * documented defaults.
 */
export const DEFAULT_PLAN_CONFIG = {
    cloud: "gcp",
    clusterName: "dualstack-demo",
    region: "europe-west4",
    gcp: { project: "my-gcp-project" },
    istio: {
        hub: "europe-west4-docker.pkg.dev/my-gcp-project/istio",
        gateway: { enabled: true },
    },
} as const;
