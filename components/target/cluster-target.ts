import type * as pulumi from "@pulumi/pulumi";
import type { Provider } from "@pulumi/kubernetes/provider";
import type { ClusterFacts } from "./cluster-facts";

/**
 * The seam between a cluster and what is installed on it.
 *
 * Every cluster component (GKE, EKS, an existing cluster by kubeconfig) produces one of these;
 * the Istio installer consumes it and nothing else. It carries the plain facts planning needs
 * ({@link ClusterFacts}) plus the two Pulumi handles installation needs: the provider that talks
 * to the cluster, and the resources that must exist before workloads can run on it.
 */
export interface ClusterTarget extends ClusterFacts {
    /** The Kubernetes provider every resource on this cluster is created with. */
    readonly provider: Provider;
    /**
     * The resources that make the cluster ready to run workloads: node pools, node groups,
     * the CNI add-on. Installers make anything that schedules pods wait for these, and let
     * cluster-scoped work (CRDs, namespaces) start as soon as the API server answers.
     * @default [] (the cluster already runs workloads, as an existing cluster does)
     */
    readonly readyForWorkloads?: pulumi.Resource[];
    /**
     * The resources that must exist before a LoadBalancer Service is created and until it is
     * deleted: the controller that provisions the load balancers (on EKS, the AWS Load Balancer
     * Controller). Depending on them also makes `pulumi destroy` delete the Service first, so the
     * controller can remove its load balancer before the VPC goes.
     * @default [] (the cloud's own controller handles LoadBalancer Services)
     */
    readonly readyForLoadBalancers?: pulumi.Resource[];
}
