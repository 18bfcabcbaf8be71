import type * as pulumi from "@pulumi/pulumi";
import type * as z from "zod";
import type { OfflineRunOptions } from "../../engine/offline-engine";
import type { InputWarning } from "../errors";
import type { CisBenchmark } from "./cis";
import type { ClusterFacts } from "./cluster-facts";
import type { ClusterTarget } from "./cluster-target";
import type { NodeCounts } from "./node-pool";
import type { CloudPolicyChecks } from "./policy-check";

/** The node pool a stack config asks for, with every default applied. */
export interface NodesConfig extends NodeCounts {
    readonly machineType: string;
}

/**
 * A stack's config as one cloud reads it: the keys every stack has, with defaults applied, and
 * the cloud's own section under its name (`gcp: {...}`). The `istio` section is not the cloud's
 * business.
 */
export type CloudStackConfig<Name extends string = string, Section = unknown> = {
    readonly cloud: Name;
    readonly clusterName: string;
    readonly kubernetesVersion: string;
    /** Only for clouds that create their cluster ({@link CloudModule.newCluster}). */
    readonly region?: string;
    /** Only for clouds that create their cluster: the ranges the cloud takes, defaults applied. */
    readonly network?: Readonly<Record<string, string>>;
    /** Only for clouds that create their cluster. */
    readonly nodes?: NodesConfig;
} & { readonly [Key in Name]: Section };

/** The config of a cloud that creates its cluster: region, network and nodes are always there. */
export type NewClusterStackConfig<Name extends string, Section, Network = Readonly<Record<string, string>>> = CloudStackConfig<Name, Section> & {
    readonly region: string;
    readonly network: Network;
    readonly nodes: NodesConfig;
};

/** What a cloud's plan of one stack decided: the cluster's facts, and what the component needs. */
export interface CloudPlan {
    readonly facts: ClusterFacts;
    /** Warnings, each naming the config key. */
    readonly warnings: readonly InputWarning[];
}

/** A cluster the root program created (or reached) from a checked plan. */
export interface DeployedCluster {
    readonly target: ClusterTarget;
    /** The cloud's own stack outputs (a kubeconfig, the endpoint, its IPv6 ranges), by output name. */
    readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;
}

/** What the offline engine answers for a cloud's resources and data sources. */
export type OfflineCloudAnswers = Required<Pick<OfflineRunOptions, "synthesizers" | "invokes">>;

/** One `network.*` key a cloud takes. */
export interface NetworkKey {
    readonly default: string;
    /** What the range is on this cloud, for the schema's description. */
    readonly meaning: string;
    /**
     * `routed`: the network carries it, so peered tenants' must be apart; `cluster`: private to the
     * cluster (an overlay's), so it may repeat between clusters but not overlap a peer's network.
     * @default "routed"
     */
    readonly reach?: "routed" | "cluster";
}

/** For clouds that create their cluster: the keys `region`, `network.*` and `nodes.*`. */
export interface NewClusterKeys {
    /** Whose regions `region` names (`GCP`), and one for the error that asks for one. */
    readonly region: { readonly provider: string; readonly example: string };
    /** The default Kubernetes version (MAJOR.MINOR). */
    readonly kubernetesVersion: string;
    /** Other forms of `kubernetesVersion` the cloud takes besides MAJOR.MINOR, for the schema's description. */
    readonly otherVersionForms?: string;
    /** The `network.*` keys this cloud takes; any other `network` key is refused. */
    readonly network: Readonly<Record<string, NetworkKey>>;
    /** Why this cloud takes no other `network.*` key, for the refusal. */
    readonly otherNetworkKeys: string;
    /** Defaults of `nodes.*`. */
    readonly nodes: NodesConfig;
    /** How node counts are counted, when not per cluster (`per zone`). */
    readonly nodeCountsAre?: string;
    /** The cloud's rule for `clusterName`, for the schema's description. */
    readonly clusterNameRule: string;
}

/**
 * One cloud, as the rest of the package sees it: everything the config schema, the stack plan,
 * the root program, the offline engine, the fleet and the CLI need to know about it. Each cloud
 * folder exports one; `components/config/clouds.ts` lists them, and nothing else names a cloud.
 *
 * `Config` is the cloud's stack config ({@link CloudStackConfig} with its section); `Plan` is
 * its planner's result, which its component consumes as it is (planned once).
 */
export interface CloudModule<Name extends string = string, Section = unknown, Plan extends CloudPlan = CloudPlan> {
    /** The `cloud:` value, which also names the cloud's config section. */
    readonly name: Name;
    /** The cloud's short name in descriptions (`GKE`). */
    readonly title: string;
    /** What the cloud is, one line, for the schema's description of `cloud`. */
    readonly summary: string;
    /** The repository's example stack config for this cloud (plans offline), for messages that point at one. */
    readonly exampleConfig: string;
    /** The cloud's config section: its keys, descriptions and defaults, written once. */
    readonly section: z.ZodType<Section>;
    /**
     * The key a stack must set in the section, and how to fill it in, when the section is left
     * out; absent when every key of the section has a default.
     */
    readonly requiredKey?: { readonly key: string; readonly hint: string };
    /** Present for clouds that create their cluster; absent for a cluster that already exists. */
    readonly newCluster?: NewClusterKeys;
    /**
     * The npm package of the cloud's Pulumi SDK with its supported range (`@pulumi/gcp`, `^9`),
     * loaded only when a stack deploys to this cloud; absent when the cloud needs none.
     */
    readonly sdk?: { readonly name: string; readonly range: string };
    /** The Pulumi provider plugins its stacks need, besides `kubernetes`. */
    readonly plugins: readonly string[];
    /** Section keys that hold a path on the deploying machine (a fleet anchors them to its file). */
    readonly pathKeys?: readonly string[];
    /** True when a path key holds the content itself rather than a path (an inline kubeconfig), which is not anchored. */
    readonly isInlineValue?: (value: string) => boolean;
    /**
     * Set when the section holds what only the deploying machine has (a path, credentials): a
     * Pulumi Kubernetes Operator stack reads the section from a Secret, which must hold it with
     * this (`the kubeconfig's content inline`).
     */
    readonly inOperatorSecret?: string;
    /** True when the section, as written, carries credentials and is stored as a secret. */
    sectionIsSecret?(section: unknown): boolean;
    /**
     * Checks the stack all the way through the cloud's own rules and returns its plan. Errors and
     * warnings name the config key (`gcp.project`, `nodes.machineType`).
     */
    plan(config: CloudStackConfig<Name, Section>, today: Date): Plan;
    /** Creates the cluster from its checked plan, loading the cloud's SDK only now. */
    deploy(config: CloudStackConfig<Name, Section>, plan: Plan): Promise<DeployedCluster>;
    /** The offline engine's answers for the cloud's resources and data sources. */
    offlineAnswers(): OfflineCloudAnswers;
    /**
     * What the stack takes hold of in the world, so no two tenants of a fleet take the same:
     * a key, its description, and what to change when two claim it.
     */
    identity(config: CloudStackConfig<Name, Section>, plan: Plan): CloudClaim;
    /**
     * Names the stack takes in a wider scope than its cluster (a project-wide service account),
     * which two clusters of a fleet could otherwise both take.
     * @default none
     */
    sharedNames?(config: CloudStackConfig<Name, Section>, plan: Plan): readonly CloudClaim[];
    /**
     * The CIS benchmark controls the cloud's cluster has on by default, each with its opt-out key
     * (`components/<cloud>/cis.ts`).
     * @default none: the package creates no cluster there
     */
    readonly cis?: CisBenchmark<Plan>;
    /**
     * What the cloud contributes to the policy pack (`pulumi-dualstack-istio/policy`): how its
     * cluster resource says its IP families, its API-endpoint check and its CIS checks
     * (`components/<cloud>/policy-checks.ts`).
     * @default none: the stack holds no cluster resource of this cloud (an existing cluster)
     */
    readonly policyChecks?: CloudPolicyChecks;
    /** Where the cluster is, for the plan summary (`gcp europe-west4`). */
    location(config: CloudStackConfig<Name, Section>, plan: Plan): string;
    /** Whether `pulumi destroy` would be refused by the cluster's deletion protection. */
    deletionProtected(config: CloudStackConfig<Name, Section>): boolean;
}

/** Something a stack takes hold of in the world: a key, its description, and what to change when two claim it. */
export interface CloudClaim {
    readonly key: string;
    readonly description: string;
    readonly remedy: string;
}

/** Any cloud module, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCloudModule = CloudModule<string, any, any>;

/** Declares a cloud module with its types inferred. */
export function defineCloud<Name extends string, Section, Plan extends CloudPlan>(module: CloudModule<Name, Section, Plan>): CloudModule<Name, Section, Plan> {
    return module;
}
