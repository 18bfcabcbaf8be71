import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { resourceGroup } from "../../cli/plan-report";
import { CLOUDS } from "../../components/config/clouds";
import { runCli } from "../support/run-cli";
import { tempFolder } from "../support/plan-output";

const REPO = path.resolve(__dirname, "../..");

interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly dependsOn: readonly string[];
}

describe("plan.md: the graph grouped for big plans", function () {
    this.timeout(120_000);
    let work: string;
    before(() => {
        work = tempFolder("plan-md-");
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("groups a cluster's resources by what they are", () => {
        assert.deepEqual(
            [
                "aws:ec2/vpc:Vpc",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                "gcp:compute/routerNat:RouterNat",
                "azure-native:network:Subnet",
                "aws:iam/role:Role",
                "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                "gcp:projects/iAMMember:IAMMember",
                "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
                "azure-native:authorization:RoleAssignment",
                "azure-native:managedidentity:UserAssignedIdentity",
                "aws:eks/nodeGroup:NodeGroup",
                "aws:ec2/launchTemplate:LaunchTemplate",
                "gcp:container/nodePool:NodePool",
                "azure-native:containerservice:AgentPool",
                "aws:eks/cluster:Cluster",
                "gcp:kms/keyRing:KeyRing",
                "pulumi:providers:kubernetes",
            ].map(resourceGroup),
            ["network", "network", "network", "network", "IAM", "IAM", "IAM", "IAM", "IAM", "IAM", "nodes", "nodes", "nodes", "nodes", "cluster", "cluster", "cluster"],
        );
    });

    for (const cloud of CLOUDS) {
        it(`${cloud.name}: every resource drawn once, components as boxes holding their children, no parent arrows, every dependency dotted`, async () => {
            const out = path.join(work, cloud.name);
            const run = await runCli("plan", "--config", path.join(REPO, cloud.exampleConfig), "--out", out);
            assert.equal(run.status, 0, run.stderr);
            const resources = (JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: PlannedResource[] }).resources;
            const markdown = fs.readFileSync(path.join(out, "plan.md"), "utf8");
            const graph = markdown.slice(markdown.indexOf("```mermaid"), markdown.indexOf("```", markdown.indexOf("```mermaid") + 3)).split("\n");
            const ids = new Map(resources.map((resource, index) => [resource.urn, `r${index}`]));
            for (const [index, resource] of resources.entries()) {
                const drawn = graph.filter((line) => new RegExp(`^\\s*(subgraph )?r${index}\\["`).test(line));
                assert.equal(drawn.length, 1, `${resource.type} ${resource.name}`);
                const isBox = drawn[0].trimStart().startsWith("subgraph ");
                assert.equal(
                    isBox,
                    resources.some((child) => child.parent === resource.urn),
                    `${resource.name}: a box exactly when it has children`,
                );
            }
            assert.deepEqual(
                graph.filter((line) => line.includes("-->")),
                [],
            );
            const edges = resources.flatMap((resource) =>
                resource.dependsOn
                    .filter((dependency) => ids.has(dependency) && dependency !== resource.parent)
                    .map((dependency) => `    ${ids.get(dependency)} -.-> ${ids.get(resource.urn)}`),
            );
            assert.deepEqual(
                graph.filter((line) => line.includes("-.->")),
                edges,
            );
            // Balanced: every box closed.
            assert.equal(graph.filter((line) => line.trimStart().startsWith("subgraph ")).length, graph.filter((line) => line.trim() === "end").length);
            if (cloud.newCluster !== undefined) {
                for (const group of ["network", "IAM", "cluster", "nodes"]) {
                    assert.ok(
                        graph.some((line) => line.includes(`_${group.toLowerCase()}["${group}"]`)),
                        `${cloud.name}: group ${group}`,
                    );
                }
            }
        });
    }
});
