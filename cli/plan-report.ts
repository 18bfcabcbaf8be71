import { cloudModule } from "../components/config/clouds";
import { stringify } from "yaml";
import { formatWarning } from "../components/errors";
import { istioOperator } from "../components/istio/operator";
import type { IstioInstallPlan } from "../components/istio/plan";
import { verificationManifests } from "../components/istio/verify";
import { istiodEnv, proxyMetadata } from "../components/istio/values";
import { type CisBenchmark, cisSummary } from "../components/target/cis";
import type { CloudPlan } from "../components/target/cloud-module";
import { isDualStack } from "../components/target/cluster-facts";
import type { RecordedResource, RecordedValue } from "../engine/offline-engine";
import type { StackPlan } from "../program/stack-plan";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The files `plan --out DIR` writes, by file name. */
export type PlanFiles = ReadonlyMap<string, string>;

/** JSON with object keys sorted at every level, so equal plans are equal bytes. */
function canonical(value: RecordedValue): RecordedValue {
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((key) => [key, canonical(value[key])]),
        );
    }
    return value;
}

/** Every resource as `plan.json` and `plan --json` list it: URN, parent, provider, dependencies, inputs and outputs. */
function plannedResources(resources: readonly RecordedResource[]): object[] {
    return resources.map((resource) => ({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        parent: resource.parent,
        provider: resource.provider,
        dependsOn: [...resource.dependsOn],
        inputs: canonical(resource.inputs),
        outputs: canonical(resource.outputs),
    }));
}

/** `plan.json`: every resource with its URN, parent, provider, dependencies, inputs and outputs. */
export function planJson(resources: readonly RecordedResource[]): string {
    return `${JSON.stringify({ resources: plannedResources(resources) }, null, 2)}\n`;
}

/** The resource tree as `pulumi preview` draws it: indented by parent, type then name. */
export function renderTree(resources: readonly RecordedResource[]): string {
    const children = new Map<string | null, RecordedResource[]>();
    for (const resource of resources) {
        const siblings = children.get(resource.parent) ?? [];
        siblings.push(resource);
        children.set(resource.parent, siblings);
    }
    const rows: [string, string][] = [];
    const visit = (resource: RecordedResource, prefix: string, connector: string): void => {
        rows.push([`${prefix}${connector}${resource.type}`, resource.name]);
        const kids = children.get(resource.urn) ?? [];
        const childPrefix = prefix + (connector === "" ? "" : connector === "└─ " ? "   " : "│  ");
        kids.forEach((kid, index) => visit(kid, childPrefix, index === kids.length - 1 ? "└─ " : "├─ "));
    };
    for (const root of children.get(null) ?? []) {
        visit(root, "", "");
    }
    const width = Math.max("Type".length, ...rows.map(([type]) => type.length)) + 2;
    const lines = [`     ${"Type".padEnd(width)}Name`, ...rows.map(([type, name]) => ` +   ${type.padEnd(width)}${name}`)];
    const creates = resources.length;
    return `${lines.join("\n")}\n\nResources:\n    + ${creates} to create\n`;
}

/** The dual-stack facts of a plan, as label/value rows. */
export function summaryRows(plan: StackPlan, resources: readonly RecordedResource[]): [string, string][] {
    const { config, facts, istio } = plan;
    const settings = istio.settings;
    const families = isDualStack(facts.ipFamilies)
        ? `${facts.ipFamilies.join(", ")} (dual-stack, ${facts.ipFamilies[0]} primary)`
        : `${facts.ipFamilies.join(", ")} (single-stack)`;
    const where = cloudModule(config.cloud).location(config, plan.cluster);
    const source = istio.chartSource.kind === "directory" ? `local charts ${istio.chartSource.path}` : istio.chartSource.url;
    const charts = istio.releases.map((release) => `${release.releaseName} ${release.source.version ?? "(checkout)"}`).join(", ");
    const services = istio.releases
        .filter((release) => release.chart === "istiod" || release.chart === "gateway")
        .map((release) => {
            const patched = istio.servicePatches.find((patch) => patch.after === release.chart);
            if (!isDualStack(facts.ipFamilies)) {
                return `${release.releaseName}: SingleStack ${facts.ipFamilies[0]}`;
            }
            return `${release.releaseName}: RequireDualStack [${facts.ipFamilies.join(", ")}] ${patched ? `by ServicePatch of ${patched.name}` : "through chart values"}`;
        })
        .join("; ");
    const env = (record: Readonly<Record<string, string>>) =>
        Object.entries(record)
            .map(([key, value]) => `${key}=${value}`)
            .join(", ") || "(none)";
    const edge: [string, string][] = [];
    if (facts.loadBalancer) {
        const gateway = istio.releases.find((release) => release.needsLoadBalancers);
        const annotations = env(
            Object.fromEntries(Object.entries(facts.loadBalancer.serviceAnnotations).map(([key, value]) => [key.replace(/^service\.beta\.kubernetes\.io\//, ""), value])),
        );
        edge.push(["Edge", `load balancers reach ${facts.loadBalancer.ipFamilies.join(" and ")} clients${gateway ? `; ${gateway.releaseName} Service: ${annotations}` : ""}`]);
    }
    const benchmark: CisBenchmark<CloudPlan> | undefined = cloudModule(config.cloud).cis;
    const cis: [string, string][] = benchmark ? [["CIS", `${benchmark.name}: ${cisSummary(benchmark, plan.cluster)}`]] : [];
    return [
        ["Cluster", `${config.clusterName}: ${where}, Kubernetes ${facts.kubernetesVersion} (${facts.platform ?? "generic"})`],
        ["IP families", families],
        [
            "Istio",
            `${settings.release.flavor} ${settings.release.label}, revision ${settings.revision || "default"}, ${settings.mode} mode${settings.nativeNftables ? ", native nftables" : ""}`,
        ],
        ["istiod env", env(istiodEnv(settings))],
        ["Proxy metadata", env(proxyMetadata(settings))],
        [
            "Images",
            `${["pilot", "proxyv2", ...(settings.ztunnel.enabled ? ["ztunnel"] : [])].map((image) => `${settings.hub}/${image}:${settings.tag}`).join(", ")} (pull ${settings.imagePullPolicy})`,
        ],
        ["Charts", `${charts} from ${source}`],
        ["Services", services],
        ...edge,
        ...verifyRow(istio),
        ...cis,
        ["Resources", `${resources.length} (${resources.filter((resource) => !resource.custom).length} components and the stack)`],
    ];
}

/** The proof's row: where the echo runs, how it is meshed, and the Jobs that must complete. */
function verifyRow(istio: IstioInstallPlan): [string, string][] {
    const verification = istio.verification;
    if (!verification) {
        return [];
    }
    const service = verification.echoService.spec as { ipFamilyPolicy: string; ipFamilies: string[] };
    const meshed = Object.entries(verification.namespace.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ");
    return [
        [
            "Verify",
            `echo ${service.ipFamilyPolicy} [${service.ipFamilies.join(", ")}] in ${verification.namespace.name} (${meshed}); Jobs ${verification.probes.map((probe) => probe.name).join(", ")} must complete`,
        ],
    ];
}

/**
 * `plan --json`: the plan as one JSON document with stable keys, for scripts: what `plan.json`
 * holds, with the stack, the summary rows and the warnings.
 */
export function planJsonReport(plan: StackPlan, resources: readonly RecordedResource[], stack: string): string {
    const document = {
        kind: "dualstack-istio/plan",
        version: 1,
        stack,
        cloud: plan.config.cloud,
        clusterName: plan.config.clusterName,
        summary: summaryRows(plan, resources).map(([label, value]) => ({ label, value })),
        warnings: plan.warnings.map((warning) => ({ field: warning.field, message: warning.message })),
        resources: plannedResources(resources),
    };
    return `${JSON.stringify(document, null, 2)}\n`;
}

/** The summary as printed after the tree. */
export function renderSummary(plan: StackPlan, resources: readonly RecordedResource[]): string {
    const rows = summaryRows(plan, resources);
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    const lines = ["Dual-stack summary:", ...rows.map(([label, value]) => `    ${label.padEnd(width)}${value}`)];
    if (plan.warnings.length) {
        lines.push("", "Warnings:", ...plan.warnings.map((warning) => `    ${formatWarning(warning)}`));
    }
    return `${lines.join("\n")}\n`;
}

/** A Mermaid-safe node id for a URN. */
function nodeId(index: number): string {
    return `r${index}`;
}

function escapeMarkdown(text: string): string {
    return text.replace(/\|/g, "\\|");
}

/** The groups a cluster component's resources are drawn in, by what they are. */
export type ResourceGroup = "network" | "IAM" | "nodes" | "cluster";

const GROUP_PATTERNS: readonly [ResourceGroup, RegExp][] = [
    ["IAM", /:iam\/|:serviceaccount\/|iAMMember|IAMMember|:authorization:|:managedidentity:|\/accessEntry:|\/accessPolicyAssociation:|\/podIdentityAssociation:/],
    ["nodes", /\/nodeGroup:|\/nodePool:|\/launchTemplate:|:AgentPool$/],
    ["network", /:ec2\/|:vpc\/|:compute\/|:network:/],
];

/** Which group a cluster component's resource is drawn in: network, IAM, nodes, or the cluster itself (the rest). */
export function resourceGroup(type: string): ResourceGroup {
    return GROUP_PATTERNS.find(([, pattern]) => pattern.test(type))?.[0] ?? "cluster";
}

const GROUP_ORDER: readonly ResourceGroup[] = ["network", "IAM", "cluster", "nodes"];

/**
 * `plan.md`: the resource graph as Mermaid and the summary. Components are drawn as boxes holding
 * their children (parents as nesting, not arrows); a cluster component's resources are grouped in
 * network, IAM, cluster and nodes; dotted arrows are dependencies.
 */
export function planMarkdown(plan: StackPlan, resources: readonly RecordedResource[]): string {
    const ids = new Map(resources.map((resource, index) => [resource.urn, nodeId(index)]));
    const children = new Map<string, RecordedResource[]>();
    for (const resource of resources) {
        if (resource.parent !== null && ids.has(resource.parent)) {
            children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
        }
    }
    const label = (resource: RecordedResource) => `${resource.type.split(":").pop() ?? resource.type}<br/>${resource.name}`.replace(/"/g, "'");
    const graph = ["```mermaid", "flowchart TD"];
    const draw = (resource: RecordedResource, indent: string): void => {
        const id = ids.get(resource.urn) as string;
        const own = children.get(resource.urn) ?? [];
        if (resource.custom || own.length === 0) {
            graph.push(`${indent}${id}["${label(resource)}"]`);
            return;
        }
        graph.push(`${indent}subgraph ${id}["${label(resource)}"]`);
        // A cluster component (one that holds cloud resources) groups them; the stack and Istio's do not.
        const grouped = resource.type !== "pulumi:pulumi:Stack" && own.some((child) => child.custom && !child.type.startsWith("kubernetes:") && !child.type.startsWith("pulumi:"));
        if (grouped) {
            for (const group of GROUP_ORDER) {
                const members = own.filter((child) => resourceGroup(child.type) === group);
                if (members.length > 0) {
                    graph.push(`${indent}    subgraph ${id}_${group.toLowerCase()}["${group}"]`);
                    members.forEach((member) => draw(member, `${indent}        `));
                    graph.push(`${indent}    end`);
                }
            }
        } else {
            own.forEach((child) => draw(child, `${indent}    `));
        }
        graph.push(`${indent}end`);
    };
    resources.filter((resource) => resource.parent === null || !ids.has(resource.parent)).forEach((root) => draw(root, "    "));
    for (const resource of resources) {
        for (const dependency of resource.dependsOn) {
            if (ids.has(dependency) && dependency !== resource.parent) {
                graph.push(`    ${ids.get(dependency) as string} -.-> ${ids.get(resource.urn) as string}`);
            }
        }
    }
    graph.push("```");

    const summary = summaryRows(plan, resources).map(([label, value]) => `| ${label} | ${escapeMarkdown(value)} |`);
    const table = resources.map((resource) => `| \`${resource.type}\` | ${resource.name} | ${resource.dependsOn.map((urn) => urn.split("::").pop() ?? urn).join(", ")} |`);
    const sections = [
        `# Plan: ${plan.config.clusterName} (${plan.config.cloud})`,
        "",
        "Boxes hold a component's resources (a cluster's in network, IAM, cluster and nodes). Dotted arrows: the resource waits for the one it points from.",
        "",
        ...graph,
        "",
        "## Dual-stack summary",
        "",
        "| | |",
        "|---|---|",
        ...summary,
        "",
        "## Resources",
        "",
        "| Type | Name | Waits for |",
        "|---|---|---|",
        ...table,
    ];
    if (plan.warnings.length) {
        sections.push("", "## Warnings", "", ...plan.warnings.map((warning) => `- \`${warning.field}\`: ${escapeMarkdown(warning.message)}`));
    }
    return `${sections.join("\n")}\n`;
}

/** Every file of `--out DIR`. */
export function planFiles(plan: StackPlan, resources: readonly RecordedResource[]): PlanFiles {
    const files = new Map<string, string>();
    files.set("plan.json", planJson(resources));
    files.set("plan.md", planMarkdown(plan, resources));
    for (const release of resources.filter((resource) => resource.type === HELM_RELEASE)) {
        const name = typeof release.inputs.name === "string" ? release.inputs.name : release.name;
        files.set(`${name}-values.yaml`, stringify(canonical(release.inputs.values ?? {})));
    }
    files.set("istio-operator.yaml", stringify(istioOperator(plan.istio.settings)));
    if (plan.istio.verification) {
        // For `kubectl apply -f` after a helm or istioctl install: the same objects the stack creates.
        files.set(
            "verify.yaml",
            verificationManifests(plan.istio.verification)
                .map((manifest) => stringify(manifest))
                .join("---\n"),
        );
    }
    return files;
}
