import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { planFleet } from "../../fleet/fleet-plan";
import { exportOperatorStacks } from "../../fleet/operator-export";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { kubeconfigText, makeChartsDir, refusal, tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";

function fleet(yaml: string) {
    return planFleet(parseTenantsFile(yaml, "tenants.yaml", "/fleet"), TODAY);
}

const YAML = `defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: acme\n  - name: edge\n    cloud: aws\n    region: eu-west-1\n    aws:\n      publicAccessCidrs: [81.2.69.0/24]\n`;

describe("fleet export-operator", () => {
    it("renders one pulumi.com/v1 Stack per tenant, from git, with the tenant's config inline", () => {
        const { manifests, secretsToCreate } = exportOperatorStacks(fleet(YAML), { repo: "https://github.com/ecloud/platform.git", repoDir: "infra", stackPrefix: "ecloud/" });
        const documents = parseAllDocuments(manifests).map((document) => document.toJS() as Record<string, unknown>);
        assert.deepEqual(documents, [
            {
                apiVersion: "pulumi.com/v1",
                kind: "Stack",
                metadata: {
                    name: "dualstack-istio-acme",
                    namespace: "pulumi-operator",
                    labels: { "app.kubernetes.io/managed-by": "dualstack-istio", "dualstack-istio/tenant": "acme", "dualstack-istio/cloud": "gcp" },
                },
                spec: {
                    serviceAccountName: "pulumi",
                    stack: "ecloud/acme",
                    projectRepo: "https://github.com/ecloud/platform.git",
                    branch: "main",
                    repoDir: "infra",
                    envRefs: { PULUMI_ACCESS_TOKEN: { type: "Secret", secret: { name: "pulumi-credentials", key: "PULUMI_ACCESS_TOKEN" } } },
                    config: {
                        "dualstack-istio:cloud": "gcp",
                        "dualstack-istio:clusterName": "acme",
                        "dualstack-istio:gcp": '{"project":"fleet-project","authorizedNetworks":["81.2.69.0/24"]}',
                        "dualstack-istio:region": "europe-west4",
                    },
                    refresh: true,
                    destroyOnFinalize: false,
                },
            },
            {
                apiVersion: "pulumi.com/v1",
                kind: "Stack",
                metadata: {
                    name: "dualstack-istio-edge",
                    namespace: "pulumi-operator",
                    labels: { "app.kubernetes.io/managed-by": "dualstack-istio", "dualstack-istio/tenant": "edge", "dualstack-istio/cloud": "aws" },
                },
                spec: {
                    serviceAccountName: "pulumi",
                    stack: "ecloud/edge",
                    projectRepo: "https://github.com/ecloud/platform.git",
                    branch: "main",
                    repoDir: "infra",
                    envRefs: { PULUMI_ACCESS_TOKEN: { type: "Secret", secret: { name: "pulumi-credentials", key: "PULUMI_ACCESS_TOKEN" } } },
                    config: {
                        "dualstack-istio:aws": '{"publicAccessCidrs":["81.2.69.0/24"]}',
                        "dualstack-istio:cloud": "aws",
                        "dualstack-istio:clusterName": "edge",
                        "dualstack-istio:region": "eu-west-1",
                    },
                    refresh: true,
                    destroyOnFinalize: false,
                },
            },
        ]);
        assert.deepEqual(secretsToCreate, ["pulumi-operator/pulumi-credentials with key PULUMI_ACCESS_TOKEN"]);
    });

    it("pins a commit, and with a self-managed backend asks for the passphrase instead of a token", () => {
        const { manifests, secretsToCreate } = exportOperatorStacks(fleet(YAML), {
            repo: "git@example.com:platform.git",
            commit: "0123456789abcdef0123456789abcdef01234567",
            backend: "s3://fleet-state",
            namespace: "fleet",
            serviceAccount: "fleet-deployer",
            credentialsSecret: "fleet-passphrase",
        });
        const [first] = parseAllDocuments(manifests).map((document) => document.toJS() as { metadata: { namespace: string }; spec: Record<string, unknown> });
        assert.equal(first.metadata.namespace, "fleet");
        assert.equal(first.spec.commit, "0123456789abcdef0123456789abcdef01234567");
        assert.equal(first.spec.branch, undefined);
        assert.equal(first.spec.backend, "s3://fleet-state");
        assert.equal(first.spec.serviceAccountName, "fleet-deployer");
        assert.deepEqual(first.spec.envRefs, { PULUMI_CONFIG_PASSPHRASE: { type: "Secret", secret: { name: "fleet-passphrase", key: "PULUMI_CONFIG_PASSPHRASE" } } });
        assert.deepEqual(secretsToCreate, ["fleet/fleet-passphrase with key PULUMI_CONFIG_PASSPHRASE"]);
    });

    it("never puts a kubeconfig in a manifest: an existing cluster's section comes from a Secret", () => {
        const kubeconfig = tempFile("kube.yaml", kubeconfigText(["onprem"]));
        const plan = fleet(`tenants:\n  - name: onprem\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${kubeconfig}\n`);
        const { manifests, secretsToCreate } = exportOperatorStacks(plan, { repo: "https://example.com/p.git" });
        const [stack] = parseAllDocuments(manifests).map((document) => document.toJS() as { spec: { config: Record<string, string>; secretsRef: unknown } });
        assert.equal(stack.spec.config["dualstack-istio:existing"], undefined);
        assert.doesNotMatch(manifests, /kube\.yaml|secret-token/);
        assert.deepEqual(stack.spec.secretsRef, { "dualstack-istio:existing": { type: "Secret", secret: { name: "dualstack-istio-onprem", key: "existing" } } });
        assert.deepEqual(secretsToCreate, [
            "pulumi-operator/pulumi-credentials with key PULUMI_ACCESS_TOKEN",
            "pulumi-operator/dualstack-istio-onprem with key existing: the existing section of tenant 'onprem' as JSON, with the kubeconfig's content inline",
        ]);
    });

    it("refuses what the operator cannot have: a local chart folder, or both a branch and a commit", () => {
        const charts = makeChartsDir();
        const plan = fleet(
            `${YAML}  - name: branch\n    istio:\n      flavor: experimental-dual-stack\n      hub: registry.example.com/istio\n      tag: ds-1\n      chartsDir: ${charts}\n`,
        );
        assert.equal(
            refusal(() => exportOperatorStacks(plan, { repo: "r" })),
            `tenants.yaml: tenant 'branch': istio.chartsDir: ${charts} is a folder on this machine, which the operator cannot read; deploy this tenant with fleet up (upstream Istio can leave chartsDir out and use its chart repository)`,
        );
        assert.equal(
            refusal(() => exportOperatorStacks(fleet(YAML), { repo: "r", branch: "main", commit: "abc" })),
            "--commit: give a branch to track or a commit to pin, not both",
        );
    });
});
