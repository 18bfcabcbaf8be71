import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseStackConfig } from "../../components/config/parse";
import { readPulumiConfig } from "../../components/config/sources";
import { FleetCheckError, planFleet, type FleetPlan } from "../../fleet/fleet-plan";
import { deepMerge, mergeTenantConfig } from "../../fleet/merge";
import { stackConfigEntries } from "../../fleet/stack-config";
import { parseTenantsFile, readTenantsFile, type TenantsFile } from "../../fleet/tenants-file";
import { kubeconfigText, refusal, tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";

const DIR = "/fleet";

function file(yaml: string): TenantsFile {
    return parseTenantsFile(yaml, "tenants.yaml", DIR);
}

function fleet(yaml: string): FleetPlan {
    return planFleet(file(yaml), TODAY);
}

/** Every problem a fleet check reports, or `(accepted)`. */
function problems(yaml: string): string[] {
    try {
        fleet(yaml);
    } catch (error) {
        if (error instanceof FleetCheckError) {
            return [...error.problems];
        }
        return [(error as Error).message];
    }
    return ["(accepted)"];
}

const GCP_DEFAULTS = `
defaults:
  cloud: gcp
  region: europe-west4
  gcp:
    project: shared-project
  istio:
    hub: europe-docker.pkg.dev/p/istio
    tag: 1.30.3
`;

describe("tenants file: shape", () => {
    const shape = (yaml: string) => refusal(() => file(yaml));

    it("reads defaults, tenants and the disjoint-networks option", () => {
        const parsed = file(`${GCP_DEFAULTS}\nrequireDisjointNetworks: true\ntenants:\n  - name: acme\n    region: us-east1\n  - name: globex\n`);
        assert.equal(parsed.requireDisjointNetworks, true);
        assert.deepEqual(
            parsed.tenants.map((tenant) => [tenant.index, tenant.name, tenant.overrides]),
            [
                [0, "acme", { region: "us-east1" }],
                [1, "globex", {}],
            ],
        );
        assert.equal(parsed.directory, DIR);
    });

    it("types scalars by the stack config schema, as a stack file is typed", () => {
        const parsed = file("defaults:\n  kubernetesVersion: 1.30\n  istio:\n    gateway:\n      enabled: true\n  nodes:\n    count: 2\ntenants:\n  - name: a\n");
        assert.deepEqual(parsed.defaults, { kubernetesVersion: "1.30", istio: { gateway: { enabled: true } }, nodes: { count: 2 } });
    });

    it("refuses a malformed file, each in one line naming the key", () => {
        assert.equal(shape("- a\n- b\n"), "tenants.yaml: expected a map with `tenants:` (a list of `name:` and config keys) and optionally `defaults:`");
        assert.equal(shape("tenant:\n  - name: a\n"), "tenants.yaml: tenant: unknown key; did you mean 'tenants'?; a tenants file has requireDisjointNetworks, defaults, tenants");
        assert.equal(shape("defaults: {}\n"), "tenants.yaml: tenants: required: a list of tenants, each `- name: <tenant>` followed by its config keys");
        assert.equal(shape("tenants: []\n"), "tenants.yaml: tenants: expected a non-empty list of tenants, each `- name: <tenant>` followed by its config keys");
        assert.equal(shape("tenants:\n  - acme\n"), "tenants.yaml: tenants[0]: expected a map: `name: <tenant>` and the tenant's config keys");
        assert.equal(shape("tenants:\n  - region: x\n"), "tenants.yaml: tenants[0].name: required: the tenant's name, e.g. acme");
        assert.equal(
            shape("tenants:\n  - name: a\n  - name: Acme_1\n"),
            "tenants.yaml: tenants[1].name: 'Acme_1' is not a tenant name: use 1 to 40 lowercase letters, digits and '-', starting with a letter and not ending with '-'",
        );
        assert.match(shape(`tenants:\n  - name: ${"a".repeat(41)}\n`), /^tenants.yaml: tenants\[0\].name: 'a{41}' is not a tenant name/);
        assert.equal(shape("defaults: [a]\ntenants:\n  - name: a\n"), "tenants.yaml: defaults: expected a map of config keys (cloud, istio, …) that every tenant starts from");
        assert.equal(
            shape("defaults:\n  name: x\ntenants:\n  - name: a\n"),
            "tenants.yaml: defaults.name: a tenant's name belongs in its own entry under `tenants:`, not in defaults",
        );
        assert.equal(shape("requireDisjointNetworks: yes\ntenants:\n  - name: a\n"), 'tenants.yaml: requireDisjointNetworks: expected true or false, got "yes"');
        assert.match(shape("tenants:\n  - name: a\n  - name: a\n    x: [\n"), /^tenants.yaml: does not parse as YAML \(line \d\):/);
        assert.match(shape("tenants:\n  - name: a\n    region: x\n    region: y\n"), /^tenants.yaml: does not parse as YAML/);
    });

    it("reads from disk, anchoring relative paths at the file's folder, and names an unreadable file", () => {
        const written = tempFile("tenants.yaml", "tenants:\n  - name: a\n");
        assert.equal(readTenantsFile(written).directory, path.dirname(written));
        assert.equal(
            refusal(() => readTenantsFile("/nonexistent/t.yaml")),
            "/nonexistent/t.yaml: cannot be read (no such file)",
        );
    });
});

describe("tenants file: merging", () => {
    const merged = (yaml: string, index = 0) => {
        const parsed = file(yaml);
        return mergeTenantConfig(parsed, parsed.tenants[index]);
    };

    it("merges maps at every depth, and a tenant's value wins", () => {
        assert.deepEqual(merged(`${GCP_DEFAULTS}tenants:\n  - name: acme\n    istio:\n      tag: 1.28.2\n      gateway:\n        enabled: true\n`), {
            cloud: "gcp",
            region: "europe-west4",
            gcp: { project: "shared-project" },
            istio: { hub: "europe-docker.pkg.dev/p/istio", tag: "1.28.2", gateway: { enabled: true } },
            clusterName: "acme",
        });
    });

    it("replaces lists whole rather than appending to them", () => {
        const yaml = "defaults:\n  istio:\n    imagePullSecrets: [a, b]\ntenants:\n  - name: t\n    istio:\n      imagePullSecrets: [c]\n";
        assert.deepEqual(merged(yaml).istio, { imagePullSecrets: ["c"] });
    });

    it("removes a default when the tenant sets it to null, ~ or nothing", () => {
        for (const empty of ["null", "~", ""]) {
            const yaml = `defaults:\n  kubernetesVersion: "1.33"\n  istio:\n    revision: blue\n    tag: x\ntenants:\n  - name: t\n    kubernetesVersion: ${empty}\n    istio:\n      revision: ${empty}\n`;
            assert.deepEqual(merged(yaml), { istio: { tag: "x" }, clusterName: "t" }, `null as '${empty}'`);
        }
        // Quoted, it is the text "null", which the schema then judges.
        assert.deepEqual(merged('defaults:\n  istio:\n    tag: x\ntenants:\n  - name: t\n    istio:\n      tag: "null"\n').istio, { tag: "null" });
    });

    it("a scalar over a section (or the reverse) replaces it, for the schema to judge", () => {
        assert.deepEqual(merged("defaults:\n  istio:\n    tag: x\ntenants:\n  - name: t\n    istio: off\n").istio, "off");
        assert.deepEqual(merged("defaults:\n  region: r\ntenants:\n  - name: t\n    region:\n      a: b\n").region, { a: "b" });
    });

    it("drops the defaults a tenant's cloud does not take, never the tenant's own keys", () => {
        const yaml = `defaults:\n  cloud: gcp\n  region: europe-west4\n  nodes:\n    count: 2\n  gcp:\n    project: p\n  aws:\n    nodeAmiFamily: Bottlerocket\ntenants:\n  - name: g\n  - name: a\n    cloud: aws\n    region: eu-west-1\n  - name: e\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: kube.yaml\n  - name: bad\n    cloud: existing\n    region: x\n`;
        assert.deepEqual(merged(yaml, 0), { cloud: "gcp", region: "europe-west4", nodes: { count: 2 }, gcp: { project: "p" }, clusterName: "g" });
        assert.deepEqual(merged(yaml, 1), { cloud: "aws", region: "eu-west-1", nodes: { count: 2 }, aws: { nodeAmiFamily: "Bottlerocket" }, clusterName: "a" });
        assert.deepEqual(merged(yaml, 2), { cloud: "existing", kubernetesVersion: "1.33", existing: { kubeconfig: "/fleet/kube.yaml" }, clusterName: "e" });
        assert.deepEqual(merged(yaml, 3), { cloud: "existing", region: "x", clusterName: "bad" });
    });

    it("keeps an explicit clusterName, from the defaults or the tenant", () => {
        assert.equal(merged("defaults:\n  clusterName: shared\ntenants:\n  - name: t\n").clusterName, "shared");
        assert.equal(merged("defaults:\n  clusterName: shared\ntenants:\n  - name: t\n    clusterName: own\n").clusterName, "own");
    });

    it("anchors relative kubeconfig and chart paths at the tenants file, expands ~; absolute and inline ones stay", () => {
        const yaml = (kubeconfig: string) =>
            `tenants:\n  - name: t\n    cloud: existing\n    existing:\n      kubeconfig: ${kubeconfig}\n    istio:\n      chartsDir: ../istio/manifests/charts\n`;
        assert.deepEqual(merged(yaml("clusters/t.yaml")).existing, { kubeconfig: "/fleet/clusters/t.yaml" });
        assert.deepEqual(merged(yaml("clusters/t.yaml")).istio, { chartsDir: "/istio/manifests/charts" });
        assert.deepEqual(merged(yaml("/etc/kube.yaml")).existing, { kubeconfig: "/etc/kube.yaml" });
        assert.deepEqual(merged(yaml("~/.kube/config")).existing, { kubeconfig: path.join(os.homedir(), ".kube/config") });
        const inline = "apiVersion: v1\nkind: Config\n";
        assert.deepEqual(merged(`tenants:\n  - name: t\n    existing:\n      kubeconfig: ${JSON.stringify(inline)}\n`).existing, { kubeconfig: inline });
    });

    it("deepMerge leaves both inputs as they were", () => {
        const base = { a: { b: 1, c: [1] } };
        const overrides = { a: { b: 2 } };
        assert.deepEqual(deepMerge(base, overrides), { a: { b: 2, c: [1] } });
        assert.deepEqual(base, { a: { b: 1, c: [1] } });
        assert.deepEqual(overrides, { a: { b: 2 } });
    });
});

describe("fleet checks", () => {
    it("plans every tenant with the one schema and every component rule", () => {
        const plan = fleet(`${GCP_DEFAULTS}tenants:\n  - name: acme\n  - name: globex\n    region: us-east1\n    istio:\n      revision: canary\n`);
        assert.deepEqual(
            plan.tenants.map(({ name, plan: stack }) => [name, stack.config.clusterName, stack.config.cloud === "gcp" ? stack.config.region : "", stack.istio.settings.revision]),
            [
                ["acme", "acme", "europe-west4", ""],
                ["globex", "globex", "us-east1", "canary"],
            ],
        );
        assert.deepEqual(plan.warnings, [
            "tenants.yaml: tenant 'acme': gcp.authorizedNetworks: not set: the control-plane endpoint accepts connections from any address (Google authentication still applies); list your networks to restrict it",
            "tenants.yaml: tenant 'globex': gcp.authorizedNetworks: not set: the control-plane endpoint accepts connections from any address (Google authentication still applies); list your networks to restrict it",
        ]);
    });

    it("names the tenant whose own key is wrong, and the defaults key when the default is", () => {
        assert.deepEqual(problems(`${GCP_DEFAULTS}tenants:\n  - name: acme\n  - name: globex\n    istio:\n      gatway:\n        enabled: true\n`), [
            "tenants.yaml: tenants[1] 'globex': istio.gatway: unknown key; did you mean istio.gateway?",
        ]);
        assert.deepEqual(problems("defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: p\n  nodes:\n    count: lots\ntenants:\n  - name: acme\n"), [
            "tenants.yaml: defaults.nodes.count: expected a whole number, got \"lots\" (for tenant 'acme')",
        ]);
        // A key nobody wrote is the tenant's to give.
        assert.deepEqual(problems("defaults:\n  cloud: gcp\n  region: europe-west4\ntenants:\n  - name: acme\n"), [
            "tenants.yaml: tenants[0] 'acme': gcp.project: required with cloud: gcp; give the project ID to create the cluster in",
        ]);
        // A component rule, relabelled to its config key, inside a list.
        assert.deepEqual(problems(`${GCP_DEFAULTS}tenants:\n  - name: acme\n    gcp:\n      zones: [us-east1-b]\n`), [
            "tenants.yaml: tenants[0] 'acme': gcp.zones[0]: 'us-east1-b' is not a zone of europe-west4; expected e.g. europe-west4-a",
        ]);
    });

    it("reports every bad tenant at once, in file order", () => {
        assert.deepEqual(problems(`${GCP_DEFAULTS}tenants:\n  - name: a\n    cloud: moon\n  - name: b\n  - name: c\n    kubernetesVersion: "1.2"\n`), [
            "tenants.yaml: tenants[0] 'a': cloud: expected one of gcp, aws, azure, existing, got \"moon\"",
            "tenants.yaml: tenants[2] 'c': kubernetesVersion: Kubernetes 1.2 is not supported; dual-stack Services need Kubernetes 1.23 or newer",
        ]);
    });

    it("refuses duplicate tenant names, naming both entries", () => {
        assert.deepEqual(problems(`${GCP_DEFAULTS}tenants:\n  - name: acme\n    region: us-east1\n  - name: globex\n  - name: acme\n    region: us-west1\n`), [
            "tenants.yaml: tenants[2].name: 'acme' is already the name of tenants[0]; tenant names must be unique",
        ]);
    });

    it("refuses two GKE tenants with the same project, region and cluster name, and a node account two regions would share", () => {
        assert.deepEqual(
            problems(
                `${GCP_DEFAULTS}tenants:\n  - name: acme\n    clusterName: shared\n  - name: globex\n    clusterName: shared\n  - name: initech\n    clusterName: shared\n    region: us-east1\n`,
            ),
            [
                "tenants.yaml: tenants 'acme' (tenants[0]) and 'globex' (tenants[1]) all claim GKE cluster 'shared' in project shared-project, region europe-west4; give all but one another clusterName, region or gcp.project",
                // The node account is project-wide: a cluster of the same name in another region needs it too.
                "tenants.yaml: tenants 'acme' (tenants[0]), 'globex' (tenants[1]) and 'initech' (tenants[2]) all claim the node service account 'shared-nodes' of project shared-project (named after the clusterName); give all but one another clusterName or gcp.project",
            ],
        );
        // Another project is another cluster.
        assert.deepEqual(
            problems(`${GCP_DEFAULTS}tenants:\n  - name: acme\n    clusterName: shared\n  - name: globex\n    clusterName: shared\n    gcp:\n      project: other-project\n`),
            ["(accepted)"],
        );
    });

    it("refuses two EKS tenants with the same region and cluster name, listing all claimants", () => {
        const aws = "defaults:\n  cloud: aws\n  region: eu-west-1\n  clusterName: edge\n  aws:\n    publicAccessCidrs: [81.2.69.0/24]\n";
        assert.deepEqual(problems(`${aws}tenants:\n  - name: a\n  - name: b\n  - name: c\n  - name: d\n    region: us-east-2\n`), [
            "tenants.yaml: tenants 'a' (tenants[0]), 'b' (tenants[1]) and 'c' (tenants[2]) all claim EKS cluster 'edge' in eu-west-1; give all but one another clusterName or region",
        ]);
    });

    it("refuses two existing tenants on the same cluster, whatever the kubeconfig or context is called", () => {
        const first = tempFile("a.yaml", kubeconfigText(["kind-a", "kind-b"]));
        const second = tempFile("b.yaml", kubeconfigText(["other-name"]));
        const existing = (name: string, kubeconfig: string, context: string) =>
            `  - name: ${name}\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${kubeconfig}\n      context: ${context}\n`;
        assert.deepEqual(problems(`tenants:\n${existing("a", first, "kind-a")}${existing("b", first, "kind-b")}`), ["(accepted)"]);
        assert.deepEqual(problems(`tenants:\n${existing("a", first, "kind-a")}${existing("b", second, "other-name")}`), [
            "tenants.yaml: tenants 'a' (tenants[0]) and 'b' (tenants[1]) all claim the cluster at https://127.0.0.1:6443 (kubeconfig context kind-a); each existing cluster belongs to one tenant",
        ]);
    });

    it("with requireDisjointNetworks, refuses IPv4 ranges shared between tenants", () => {
        const tenants =
            "tenants:\n  - name: acme\n    network:\n      ipv4Cidr: 10.10.0.0/20\n      podIpv4Cidr: 10.20.0.0/14\n      serviceIpv4Cidr: 10.30.0.0/20\n  - name: globex\n    network:\n      ipv4Cidr: 10.11.0.0/20\n      podIpv4Cidr: 10.22.0.0/16\n      serviceIpv4Cidr: 10.31.0.0/20\n  - name: edge\n    cloud: aws\n    region: eu-west-1\n    aws:\n      publicAccessCidrs: [81.2.69.0/24]\n    network:\n      ipv4Cidr: 10.30.0.0/16\n";
        assert.deepEqual(problems(`${GCP_DEFAULTS}${tenants}`), ["(accepted)"], "not asked for");
        assert.deepEqual(problems(`${GCP_DEFAULTS}requireDisjointNetworks: true\n${tenants}`), [
            "tenants.yaml: tenant 'globex' network.podIpv4Cidr 10.22.0.0/16 overlaps tenant 'acme' network.podIpv4Cidr 10.20.0.0/14; requireDisjointNetworks needs every tenant's IPv4 ranges apart",
            "tenants.yaml: tenant 'edge' network.ipv4Cidr 10.30.0.0/16 overlaps tenant 'acme' network.serviceIpv4Cidr 10.30.0.0/20; requireDisjointNetworks needs every tenant's IPv4 ranges apart",
        ]);
        // The defaults' ranges, shared by every tenant, are an overlap too.
        assert.equal(problems(`${GCP_DEFAULTS}requireDisjointNetworks: true\ntenants:\n  - name: a\n  - name: b\n`).length, 3);
    });
});

describe("tenant stack config", () => {
    it("is one dualstack-istio:<key> entry per key, which the root program reads back as the same config", () => {
        const plan = fleet(
            `${GCP_DEFAULTS}tenants:\n  - name: acme\n    kubernetesVersion: "1.35"\n    nodes:\n      count: 2\n    istio:\n      gateway:\n        enabled: true\n`,
        );
        const [acme] = plan.tenants;
        const entries = stackConfigEntries(acme.document);
        assert.deepEqual(entries, {
            "dualstack-istio:cloud": { value: "gcp", secret: false },
            "dualstack-istio:clusterName": { value: "acme", secret: false },
            "dualstack-istio:gcp": { value: '{"project":"shared-project"}', secret: false },
            "dualstack-istio:istio": { value: '{"hub":"europe-docker.pkg.dev/p/istio","tag":"1.30.3","gateway":{"enabled":true}}', secret: false },
            "dualstack-istio:kubernetesVersion": { value: "1.35", secret: false },
            "dualstack-istio:nodes": { value: '{"count":2}', secret: false },
            "dualstack-istio:region": { value: "europe-west4", secret: false },
        });
        const readBack = readPulumiConfig(Object.fromEntries(Object.entries(entries).map(([key, entry]) => [key, entry.value])));
        assert.deepEqual(parseStackConfig(readBack), acme.plan.config);
    });

    it("keeps an existing section secret when it holds a kubeconfig's content, not when it holds a path", () => {
        const inline = kubeconfigText(["kind"]);
        assert.equal(stackConfigEntries({ existing: { kubeconfig: inline } })["dualstack-istio:existing"].secret, true);
        assert.equal(stackConfigEntries({ existing: { kubeconfig: "/k.yaml" } })["dualstack-istio:existing"].secret, false);
    });
});

describe("examples/fleet", () => {
    it("checks clean", () => {
        const example = path.resolve(__dirname, "../../examples/fleet/tenants.yaml");
        assert.ok(fs.existsSync(example));
        const plan = planFleet(readTenantsFile(example), TODAY);
        assert.deepEqual(
            plan.tenants.map((tenant) => [tenant.name, tenant.plan.config.cloud]),
            [
                ["acme", "gcp"],
                ["globex", "gcp"],
                ["initech", "aws"],
                ["umbrella", "existing"],
            ],
        );
    });
});
