import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { HarnessCluster, shown } from "./support/kube";
import { PULUMI_TIMEOUT_MS, pulumiEnvironment } from "./support/pulumi";
import { e2eTools, istioChartsRelease, REPO_ROOT, type E2eTools } from "./support/tools";

/** The API server of the tenant whose cluster is down: a privileged loopback port nothing here listens on. */
const DEAD_SERVER = "https://127.0.0.1:1";

/**
 * A harness kubeconfig with everything inline: its certificate and key as `-data`, so that the
 * fleet keeps it as a secret and has real credentials to keep out of what it prints.
 */
function inlineKubeconfig(file: string): { text: string; credentials: string[] } {
    const config = YAML.parse(fs.readFileSync(file, "utf8")) as { users: { user: Record<string, string> }[] };
    const credentials: string[] = [];
    for (const { user } of config.users) {
        for (const key of ["client-certificate", "client-key"]) {
            if (user[key] !== undefined) {
                user[`${key}-data`] = fs.readFileSync(path.resolve(path.dirname(file), user[key])).toString("base64");
                delete user[key];
            }
            if (user[`${key}-data`] !== undefined) {
                credentials.push(user[`${key}-data`]);
            }
        }
        if (user.token !== undefined) {
            credentials.push(user.token);
        }
    }
    return { text: YAML.stringify(config), credentials };
}

/** Every log file of the fleet's runs of `operation`, by run folder. */
function runLogs(fleetDir: string, operation: string): Map<string, string[]> {
    const root = path.join(fleetDir, "logs", operation);
    return new Map(fs.readdirSync(root).map((run) => [run, fs.readdirSync(path.join(root, run)).sort()]));
}

/** The summary row `fleet` printed for a tenant. */
function summaryRow(stdout: string, tenant: string): string {
    return stdout.split("\n").find((line) => new RegExp(`^\\s*${tenant}\\s`).test(line)) ?? "";
}

/**
 * Step 7: `fleet up` and `fleet destroy` of three existing-cluster tenants with the real engine:
 * two on two separate control planes, run two at a time, and one whose API server is down.
 */
describe("a fleet on real control planes", function () {
    this.bail(true);
    let tools: E2eTools;
    const clusters: HarnessCluster[] = [];
    let work: string;
    let tenantsFile: string;
    let env: NodeJS.ProcessEnv;
    let betaCredentials: string[];

    const fleet = (...args: string[]) => {
        const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "dist/cli/bin.js"), "fleet", ...args], {
            encoding: "utf8",
            env,
            cwd: work,
            timeout: PULUMI_TIMEOUT_MS,
        });
        if (result.error) {
            throw result.error;
        }
        return result;
    };

    before(() => {
        tools = e2eTools();
        const istio = istioChartsRelease(tools);
        clusters.push(HarnessCluster.up(tools, "e2e-fleet-a"), HarnessCluster.up(tools, "e2e-fleet-b"));
        work = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-fleet-"));
        const down = YAML.parse(fs.readFileSync(clusters[0].kubeconfig, "utf8")) as { clusters: { cluster: { server: string } }[] };
        down.clusters[0].cluster.server = DEAD_SERVER;
        const downKubeconfig = path.join(work, "down.kubeconfig");
        fs.writeFileSync(downKubeconfig, YAML.stringify(down));
        tenantsFile = path.join(work, "tenants.yaml");
        const beta = inlineKubeconfig(clusters[1].kubeconfig);
        betaCredentials = beta.credentials;
        fs.writeFileSync(
            tenantsFile,
            YAML.stringify({
                defaults: {
                    cloud: "existing",
                    kubernetesVersion: clusters[0].kubernetesVersion,
                    existing: { ipFamilies: ["IPv4", "IPv6"] },
                    istio: { version: istio.version, chartsDir: istio.chartsDir, hub: "registry.e2e.invalid/istio", tag: `${istio.version}-fleet` },
                },
                tenants: [
                    { name: "alpha", existing: { kubeconfig: clusters[0].kubeconfig } },
                    { name: "beta", existing: { kubeconfig: beta.text } },
                    { name: "gamma", existing: { kubeconfig: downKubeconfig } },
                ],
            }),
        );
        fs.mkdirSync(path.join(work, "state"));
        env = pulumiEnvironment(tools, path.join(work, "pulumi-home"), `file://${path.join(work, "state")}`);
    });
    after(() => {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        if (!process.env.E2E_KEEP_CLUSTERS) {
            clusters.forEach((cluster) => cluster.down());
        }
    });

    it("7a. fleet up --concurrency 2: the two live tenants install Istio, the third fails with its first error, exit 1", () => {
        const result = fleet("up", tenantsFile, "--concurrency", "2", "--work-dir", path.join(work, "fleet"));
        assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
        const row = (tenant: string) => summaryRow(result.stdout, tenant);
        assert.match(row("alpha"), /succeeded/, result.stdout);
        assert.match(row("beta"), /succeeded/, result.stdout);
        assert.match(row("gamma"), /failed/, result.stdout);
        assert.match(result.stdout + result.stderr, /gamma.*(connection refused|connect: )/, result.stdout);
        for (const credential of betaCredentials) {
            assert.ok(!(result.stdout + result.stderr).includes(credential), "a credential of beta's kubeconfig was printed");
        }
        for (const cluster of clusters) {
            const releases = cluster
                .helmReleases()
                .map((release) => `${release.name} ${release.status}`)
                .sort();
            assert.deepEqual(releases, ["istio-base deployed", "istiod deployed"], shown(releases));
            const istiod = cluster.get("service", "istiod", "istio-system");
            assert.equal(istiod.spec.ipFamilyPolicy, "RequireDualStack", shown(istiod.spec));
        }
    });

    it("7a'. beta's inline kubeconfig is a secret of its stack, set without a command line, and never printed", () => {
        const fleetDir = path.join(work, "fleet");
        const stackFile = fs.readFileSync(path.join(fleetDir, "beta", "Pulumi.beta.yaml"), "utf8");
        assert.match(stackFile, /dualstack-istio:existing:\s+secure: /, stackFile);
        assert.ok(betaCredentials.length > 0, "the harness kubeconfig has credentials to keep");
        const [run, logs] = [...runLogs(fleetDir, "up")][0];
        assert.deepEqual(logs, ["alpha.log", "beta.log", "gamma.log"], run);
        const texts = logs.map((log) => fs.readFileSync(path.join(fleetDir, "logs", "up", run, log), "utf8"));
        for (const text of texts) {
            for (const credential of betaCredentials) {
                assert.ok(!text.includes(credential), "a credential of beta's kubeconfig was printed");
            }
        }
    });

    it("7b. fleet destroy removes every tenant's Istio from its own cluster, and the dead one's stack, exit 0", () => {
        const result = fleet("destroy", tenantsFile, "--concurrency", "2", "--work-dir", path.join(work, "fleet"));
        const row = (tenant: string) => summaryRow(result.stdout, tenant);
        // gamma's stack holds no object of its (dead) cluster, only its provider and components:
        // removing those needs no API server, so all three succeed.
        assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
        for (const tenant of ["alpha", "beta", "gamma"]) {
            assert.match(row(tenant), /succeeded/, result.stdout);
        }
        for (const credential of betaCredentials) {
            assert.ok(!(result.stdout + result.stderr).includes(credential), "a credential of beta's kubeconfig was printed");
        }
        const runs = runLogs(path.join(work, "fleet"), "destroy");
        assert.equal(runs.size, 1, "destroy keeps its logs apart from up's");
        assert.match(result.stdout, new RegExp(`logs in \\S+${[...runs.keys()][0]}\\n`), result.stdout);
        for (const cluster of clusters) {
            assert.deepEqual(cluster.helmReleases(), []);
            assert.deepEqual(cluster.list("deployments", "istio-system"), []);
        }
    });
});
