import * as z from "zod";
import { IpFamily, KubernetesPlatform } from "../target/cluster-facts";
import { type CloudPlan, type CloudStackConfig, defineCloud } from "../target/cloud-module";
import { type ConfigKeyMap, withConfigKeys } from "../target/config-keys";
import { enumValues, text } from "../target/schema-parts";
import { isInlineKubeconfig } from "./kubeconfig";
import { type ExistingClusterArgs, type ExistingClusterPlan, PLANNED_EXISTING_ARGS, planExistingCluster } from "./plan";

/** The `existing` section of a `cloud: existing` stack config. */
export const existingSection = z
    .strictObject({
        kubeconfig: text.meta({
            description: "The cluster's kubeconfig: a file path (`~` allowed) or the kubeconfig itself. Required with `cloud: existing`.",
        }),
        context: text.optional().meta({ description: "The kubeconfig context to use. Default: the kubeconfig's `current-context`." }),
        ipFamilies: z
            .array(z.enum(enumValues(IpFamily)))
            .default([IpFamily.IPv4, IpFamily.IPv6])
            .meta({ description: "The cluster's IP families, primary first: `[IPv4]`, `[IPv6]`, `[IPv4, IPv6]` or `[IPv6, IPv4]`." }),
        platform: z.enum(enumValues(KubernetesPlatform)).default(KubernetesPlatform.Generic).meta({
            description: "What the cluster runs on, where Istio installs differ (`gke` sets the CNI profile).",
        }),
    })
    .meta({ description: "The existing cluster; only with `cloud: existing`." });

/** The `existing` section, defaults applied. */
export type ExistingSection = z.output<typeof existingSection>;

/** A `cloud: existing` stack's config as the existing-cluster cloud reads it. */
export type ExistingStackConfig = CloudStackConfig<"existing", ExistingSection>;

/** The existing-cluster component's arguments for a `cloud: existing` stack. */
export function existingArgs(config: ExistingStackConfig): ExistingClusterArgs {
    const { existing } = config;
    return {
        kubeconfig: existing.kubeconfig,
        kubernetesVersion: config.kubernetesVersion,
        ipFamilies: existing.ipFamilies,
        platform: existing.platform,
        ...(existing.context ? { context: existing.context } : {}),
    };
}

const EXISTING_KEYS: ConfigKeyMap = {
    kubeconfig: "existing.kubeconfig",
    context: "existing.context",
    ipFamilies: "existing.ipFamilies",
    platform: "existing.platform",
};

/** An existing cluster's plan: its facts and the kubeconfig read (once) and checked. */
export interface ExistingCloudPlan extends CloudPlan {
    readonly cluster: ExistingClusterPlan;
}

/** `cloud: existing`: a cluster that already exists, reached through a kubeconfig. */
export const EXISTING_CLOUD = defineCloud({
    name: "existing",
    title: "an existing cluster",
    summary: "A cluster that already exists, reached through a kubeconfig (kind, on-prem, private clouds).",
    exampleConfig: "examples/existing-cluster/stack-config.yaml",
    section: existingSection,
    requiredKey: { key: "kubeconfig", hint: "give a kubeconfig file path or its content" },
    plugins: [],
    pathKeys: ["kubeconfig"],
    isInlineValue: isInlineKubeconfig,
    inOperatorSecret: "the kubeconfig's content inline",
    sectionIsSecret: (section: unknown) => {
        const kubeconfig = (section as { kubeconfig?: unknown } | null)?.kubeconfig;
        return typeof kubeconfig === "string" && isInlineKubeconfig(kubeconfig);
    },
    plan(config: ExistingStackConfig): ExistingCloudPlan {
        const cluster = withConfigKeys(EXISTING_KEYS, () => planExistingCluster(existingArgs(config)));
        return { cluster, facts: cluster.facts, warnings: [] };
    },
    async deploy(config: ExistingStackConfig, plan: ExistingCloudPlan) {
        const { ExistingCluster } = await import("./existing-cluster");
        // The kubeconfig the plan already read and checked, so the file is read once.
        const { content, context } = plan.cluster.kubeconfig;
        const args = PLANNED_EXISTING_ARGS.attach({ ...existingArgs(config), kubeconfig: content, context }, plan.cluster);
        const cluster = new ExistingCluster(config.clusterName, args);
        return { target: cluster.target, outputs: {} };
    },
    offlineAnswers: () => ({ synthesizers: {}, invokes: {} }),
    identity: (_config: ExistingStackConfig, plan: ExistingCloudPlan) => {
        const { server, context } = plan.cluster.kubeconfig;
        return {
            key: `existing/${server}`,
            description: `the cluster at ${server} (kubeconfig context ${context})`,
            remedy: "each existing cluster belongs to one tenant",
        };
    },
    location: (_config: ExistingStackConfig, plan: ExistingCloudPlan) => `existing cluster, context ${plan.cluster.kubeconfig.context} at ${plan.cluster.kubeconfig.server}`,
    deletionProtected: () => false,
});
