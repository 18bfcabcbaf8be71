import assert from "node:assert/strict";
import * as path from "node:path";
import { CLOUDS } from "../../components/config/clouds";
import { runCli } from "../support/run-cli";

const REPO = path.resolve(__dirname, "../..");
const at = (file: string) => path.join(REPO, file);

// A file or flag that belongs to another command gets the command that fits, in one line, exit 2.
describe("messages that lead to the right command", function () {
    this.timeout(60_000);

    it("a tenants file given to plan: use fleet plan", async () => {
        const run = await runCli("plan", "--config", at("examples/fleet/tenants.yaml"));
        assert.deepEqual(run, {
            status: 2,
            stdout: "",
            stderr: `error: ${at("examples/fleet/tenants.yaml")}: is a tenants file (it has tenants:), not a stack config; plan its tenants with: dualstack-istio fleet plan ${at("examples/fleet/tenants.yaml")}\n`,
        });
    });

    it("a stack config given to fleet plan: use plan --config", async () => {
        const run = await runCli("fleet", "plan", at("examples/eks/stack-config.yaml"));
        assert.deepEqual(run, {
            status: 2,
            stdout: "",
            stderr: `error: ${at("examples/eks/stack-config.yaml")}: is a stack config (it has cloud:), not a tenants file; plan it with: dualstack-istio plan --config ${at("examples/eks/stack-config.yaml")}\n`,
        });
    });

    it("a Pulumi project file given as the config: the stack file or an example", async () => {
        const run = await runCli("plan", "--config", at("Pulumi.yaml"));
        assert.equal(run.status, 2);
        assert.equal(
            run.stderr,
            `error: ${at("Pulumi.yaml")}: is a Pulumi project file (name:, runtime:), not a stack config; give a Pulumi.<stack>.yaml of the project, or a stack config such as examples/gke/stack-config.yaml, examples/eks/stack-config.yaml, examples/aks/stack-config.yaml, examples/existing-cluster/stack-config.yaml\n`,
        );
    });

    it("another cloud with --set on the embedded GKE example: that cloud's example, for every cloud but GKE", async () => {
        for (const cloud of CLOUDS.filter((candidate) => candidate.name !== "gcp")) {
            const run = await runCli("plan", "--set", `cloud=${cloud.name}`);
            assert.deepEqual(run, {
                status: 2,
                stdout: "",
                stderr: `error: --set: cloud=${cloud.name} switches the embedded GKE example, whose gcp keys do not apply; start from that cloud's example: --config ${cloud.exampleConfig}\n`,
            });
        }
    });
});

// Each cloud's example stack config, the one every message above points at, plans offline from the
// repository alone (a stand-in kubeconfig for the existing cluster), with the one schema's keys.
describe("every cloud's example stack config", function () {
    this.timeout(120_000);
    for (const cloud of CLOUDS) {
        it(`${cloud.exampleConfig} plans offline, exit 0, for cloud ${cloud.name}`, async () => {
            const run = await runCli("plan", "--config", at(cloud.exampleConfig), "--json");
            assert.equal(run.status, 0, run.stderr);
            assert.equal((JSON.parse(run.stdout) as { cloud: string }).cloud, cloud.name);
        });
    }
});
