import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { planOffline } from "../../cli/plan-command";
import { CLOUDS } from "../../components/config/clouds";
import { parseStackConfig } from "../../components/config/parse";
import { anchorPathKeys } from "../../components/config/paths";
import { readConfigText } from "../../components/config/sources";
import type { RecordedValue } from "../../engine/offline-engine";
import { planStack } from "../../program/stack-plan";
import { makeChartsDir } from "../support/fixtures";
import { analyzeAll, configurePolicies, type Diagnostic, notApplicable, type TestResource, UNKNOWN } from "./analyzer";

const ROOT = path.resolve(__dirname, "../..");

/** The offline engine writes an unknown as "[unknown]"; the engine sends the analyzer its sentinel. */
function asSent(value: RecordedValue): unknown {
    if (value === "[unknown]") {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map(asSent);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asSent(item)]));
    }
    return value;
}

/** The planned resources of a stack config document, with their inputs as the engine would send them. */
async function planned(document: unknown): Promise<TestResource[]> {
    const run = await planOffline(planStack(parseStackConfig(document)), "stack");
    return run.resources.map((resource) => ({ type: resource.type, name: resource.name, urn: resource.urn, props: asSent(resource.inputs) as Record<string, unknown> }));
}

/** The planned resources of an example config, with `istio` replaced when given. */
async function plannedResources(exampleConfig: string, istio?: Record<string, unknown>): Promise<TestResource[]> {
    const file = path.join(ROOT, exampleConfig);
    const document = readConfigText(readFileSync(file, "utf8"), exampleConfig);
    if (istio !== undefined) {
        document.istio = istio;
    }
    anchorPathKeys(document, path.dirname(file));
    return planned(document);
}

const ENDPOINT_DESCRIPTION = "A cluster's Kubernetes API endpoint is private or admits only listed ranges, none of them 0.0.0.0/0 or ::/0.";

/**
 * The smallest config each cloud that creates a cluster accepts: every default, so no API
 * allow-list (`gcp.authorizedNetworks`, `aws.publicAccessCidrs`, `azure.authorizedIpRanges`),
 * which the plans only warn about and the mandatory endpoint policy refuses.
 */
const DEFAULTS_ONLY: readonly { readonly config: Record<string, unknown>; readonly urn: string; readonly line: string }[] = [
    {
        config: { cloud: "gcp", clusterName: "gke", region: "europe-west4", gcp: { project: "my-gcp-project" } },
        urn: "urn:pulumi:stack::dualstack-istio::dualstack-istio:index:GkeDualStackCluster$gcp:container/cluster:Cluster::gke-cluster",
        line: "gcp:container/cluster:Cluster 'gke-cluster': masterAuthorizedNetworksConfig is not set; allowed: masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true",
    },
    {
        config: { cloud: "aws", clusterName: "eks", region: "eu-west-1" },
        urn: "urn:pulumi:stack::dualstack-istio::dualstack-istio:index:EksIpv6Cluster$aws:eks/cluster:Cluster::eks-cluster",
        line: "aws:eks/cluster:Cluster 'eks-cluster': vpcConfig.publicAccessCidrs is not set; allowed: vpcConfig.endpointPublicAccess: false, or vpcConfig.publicAccessCidrs without 0.0.0.0/0 or ::/0",
    },
    {
        config: { cloud: "azure", clusterName: "aks", region: "westeurope", azure: { subscriptionId: "00000000-0000-4000-8000-000000000000" } },
        urn: "urn:pulumi:stack::dualstack-istio::dualstack-istio:index:AksDualStackCluster$azure-native:containerservice:ManagedCluster::aks",
        line: "azure-native:containerservice:ManagedCluster 'aks': apiServerAccessProfile.authorizedIPRanges is not set; allowed: apiServerAccessProfile.authorizedIPRanges without 0.0.0.0/0, or apiServerAccessProfile.enablePrivateCluster: true",
    },
];

const mandatory = (found: readonly Diagnostic[]) => found.filter((diagnostic) => diagnostic.level === "mandatory");

describe("the policy pack on this package's own plans", () => {
    afterEach(() => configurePolicies({}));

    for (const cloud of CLOUDS) {
        it(`raises nothing on ${cloud.exampleConfig} (cloud ${cloud.name})`, async () => {
            const found = await analyzeAll(await plannedResources(cloud.exampleConfig));
            assert.deepEqual(found, []);
        });
    }

    it("covers every cloud that creates a cluster with a defaults-only config", () => {
        const creating = CLOUDS.filter((cloud) => cloud.newCluster !== undefined).map((cloud) => cloud.name);
        assert.deepEqual(
            DEFAULTS_ONLY.map(({ config }) => config.cloud),
            creating,
        );
    });

    for (const { config, urn, line } of DEFAULTS_ONLY) {
        it(`raises exactly the open-endpoint violation on a defaults-only ${String(config.cloud)} cluster (no API allow-list)`, async () => {
            const found = await analyzeAll(await planned(config));
            assert.deepEqual(mandatory(found), [{ policy: "api-endpoint-not-open-to-world", level: "mandatory", message: `${ENDPOINT_DESCRIPTION}\n${line}`, urn }]);
        });
    }

    it("names CIS GKE 5.7.1 when a stack turns logging and monitoring off, as the cluster component registers it", async () => {
        const found = await analyzeAll(
            await planned({ ...DEFAULTS_ONLY[0].config, gcp: { project: "my-gcp-project", authorizedNetworks: ["81.2.69.0/24"], loggingAndMonitoring: false } }),
        );
        const cluster = DEFAULTS_ONLY[0].urn;
        const control = "(CIS GKE Benchmark v1.9.0 5.7.1: Logging and Cloud Monitoring is Enabled)";
        const description = "The CIS benchmark controls this package's clusters have on by default are on.";
        assert.deepEqual(found, [
            {
                policy: "cis-secure-defaults",
                level: "advisory",
                message: `${description}\ngcp:container/cluster:Cluster 'gke-cluster': loggingService is "none"; allowed: anything but "none" ${control}`,
                urn: cluster,
            },
            {
                policy: "cis-secure-defaults",
                level: "advisory",
                message: `${description}\ngcp:container/cluster:Cluster 'gke-cluster': monitoringService is "none"; allowed: anything but "none" ${control}`,
                urn: cluster,
            },
        ]);
    });

    it("raises nothing on GKE with old and new Istio releases, ambient, CNI, a revision, an OCI chart source, a checkout and the experimental-dual-stack branch", async () => {
        const gke = CLOUDS[0].exampleConfig;
        const variants: Record<string, unknown>[] = [
            { version: "1.17.8", gateway: { enabled: true } },
            { version: "1.18.7", gateway: { enabled: true } },
            { version: "1.19.0", gateway: { enabled: true } },
            { version: "1.19.10", gateway: { enabled: true }, revision: "canary" },
            { version: "1.23.6", cni: { enabled: true } },
            { version: "1.30.3", mode: "ambient", gateway: { enabled: true } },
            { version: "1.30.3", chartRepository: "oci://ghcr.io/istio/release/charts", gateway: { enabled: true }, verify: { enabled: true } },
            { version: "1.30.3", chartsDir: makeChartsDir(), gateway: { enabled: true } },
            { flavor: "experimental-dual-stack", chartsDir: makeChartsDir(), hub: "registry.example.com/istio", tag: "dual-stack-dev", gateway: { enabled: true } },
        ];
        for (const istio of variants) {
            assert.deepEqual(mandatory(await analyzeAll(await plannedResources(gke, istio))), [], JSON.stringify(istio));
        }
    });

    it("checks an existing cluster's Istio only when the policy config says the cluster is dual-stack", async () => {
        const existing = CLOUDS.find((cloud) => cloud.newCluster === undefined)!.exampleConfig;
        const resources = await plannedResources(existing);
        const reason = "the stack holds no dual-stack cluster, and the policy config sets no ipFamilies with IPv4 and IPv6";
        assert.deepEqual(await notApplicable(resources), { "dual-stack-services": reason, "istiod-dual-stack-flags": reason });
        await configurePolicies({ "dual-stack-services": { ipFamilies: ["IPv4", "IPv6"] }, "istiod-dual-stack-flags": { ipFamilies: ["IPv4", "IPv6"] } });
        assert.deepEqual(await notApplicable(resources), {});
        assert.deepEqual(await analyzeAll(resources), []);
    });
});
