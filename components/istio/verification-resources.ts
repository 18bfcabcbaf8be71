import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Deployment, type DeploymentArgs } from "@pulumi/kubernetes/apps/v1/deployment";
import { Job } from "@pulumi/kubernetes/batch/v1/job";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import type { PlannedVerification } from "./verify";

// The planner imports no Pulumi types, so its Deployment is a plain object; this is the one
// place it meets the typed args (the other resources' args take it as it is).
function deploymentArgs(fields: PlannedVerification["echoDeployment"]): DeploymentArgs {
    return fields as unknown as DeploymentArgs;
}

/** What the proof registered: its Jobs by resource name (`verify-ipv4`, …). */
export interface VerificationResources {
    readonly namespace: Namespace;
    readonly jobs: Record<string, Job>;
}

/**
 * Registers the planned proof under `parent`: the namespace and the echo server once every Istio
 * resource in `installed` is, the gateway route once its CRDs and gateway are, and the client Jobs
 * last. Pulumi waits for each Job to complete, so a Job that fails fails the update, by its name.
 */
export function registerVerification(
    name: string,
    planned: PlannedVerification,
    installed: readonly pulumi.Resource[],
    gatewayInstalled: readonly pulumi.Resource[],
    opts: { readonly parent: pulumi.Resource; readonly provider: pulumi.ProviderResource },
): VerificationResources {
    const { parent, provider } = opts;
    const namespace = new Namespace(
        `${name}-${planned.namespace.name}`,
        { metadata: { name: planned.namespace.name, labels: planned.namespace.labels } },
        { parent, provider, dependsOn: [...installed] },
    );
    const inNamespace = { parent, provider, dependsOn: [namespace] };
    const config = new ConfigMap(`${name}-verify-echo`, planned.echoConfig, inNamespace);
    const deployment = new Deployment(`${name}-verify-echo`, deploymentArgs(planned.echoDeployment), { ...inNamespace, dependsOn: [namespace, config] });
    const service = new Service(`${name}-verify-echo`, planned.echoService, inNamespace);
    const route: pulumi.Resource[] = [];
    if (planned.gatewayRoute) {
        const { apiVersion, gateway, virtualService } = planned.gatewayRoute;
        const routeOpts = { parent, provider, dependsOn: [namespace, ...gatewayInstalled] };
        route.push(
            new CustomResource(`${name}-verify-gateway`, { apiVersion, kind: "Gateway", ...gateway }, routeOpts),
            new CustomResource(`${name}-verify-route`, { apiVersion, kind: "VirtualService", ...virtualService }, routeOpts),
        );
    }
    const jobs: Record<string, Job> = {};
    for (const probe of planned.probes) {
        jobs[probe.name] = new Job(`${name}-${probe.name}`, probe.job, {
            parent,
            provider,
            dependsOn: [deployment, service, ...route],
            // The cluster holds only the latest proof: a rerun removes the previous Job first, so a
            // failed proof is never hidden by the earlier success it was to replace.
            deleteBeforeReplace: true,
            customTimeouts: { create: `${planned.awaitSeconds}s`, update: `${planned.awaitSeconds}s` },
        });
    }
    return { namespace, jobs };
}
