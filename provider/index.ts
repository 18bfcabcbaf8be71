// The components for every Pulumi language: `pulumi package add` runs this folder (PulumiPlugin.yaml)
// and @pulumi/pulumi's analyzer infers the package schema from the types below. The analyzer reads
// interfaces, strings, numbers, booleans, arrays, maps and const-object enums, and reads an enum's
// members from its initializer: hence the type imports from the package's shipped TypeScript
// sources (`components/…`, exported for types alone), whose declarations (`dist/…d.ts`) have none.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio, InputError, planIstioInstall } from "pulumi-dualstack-istio";
import { ExistingCluster, existingClusterFacts, isInlineKubeconfig, selectKubeconfig } from "pulumi-dualstack-istio/existing";
import type { IstioSettings } from "pulumi-dualstack-istio/components/istio/settings";
import type { KubernetesPlatform } from "pulumi-dualstack-istio/components/target/cluster-facts";

/** The arguments of {@link ExistingClusterMesh}. */
export interface ExistingClusterMeshArgs {
    /**
     * The cluster's kubeconfig: its content (a secret is kept secret), or an absolute path on the
     * machine that runs the deployment. A relative path is refused: the plugin's process, not your program,
     * would read it, from a working directory Pulumi does not promise.
     */
    kubeconfig: pulumi.Input<string>;
    /** The kubeconfig context to use. Default: its `current-context` (or its only context). */
    context?: string;
    /** The cluster's Kubernetes version, `MAJOR.MINOR` (from `kubectl version`). */
    kubernetesVersion: string;
    /**
     * The cluster's IP families, primary first: `IPv4`, `IPv6`, or both. The cluster must already
     * be configured this way. Default: `["IPv4", "IPv6"]`.
     */
    ipFamilies?: string[];
    /** What the cluster runs on, where Istio installs differ. Default: `generic`. */
    platform?: KubernetesPlatform;
    /** What Istio to install and how. Default: Istio 1.30.3 from its release charts and images, sidecar mode. */
    istio?: IstioSettings;
}

/**
 * Istio configured for an existing cluster's IP families (kind, on-prem, a private cloud, or a
 * GKE/EKS/AKS cluster your program made): the Kubernetes provider for its kubeconfig, then base,
 * istiod and, as asked, istio-cni, ztunnel, the ingress gateway and the post-install proof, each a
 * Helm Release. Every argument is checked before anything is created; an error names the argument.
 */
export class ExistingClusterMesh extends pulumi.ComponentResource {
    /** The kubeconfig context in use. */
    public readonly context: pulumi.Output<string>;
    /** The API server of that context. */
    public readonly server: pulumi.Output<string>;
    /** The istiod revision; empty for the default control plane. */
    public readonly revision: pulumi.Output<string>;
    /** `<hub>/pilot:<tag>`: the istiod image. */
    public readonly istiodImage: pulumi.Output<string>;
    /** Each release's Helm status (`deployed`, …), by chart (`base`, `istiod`, `cni`, `ztunnel`, `gateway`). */
    public readonly releaseStatuses: pulumi.Output<Record<string, string>>;
    /** With `istio.verify.enabled`: the name of each completed client Job, by probe; empty without it. */
    public readonly verificationJobs: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ExistingClusterMeshArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every argument but the kubeconfig is checked before anything is registered, so a wrong
        // one fails the construct with one line naming it (and this component, the one a program
        // in another language wrote).
        const families = args.ipFamilies as ExistingClusterArgsFamilies;
        try {
            const facts = existingClusterFacts({ ipFamilies: families, kubernetesVersion: args.kubernetesVersion, platform: args.platform });
            try {
                planIstioInstall(args.istio ?? {}, facts);
            } catch (error) {
                throw error instanceof InputError ? error.under("istio") : error;
            }
        } catch (error) {
            throw error instanceof InputError ? naming(name, error) : error;
        }
        super("dualstack-istio:index:ExistingClusterMesh", name, {}, opts);
        // The kubeconfig may arrive as an Output (a secret); the components plan from plain values,
        // so they are created once it is resolved, and their outputs resolve after that. It is
        // checked here first, so that a refusal names this component, not the ones inside.
        const built = (async () => {
            const kubeconfig = await knownValue(args.kubeconfig, "kubeconfig");
            if (!isInlineKubeconfig(kubeconfig) && !path.isAbsolute(kubeconfig)) {
                throw new InputError(
                    "kubeconfig",
                    "give the kubeconfig's content or an absolute path; a relative path would be read by the plugin's process, from a working directory Pulumi does not promise",
                );
            }
            selectKubeconfig(kubeconfig, args.context, "kubeconfig", "context");
            const cluster = new ExistingCluster(
                name,
                { kubeconfig, context: args.context, kubernetesVersion: args.kubernetesVersion, ipFamilies: families, platform: args.platform },
                { parent: this },
            );
            const mesh = new DualStackIstio(name, { ...args.istio, target: cluster.target }, { parent: this });
            return { cluster, mesh };
        })().catch((error: unknown) => {
            // Found after the constructor returned: a RunError, which the SDK's program and plugin
            // runners report as its message alone, once.
            throw error instanceof InputError ? new pulumi.RunError(naming(name, error).message) : error;
        });
        this.context = pulumi.output(built.then(({ cluster }) => cluster.context));
        this.server = pulumi.output(built.then(({ cluster }) => cluster.server));
        this.revision = pulumi.output(built.then(({ mesh }) => mesh.revision));
        this.istiodImage = pulumi.output(built.then(({ mesh }) => mesh.istiodImage));
        this.releaseStatuses = pulumi.output(built.then(({ mesh }) => mesh.releaseStatuses));
        this.verificationJobs = pulumi.output(built.then(({ mesh }) => mesh.verificationJobs));
        // Registered once the components exist; if planning refused an argument, each output
        // carries that error to the engine instead (the registration would only repeat it).
        built.then(
            () =>
                this.registerOutputs({
                    context: this.context,
                    server: this.server,
                    revision: this.revision,
                    istiodImage: this.istiodImage,
                    releaseStatuses: this.releaseStatuses,
                    verificationJobs: this.verificationJobs,
                }),
            () => undefined,
        );
    }
}

/** The families as ExistingCluster types them; the planner checks each string and names a wrong one. */
type ExistingClusterArgsFamilies = ConstructorParameters<typeof ExistingCluster>[1]["ipFamilies"];

/** The state an Output exposes to the SDK itself; `apply` never runs on an unknown value, so it cannot tell one. */
interface OutputState<T> {
    readonly isKnown: Promise<boolean>;
    promise(): Promise<T>;
}

/**
 * The value of an input that must be known while planning (at preview too): a plain value, or an
 * Output another resource already resolved (a config secret). One that is not known yet is refused
 * by name, instead of a plan made from a placeholder.
 */
async function knownValue(input: pulumi.Input<string>, field: string): Promise<string> {
    const output = pulumi.output(input) as unknown as OutputState<string>;
    if (!(await output.isKnown)) {
        throw new InputError(
            field,
            "is not known until another resource is created; the mesh is planned from it before anything is registered, so give a value known at preview: a config secret, or another stack's output (StackReference)",
        );
    }
    const value = await output.promise();
    if (typeof value !== "string" || value === "") {
        throw new InputError(field, "required: the kubeconfig's content or an absolute path");
    }
    return value;
}

/** The refusal, naming the component it refused (`… (ExistingClusterMesh 'mesh')`). */
function naming(name: string, error: InputError): InputError {
    return new InputError(error.field, `${error.problem} (ExistingClusterMesh '${name}')`);
}
