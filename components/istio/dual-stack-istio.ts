import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { ServicePatch } from "@pulumi/kubernetes/core/v1/servicePatch";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import { checkedFor, formatWarning } from "../errors";
import type { ClusterTarget } from "../target/cluster-target";
import { RELEASE_DEFAULTS } from "../target/release-defaults";
import { type IstioInstallPlan, planIstioInstall, servicePatchSpec } from "./plan";
import { PlannedArgs } from "../target/planned-args";
import type { IstioSettings } from "./settings";
import { type HelmValues, IstioChart } from "./values";
import { registerVerification } from "./verification-resources";

/** Arguments of {@link DualStackIstio}: the cluster, plus the `istio.*` settings. */
export interface DualStackIstioArgs extends IstioSettings {
    /**
     * The cluster to install into, as produced by a cluster component (or built by hand for an
     * existing cluster): its provider, IP families, Kubernetes version and readiness.
     */
    readonly target: ClusterTarget;
}

/**
 * Arguments the stack plan already planned, so {@link DualStackIstio} builds from that plan.
 * @internal
 */
export const PLANNED_ISTIO_ARGS = new PlannedArgs<DualStackIstioArgs, IstioInstallPlan>();

/**
 * Istio's control plane (and optionally an ingress gateway, Istio CNI and, in ambient mode,
 * ztunnel) installed with Helm Releases and configured for the cluster's IP families: on a
 * dual-stack cluster, dual-stack istiod and proxies with the switches the chosen Istio version
 * reads, and dual-stack Services.
 *
 * Creates the `istio-system` namespace, then `istio-base`, then `istiod` (which waits for `base`
 * and the cluster's readiness for workloads), and, when enabled, `istio-cni`, `ztunnel` and
 * `istio-ingressgateway` (in `istio-ingress`; a LoadBalancer gateway also waits for the cluster's
 * load-balancer controller and carries its edge's annotations). With `base.enabled: false` it
 * creates only `istiod-<revision>`, beside a control plane that owns base and `istio-system` (a
 * canary). With `verify.enabled` it then proves the mesh answers on every family (the
 * `istio-verify` namespace, an echo Service and a client Job per family and path; a failed Job
 * fails the update). Every input is checked before anything is created.
 */
export class DualStackIstio extends pulumi.ComponentResource {
    /** The Helm Release of each installed chart, by chart (`base`, `istiod`, `cni`, `gateway`). */
    public readonly releases!: Record<string, Release>;
    /** Each release's Helm status (`deployed`, …), by chart. */
    public readonly releaseStatuses!: pulumi.Output<Record<string, string>>;
    /** The istiod revision; empty for the default control plane. */
    public readonly revision!: pulumi.Output<string>;
    /** The values given to each chart, by chart. */
    public readonly values!: pulumi.Output<Record<string, HelmValues>>;
    /** `<hub>/pilot:<tag>`: the istiod image. */
    public readonly istiodImage!: pulumi.Output<string>;
    /** With `verify.enabled`: the name of each completed client Job, by probe (`verify-ipv4`, …); `{}` without it. */
    public readonly verificationJobs!: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: DualStackIstioArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = PLANNED_ISTIO_ARGS.planOf(args, () => checkedFor("DualStackIstio", name, () => planIstioInstall(args, args.target)));
        super("dualstack-istio:index:DualStackIstio", name, args, opts);
        for (const warning of plan.warnings) {
            void pulumi.log.warn(formatWarning(warning), this);
        }

        const provider = args.target.provider;
        const readyForWorkloads = args.target.readyForWorkloads ?? [];
        const readyForLoadBalancers = args.target.readyForLoadBalancers ?? [];
        const namespaces = new Map(
            plan.namespaces.map((namespace) => [
                namespace.name,
                new Namespace(`${name}-${namespace.name}`, { metadata: { name: namespace.name, labels: namespace.labels } }, { parent: this, provider }),
            ]),
        );

        const releases: Record<string, Release> = {};
        for (const planned of plan.releases) {
            const namespace = namespaces.get(planned.namespace);
            releases[planned.chart] = new Release(
                `${name}-${planned.chart}`,
                {
                    name: planned.releaseName,
                    chart: planned.source.chart,
                    version: planned.source.version,
                    repositoryOpts: planned.source.repository ? { repo: planned.source.repository } : undefined,
                    // The namespace's name output ties the release to the Namespace resource, where
                    // this install creates it (not beside another control plane, which owns it).
                    namespace: namespace ? namespace.metadata.name : planned.namespace,
                    values: planned.values,
                    timeout: planned.timeoutSeconds,
                    ...RELEASE_DEFAULTS,
                },
                {
                    parent: this,
                    provider,
                    dependsOn: [
                        ...planned.after.map((chart) => releases[chart]),
                        ...(planned.needsWorkloads ? readyForWorkloads : []),
                        ...(planned.needsLoadBalancers ? readyForLoadBalancers : []),
                    ],
                },
            );
        }

        const patches: ServicePatch[] = [];
        for (const patch of plan.servicePatches) {
            const servicePatch = new ServicePatch(
                `${name}-${patch.name}-dual-stack`,
                {
                    metadata: {
                        name: patch.name,
                        namespace: patch.namespace,
                        // The chart's release owns the rest of the Service; take just these two fields.
                        annotations: { "pulumi.com/patchForce": "true" },
                    },
                    spec: servicePatchSpec(patch),
                },
                { parent: this, provider, dependsOn: [releases[patch.after]] },
            );
            patches.push(servicePatch);
        }

        const jobs: Record<string, pulumi.Output<string>> = {};
        if (plan.verification) {
            const gateway = releases[IstioChart.Gateway];
            const verification = registerVerification(
                name,
                plan.verification,
                [...Object.values(releases), ...patches],
                [releases[IstioChart.Base] ?? releases[IstioChart.Istiod], ...(gateway ? [gateway] : [])],
                {
                    parent: this,
                    provider,
                },
            );
            for (const [probe, job] of Object.entries(verification.jobs)) {
                jobs[probe] = job.metadata.name;
            }
        }

        const statuses: Record<string, pulumi.Output<string>> = {};
        for (const [chart, release] of Object.entries(releases)) {
            statuses[chart] = release.status.status;
        }
        this.releases = releases;
        this.releaseStatuses = pulumi.output(statuses);
        this.revision = pulumi.output(plan.settings.revision);
        this.values = pulumi.output(Object.fromEntries(plan.releases.map((release) => [release.chart, release.values])));
        this.istiodImage = pulumi.output(`${plan.settings.hub}/pilot:${plan.settings.tag}`);
        this.verificationJobs = pulumi.output(jobs);
        this.registerOutputs({
            verificationJobs: this.verificationJobs,
            releaseStatuses: this.releaseStatuses,
            revision: this.revision,
            values: this.values,
            istiodImage: this.istiodImage,
        });
    }
}
