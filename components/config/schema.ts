import * as z from "zod";
import { AMBIENT_FROM, DEFAULT_CHART_REPOSITORY, DEFAULT_UPSTREAM_HUB, GatewayServiceType, ImagePullPolicy, IstioMode, VERIFY_TIMEOUT_SECONDS } from "../istio/settings";
import { DEFAULT_ISTIO_VERSION, IstioFlavor } from "../istio/versions";
import type { NewClusterKeys } from "../target/cloud-module";
import { enumValues as values, text, textList, wholeNumber } from "../target/schema-parts";
import { CLOUD_NAMES, CLOUDS } from "./clouds";

const NEW_CLUSTER_CLOUDS = CLOUDS.filter((cloud) => cloud.newCluster !== undefined);

/** `GKE: a, default x; EKS: b, default y`, for a key whose meaning and default depend on the cloud. */
function perCloud(describe: (cloud: (typeof NEW_CLUSTER_CLOUDS)[number], keys: NewClusterKeys) => string | undefined): string {
    return NEW_CLUSTER_CLOUDS.flatMap((cloud) => {
        const text = describe(cloud, cloud.newCluster as NewClusterKeys);
        return text === undefined ? [] : [`${cloud.title}: ${text}`];
    }).join("; ");
}

/** `a, b or c`. */
function oneOf(names: readonly string[]): string {
    return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : names.join("");
}

const newClusterClouds = `only with cloud ${NEW_CLUSTER_CLOUDS.map((cloud) => `\`${cloud.name}\``).join(", ")}`;
const networkKeyNames = [...new Set(NEW_CLUSTER_CLOUDS.flatMap((cloud) => Object.keys(cloud.newCluster?.network ?? {})))];

const networkSection = z
    .strictObject(
        Object.fromEntries(
            networkKeyNames.map((key) => [
                key,
                text.optional().meta({
                    description: `${perCloud((_cloud, keys) => (keys.network[key] ? `${keys.network[key].meaning}, default ${keys.network[key].default}` : undefined))}.`,
                }),
            ]),
        ),
    )
    .meta({ description: `The cluster's own address ranges (the cloud assigns the rest); ${newClusterClouds}.` });

/**
 * The most nodes any cloud here allows in one cluster (GKE Standard: 15,000,
 * https://cloud.google.com/kubernetes-engine/quotas; AKS 5,000; EKS by quota), so that a typo
 * cannot ask for ranges sized for billions of nodes; each cloud's own limits come after.
 */
const MAX_NODES = 15_000;

const nodeCount = (meaning: string, key: "count" | "minCount" | "maxCount") =>
    wholeNumber
        .max(MAX_NODES)
        .optional()
        .meta({
            description: `${meaning}. Default ${perCloud((_cloud, keys) => `${keys.nodes[key]}${keys.nodeCountsAre ? ` ${keys.nodeCountsAre}` : ""}`)}.`,
        });

const nodesSection = z
    .strictObject({
        count: nodeCount("Initial nodes", "count"),
        minCount: nodeCount("Autoscaling minimum", "minCount"),
        maxCount: nodeCount("Autoscaling maximum", "maxCount"),
        machineType: text.optional().meta({
            description: `Machine (instance) type. Default ${perCloud((_cloud, keys) => keys.nodes.machineType)}.`,
        }),
    })
    .meta({ description: `The node pool; ${newClusterClouds}.` });

const istioSection = z
    .strictObject({
        flavor: z.enum(values(IstioFlavor)).optional().meta({
            description: "`upstream` (an Istio release) or `experimental-dual-stack` (your build of that branch). Default `upstream`.",
        }),
        version: text.optional().meta({ description: `The upstream Istio release X.Y.Z (or a pre-release X.Y.Z-rc.N, with a warning). Default ${DEFAULT_ISTIO_VERSION}.` }),
        hub: text.optional().meta({
            description: `Registry path of your Istio images, e.g. \`europe-docker.pkg.dev/p/istio\`. Default ${DEFAULT_UPSTREAM_HUB} (required for the branch).`,
        }),
        tag: text.optional().meta({ description: "Tag of your Istio images (needs `hub`). Default: the release version (required for the branch)." }),
        imagePullPolicy: z.enum(values(ImagePullPolicy)).optional().meta({
            description: "Pull policy of Istio's images. Default `Always` with `hub`, else `IfNotPresent`.",
        }),
        revision: text.optional().meta({ description: "istiod revision, a DNS-1123 label other than `default`. Default: none (the default control plane)." }),
        chartsDir: text.optional().meta({
            description: "A checkout's `manifests/charts` folder to install from (required for the branch).",
        }),
        chartRepository: text.optional().meta({
            description: `The Helm repository (https or oci) of the upstream charts. Default ${DEFAULT_CHART_REPOSITORY}.`,
        }),
        imagePullSecrets: textList.optional().meta({ description: "Names of pull Secrets for Istio's images. Default: none." }),
        base: z
            .strictObject({
                enabled: z.boolean().optional().meta({
                    description:
                        "Install Istio's base chart and create `istio-system`. `false` installs only `istiod-<revision>` beside a control plane another stack installed (a canary; needs `revision`, no gateway or CNI). Default `true`.",
                }),
            })
            .optional()
            .meta({ description: "Istio's base chart (CRDs, cluster roles) and namespace." }),
        gateway: z
            .strictObject({
                enabled: z.boolean().optional().meta({ description: "Install a dual-stack ingress gateway in `istio-ingress`. Default `false`." }),
                serviceType: z.enum(values(GatewayServiceType)).optional().meta({
                    description: "The gateway Service's type. Default `LoadBalancer`.",
                }),
            })
            .optional()
            .meta({ description: "The ingress gateway." }),
        cni: z
            .strictObject({
                enabled: z
                    .boolean()
                    .optional()
                    .meta({ description: "Install Istio CNI, so pods need no `NET_ADMIN` init container. Default `false`, `true` in ambient mode (which needs it)." }),
            })
            .optional()
            .meta({ description: "Istio CNI." }),
        mode: z
            .enum(values(IstioMode))
            .optional()
            .meta({
                description: `The data plane: \`sidecar\`, or \`ambient\` (Istio ${AMBIENT_FROM} or newer: ztunnel on every node and istio-cni, no sidecars). Default \`sidecar\`.`,
            }),
        nativeNftables: z.boolean().optional().meta({
            description: "Redirect with native nftables instead of iptables (`global.nativeNftables`): sidecar mode from Istio 1.27.0, ambient from 1.28.0. Default `false`.",
        }),
        verify: z
            .strictObject({
                enabled: z.boolean().optional().meta({
                    description:
                        "After installing, prove the mesh answers on every family: an echo Service in `istio-verify` and a client Job per family (and through the gateway); a failed Job fails the update. Default `false`.",
                }),
                clientImage: text.optional().meta({
                    description: "The client Jobs' image, with `sh` and `curl`, pinned by tag or digest. Default `<hub>/proxyv2:<tag>`.",
                }),
                timeoutSeconds: wholeNumber.optional().meta({
                    description: `How long each client Job may try, ${VERIFY_TIMEOUT_SECONDS.min} to ${VERIFY_TIMEOUT_SECONDS.max} seconds. Default ${VERIFY_TIMEOUT_SECONDS.default}.`,
                }),
            })
            .optional()
            .meta({ description: "The post-install proof that the mesh answers on both families." }),
    })
    .meta({ description: "Istio, installed with Helm Releases." });

/**
 * The stack config: one schema for the root program's stack config, `dualstack-istio plan
 * --config`, and each tenant of a fleet, made from the registry's clouds. Unknown keys and wrong
 * types are refused; what depends on the cloud is checked by {@link resolveStackConfig} in `./parse`.
 */
export const stackConfigSchema = z.strictObject({
    cloud: z.enum(CLOUD_NAMES).meta({
        description: `Where the cluster comes from: ${CLOUDS.map((cloud) => `\`${cloud.name}\` (${cloud.summary.charAt(0).toLowerCase()}${cloud.summary.slice(1).replace(/\.$/, "")})`).join(", ")}. Required.`,
    }),
    clusterName: text.meta({
        description: `The cluster's name (${perCloud((_cloud, keys) => keys.clusterNameRule)}). Names the stack's resources. Required.`,
    }),
    region: text.optional().meta({
        description: `The ${oneOf(NEW_CLUSTER_CLOUDS.map((cloud) => cloud.newCluster?.region.provider ?? cloud.name))} region (a region, not a zone). Required with ${NEW_CLUSTER_CLOUDS.map((cloud) => `\`${cloud.name}\``).join(", ")}.`,
    }),
    kubernetesVersion: text.optional().meta({
        description: `The Kubernetes version, MAJOR.MINOR (${perCloud((_cloud, keys) => keys.otherVersionForms)}). Default ${perCloud((_cloud, keys) => keys.kubernetesVersion)}; required for a cluster that exists (its version).`,
    }),
    ...(Object.fromEntries(CLOUDS.map((cloud) => [cloud.name, (cloud.section as z.ZodType).optional()])) as {
        [C in (typeof CLOUDS)[number] as C["name"]]: z.ZodOptional<C["section"]>;
    }),
    network: networkSection.optional(),
    nodes: nodesSection.optional(),
    istio: istioSection.optional(),
});

/** The stack config as written, before cloud defaults. */
export type StackConfigDocument = z.output<typeof stackConfigSchema>;
/** The `istio` section as written. */
export type IstioConfig = NonNullable<StackConfigDocument["istio"]>;
