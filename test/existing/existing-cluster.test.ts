import assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { ExistingCluster } from "../../components/existing/existing-cluster";
import { selectKubeconfig } from "../../components/existing/kubeconfig";
import { planExistingCluster } from "../../components/existing/plan";
import { runOffline } from "../../engine/offline-engine";
import { kubeconfigText, refusal, tempFile } from "../support/fixtures";

const select = (kubeconfig: string, context?: string) => selectKubeconfig(kubeconfig, context, "existing.kubeconfig", "existing.context");

describe("existing cluster", () => {
    describe("kubeconfig", () => {
        const two = kubeconfigText(["kind-a", "kind-b"], "kind-b");

        it("reads a path and uses current-context by default", () => {
            const file = tempFile("config", two);
            assert.deepEqual(select(file), { content: two, context: "kind-b", server: "https://127.0.0.1:6444", path: file });
        });

        it("takes the content itself, and the context asked for", () => {
            assert.deepEqual(select(two, "kind-a"), { content: two, context: "kind-a", server: "https://127.0.0.1:6443" });
        });

        it("uses the only context when there is no current-context", () => {
            assert.equal(select(kubeconfigText(["solo"], null)).context, "solo");
        });

        it("expands ~ to the home folder", () => {
            const message = refusal(() => select("~/no-such-kubeconfig-dsi"));
            assert.equal(
                message,
                `existing.kubeconfig: cannot read ${path.join(os.homedir(), "no-such-kubeconfig-dsi")} (no such file); give a kubeconfig path or the kubeconfig content`,
            );
        });

        const cases: [string, () => unknown, string][] = [
            [
                "a missing file",
                () => select("/nonexistent/kubeconfig"),
                "existing.kubeconfig: cannot read /nonexistent/kubeconfig (no such file); give a kubeconfig path or the kubeconfig content",
            ],
            ["a folder", () => select(os.tmpdir()), `existing.kubeconfig: ${os.tmpdir()} is a folder, not a file; give a regular file`],
            [
                "content that is not YAML",
                () => select("apiVersion: v1\nclusters: [\n"),
                "existing.kubeconfig: the kubeconfig does not parse as YAML (line 3): Flow sequence in block collection must be sufficiently indented and end with a ]",
            ],
            [
                "a list",
                () => select("apiVersion: v1\n---\n"),
                "existing.kubeconfig: the kubeconfig does not parse as YAML (line 2): it holds more than one document (---); give one",
            ],
            ["no contexts", () => select("apiVersion: v1\nclusters: []\n"), "existing.kubeconfig: the kubeconfig is not a kubeconfig: it has no contexts"],
            [
                "a context without a name",
                () => select("apiVersion: v1\ncontexts:\n- context: {}\n"),
                "existing.kubeconfig: the kubeconfig is not a kubeconfig: every entry of contexts needs a name",
            ],
            ["an unknown context", () => select(two, "kind-c"), "existing.context: context 'kind-c' is not in the kubeconfig; it has kind-a, kind-b"],
            [
                "an unknown current-context",
                () => select(two.replace("current-context: kind-b", "current-context: gone")),
                "existing.kubeconfig: context 'gone' is not in the kubeconfig; it has kind-a, kind-b",
            ],
            [
                "no current-context among several",
                () => select(kubeconfigText(["a", "b"], null)),
                "existing.context: required: the kubeconfig has no current-context; choose one of a, b",
            ],
            [
                "a context whose cluster is missing",
                () => select(two.replace("    cluster: kind-b", "    cluster: gone")),
                "existing.kubeconfig: context 'kind-b' names cluster \"gone\", which the kubeconfig does not define with a server",
            ],
            [
                "a context whose user is missing",
                () => select(two.replace("    user: kind-b", "    user: gone")),
                "existing.kubeconfig: context 'kind-b' names user \"gone\", which the kubeconfig does not define",
            ],
        ];
        for (const [what, action, message] of cases) {
            it(`refuses ${what}`, () => {
                assert.equal(refusal(action), message);
            });
        }
    });

    describe("facts", () => {
        const kubeconfig = kubeconfigText(["kind-dual-stack"]);

        it("defaults to both families, IPv4 first, on a generic platform", () => {
            assert.deepEqual(planExistingCluster({ kubeconfig, kubernetesVersion: "1.33" }).facts, {
                ipFamilies: ["IPv4", "IPv6"],
                kubernetesVersion: "1.33",
                platform: "generic",
            });
        });

        it("refuses family sets and versions it cannot install onto", () => {
            assert.equal(
                refusal(() => planExistingCluster({ kubeconfig, kubernetesVersion: "1.33", ipFamilies: ["IPv6", "IPv6"] })),
                "ipFamilies: [IPv6, IPv6] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]",
            );
            assert.equal(
                refusal(() => planExistingCluster({ kubeconfig, kubernetesVersion: "v1.33" })),
                "kubernetesVersion: 'v1.33' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH without the leading 'v', e.g. 1.33",
            );
            // Rule A1: an existing EKS cluster is never dual-stack, whatever its kubeconfig says.
            assert.equal(
                refusal(() => planExistingCluster({ kubeconfig, kubernetesVersion: "1.33", platform: "eks" })),
                "ipFamilies: an EKS cluster has one family (ipv4 or ipv6), never both; give the cluster's family, [IPv4] or [IPv6]",
            );
            assert.deepEqual(planExistingCluster({ kubeconfig, kubernetesVersion: "1.33", platform: "eks", ipFamilies: ["IPv6"] }).facts, {
                ipFamilies: ["IPv6"],
                kubernetesVersion: "1.33",
                platform: "eks",
            });
        });
    });

    describe("ExistingCluster", () => {
        it("creates only a provider for the context, with the kubeconfig as a secret", async () => {
            const kubeconfig = kubeconfigText(["kind-a", "kind-b"]);
            const run = await runOffline(() => {
                const cluster = new ExistingCluster("kind", { kubeconfig, context: "kind-b", kubernetesVersion: "1.33", ipFamilies: ["IPv6", "IPv4"] });
                assert.deepEqual(
                    {
                        ipFamilies: cluster.target.ipFamilies,
                        kubernetesVersion: cluster.target.kubernetesVersion,
                        platform: cluster.target.platform,
                        ready: cluster.target.readyForWorkloads,
                    },
                    { ipFamilies: ["IPv6", "IPv4"], kubernetesVersion: "1.33", platform: "generic", ready: [] },
                );
                return { context: cluster.context, server: cluster.server };
            });
            assert.deepEqual(
                run.resources.map((resource) => [resource.type, resource.name, resource.parent?.split("::").pop() ?? null]),
                [
                    ["pulumi:pulumi:Stack", "project-stack", null],
                    ["dualstack-istio:index:ExistingCluster", "kind", "project-stack"],
                    ["pulumi:providers:kubernetes", "kind-k8s", "kind"],
                ],
            );
            assert.deepEqual(run.resources[2]?.inputs, { context: "kind-b", kubeconfig: "[secret]" });
            assert.equal(run.resources[1]?.inputs.kubeconfig, "[secret]");
            assert.deepEqual(run.stackOutputs, { context: "kind-b", server: "https://127.0.0.1:6444" });
        });

        it("refuses a bad kubeconfig before registering anything", async () => {
            await assert.rejects(
                runOffline(() => new ExistingCluster("kind", { kubeconfig: "kind: Config\n", kubernetesVersion: "1.33" })),
                (error: Error & { resources: { type: string }[] }) => {
                    assert.equal(error.message.split("\n")[0], "kubeconfig: the kubeconfig is not a kubeconfig: it has no contexts (ExistingCluster 'kind')");
                    assert.deepEqual(
                        error.resources.map((resource) => resource.type),
                        ["pulumi:pulumi:Stack"],
                    );
                    return true;
                },
            );
        });
    });
});
