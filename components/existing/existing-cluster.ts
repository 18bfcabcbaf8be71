import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { checkedFor } from "../errors";
import type { ClusterTarget } from "../target/cluster-target";
import { type ExistingClusterArgs, PLANNED_EXISTING_ARGS, planExistingCluster } from "./plan";

/**
 * A cluster that already exists (kind, on-prem, a private cloud), reached through a kubeconfig.
 * Creates only the Kubernetes provider for it; its {@link ExistingCluster.target} is what
 * {@link DualStackIstio} installs onto. The kubeconfig and context are checked before anything
 * is created.
 */
export class ExistingCluster extends pulumi.ComponentResource {
    /** The cluster target: provider, IP families, Kubernetes version, platform. */
    public readonly target: ClusterTarget;
    /** The provider for the cluster (also in {@link ExistingCluster.target}). */
    public readonly provider: Provider;
    /** The kubeconfig context in use. */
    public readonly context: pulumi.Output<string>;
    /** The API server of that context. */
    public readonly server: pulumi.Output<string>;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const { facts, kubeconfig: selected } = PLANNED_EXISTING_ARGS.planOf(args, () => checkedFor("ExistingCluster", name, () => planExistingCluster(args)));
        super("dualstack-istio:index:ExistingCluster", name, { ...args, kubeconfig: pulumi.secret(args.kubeconfig) }, opts);

        this.provider = new Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(selected.content), context: selected.context }, { parent: this });
        this.target = { ...facts, provider: this.provider, readyForWorkloads: [] };
        this.context = pulumi.output(selected.context);
        this.server = pulumi.output(selected.server);
        this.registerOutputs({ context: this.context, server: this.server });
    }
}
