import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { applyOverrides, readConfigText, readPulumiConfig } from "../../components/config/sources";
import { refusal } from "../support/fixtures";

describe("stack config sources", () => {
    describe("config files", () => {
        it("types YAML scalars by the schema: versions stay text, booleans and counts are typed", () => {
            const document = readConfigText(
                [
                    "cloud: gcp",
                    "clusterName: demo",
                    "region: europe-west4",
                    "kubernetesVersion: 1.30",
                    "gcp: {project: my-project, deletionProtection: false}",
                    "nodes: {count: 2, maxCount: 4}",
                    "istio:",
                    "  tag: 1.30",
                    "  gateway: {enabled: true}",
                    "  imagePullSecrets: [a, b]",
                ].join("\n"),
                "stack.yaml",
            );
            assert.deepEqual(document, {
                cloud: "gcp",
                clusterName: "demo",
                region: "europe-west4",
                kubernetesVersion: "1.30",
                gcp: { project: "my-project", deletionProtection: false },
                nodes: { count: 2, maxCount: 4 },
                istio: { tag: "1.30", gateway: { enabled: true }, imagePullSecrets: ["a", "b"] },
            });
        });

        it("reads a Pulumi stack file of the root project, skipping provider keys", () => {
            const document = readConfigText(
                [
                    "config:",
                    "  dualstack-istio:cloud: existing",
                    "  dualstack-istio:clusterName: kind",
                    "  dualstack-istio:kubernetesVersion: 1.33",
                    "  dualstack-istio:existing:",
                    "    kubeconfig: ~/.kube/config",
                    "  kubernetes:context: ignored",
                    "  gcp:project: ignored",
                    "  aws:region: ignored",
                    "  azure-native:location: ignored",
                ].join("\n"),
                "Pulumi.dev.yaml",
            );
            assert.deepEqual(document, { cloud: "existing", clusterName: "kind", kubernetesVersion: "1.33", existing: { kubeconfig: "~/.kube/config" } });
        });

        it("leaves a non-boolean where a boolean belongs for the schema to refuse", () => {
            const document = readConfigText("cloud: gcp\nclusterName: x\nregion: europe-west4\ngcp: {project: p}\nistio: {cni: {enabled: yes}}\n", "f.yaml");
            assert.equal(
                refusal(() => parseStackConfig(document)),
                'istio.cni.enabled: expected true or false, got "yes"',
            );
        });

        const cases: [string, string, string][] = [
            ["broken YAML", "cloud: [gcp\n", "f.yaml: does not parse as YAML (line 2): Flow sequence in block collection must be sufficiently indented and end with a ]"],
            ["duplicate keys", "cloud: gcp\ncloud: aws\n", "f.yaml: does not parse as YAML (line 2): key 'cloud' appears twice in one map"],
            ["a list", "- cloud: gcp\n", "f.yaml: expected a map of config keys (cloud, clusterName, …)"],
            [
                "another project's key",
                "config:\n  other-project:cloud: gcp\n",
                "other-project:cloud: belongs to project 'other-project', not dualstack-istio; use dualstack-istio:cloud",
            ],
            [
                "an encrypted value",
                "config:\n  dualstack-istio:clusterName:\n    secure: AAABAx==\n",
                "clusterName: is encrypted (secure:); the plan cannot decrypt it, so give the value in plain text or with --set",
            ],
        ];
        for (const [what, text, message] of cases) {
            it(`refuses ${what}`, () => {
                assert.ok(
                    refusal(() => readConfigText(text, "f.yaml")).startsWith(message),
                    refusal(() => readConfigText(text, "f.yaml")),
                );
            });
        }

        it("reads an empty file as an empty config", () => {
            assert.deepEqual(readConfigText("", "f.yaml"), {});
        });
    });

    describe("--set", () => {
        it("types each value by its key and creates sections on the way", () => {
            const result = applyOverrides({ cloud: "gcp", istio: { hub: "a" } }, [
                "istio.gateway.enabled=true",
                "nodes.count=3",
                "istio.tag=1.30",
                "istio.imagePullSecrets=x, y",
                "gcp.zones=[europe-west4-a, europe-west4-b]",
                "istio.hub=registry.example.com/istio",
                "istio.chartRepository=oci://r.example.com/a=b",
            ]);
            assert.deepEqual(result, {
                cloud: "gcp",
                istio: {
                    hub: "registry.example.com/istio",
                    gateway: { enabled: true },
                    tag: "1.30",
                    imagePullSecrets: ["x", "y"],
                    chartRepository: "oci://r.example.com/a=b",
                },
                nodes: { count: 3 },
                gcp: { zones: ["europe-west4-a", "europe-west4-b"] },
            });
        });

        it("does not change the document it is given", () => {
            const document = { istio: { gateway: { enabled: false } } };
            applyOverrides(document, ["istio.gateway.enabled=true"]);
            assert.deepEqual(document, { istio: { gateway: { enabled: false } } });
        });

        it("leaves unknown keys and bad values for the schema to name", () => {
            assert.equal(
                refusal(() => parseStackConfig(applyOverrides({ cloud: "gcp", clusterName: "x", region: "r", gcp: { project: "p" } }, ["istio.gatway.enabled=true"]))),
                "istio.gatway: unknown key; did you mean istio.gateway?",
            );
            assert.equal(
                refusal(() => parseStackConfig(applyOverrides({ cloud: "gcp", clusterName: "x", region: "r", gcp: { project: "p" } }, ["nodes.count=three"]))),
                'nodes.count: expected a whole number, got "three"',
            );
        });

        const cases: [string, string][] = [
            ["istio.gateway.enabled", "--set: 'istio.gateway.enabled' is not key.path=value, e.g. istio.gateway.enabled=true"],
            ["=true", "--set: '=true' is not key.path=value, e.g. istio.gateway.enabled=true"],
            ["istio..hub=x", "--set: 'istio..hub' is not a key path, e.g. istio.gateway.enabled"],
            ["cloud.name=x", "cloud: is not a section, so --set cloud.name cannot go inside it"],
        ];
        for (const [override, message] of cases) {
            it(`refuses ${override}`, () => {
                assert.equal(
                    refusal(() => applyOverrides({ cloud: "gcp" }, [override])),
                    message,
                );
            });
        }
    });

    describe("Pulumi stack config", () => {
        it("reads the project's keys, parsing sections from JSON and typing scalars", () => {
            const document = readPulumiConfig({
                "dualstack-istio:cloud": "gcp",
                "dualstack-istio:clusterName": "demo",
                "dualstack-istio:kubernetesVersion": "1.30",
                "dualstack-istio:nodes": '{"count":2}',
                "dualstack-istio:istio": '{"gateway":{"enabled":"true"},"tag":"1.30"}',
                "gcp:project": "my-project",
            });
            assert.deepEqual(document, {
                cloud: "gcp",
                clusterName: "demo",
                kubernetesVersion: "1.30",
                nodes: { count: 2 },
                istio: { gateway: { enabled: true }, tag: "1.30" },
            });
        });

        it("passes a section that is not JSON to the schema, which names it", () => {
            const document = readPulumiConfig({ "dualstack-istio:cloud": "gcp", "dualstack-istio:clusterName": "x", "dualstack-istio:istio": "on" });
            assert.equal(
                refusal(() => parseStackConfig(document)),
                'istio: expected a section (a map of keys), got "on"',
            );
        });
    });
});
