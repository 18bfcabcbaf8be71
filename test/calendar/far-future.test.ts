import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planCommand, type PlanFlags } from "../../cli/plan-command";
import { pinToday } from "../../components/clock";
import { checkEksVersion, EKS_CALENDAR, EKS_CALENDAR_PROVENANCE } from "../../components/eks/calendar";
import { InputError, type InputWarning } from "../../components/errors";
import { checkKubernetesCompatibility, ISTIO_SUPPORT_PROVENANCE, IstioFlavor, resolveIstioRelease } from "../../components/istio/versions";
import { parseKubernetesVersion } from "../../components/target/cluster-facts";
import { FleetCheckError, planFleet } from "../../fleet/fleet-plan";
import { readTenantsFile } from "../../fleet/tenants-file";
import { kubeconfigText } from "../support/fixtures";

/**
 * The package run on a day long after every table in it was written: what must hold then, whatever
 * the tables say. Every date-sensitive path (the EKS calendar, Istio's support table, their age) is
 * driven through the one clock, here pinned far ahead, and through the same paths `plan` takes.
 */
const FAR = new Date("2100-01-01T00:00:00Z");
const ROOT = path.resolve(__dirname, "../..");

const staleTables = (warnings: readonly InputWarning[]) =>
    warnings.filter((warning) => /was last checked on .* and may be stale/.test(warning.message)).map((warning) => warning.message.split(" was ")[0]);

describe("far in the future (2100-01-01)", () => {
    let restore: () => void;
    before(() => {
        restore = pinToday(FAR);
    });
    after(() => restore());

    it("every EKS minor the calendar dates is refused; an undated or unknown one is planned with the calendar called stale", () => {
        for (const { minor, endOfExtendedSupport } of EKS_CALENDAR) {
            const version = `1.${minor}`;
            if (endOfExtendedSupport !== undefined) {
                assert.throws(() => checkEksVersion(version, "kubernetesVersion"), {
                    name: "InputError",
                    message: new RegExp(`^kubernetesVersion: Kubernetes ${version.replace(".", "\\.")} left EKS extended support on ${endOfExtendedSupport}; `),
                });
            } else {
                assert.deepEqual(staleTables(checkEksVersion(version, "kubernetesVersion")), [EKS_CALENDAR_PROVENANCE.table]);
            }
        }
        const newer = checkEksVersion("1.99", "kubernetesVersion");
        assert.match(newer[0].message, /^Kubernetes 1\.99 is newer than the EKS calendar this package knows/);
        assert.deepEqual(staleTables(newer), [EKS_CALENDAR_PROVENANCE.table]);
    });

    it("every Istio release with an end of life says so, and the support table is called stale once", () => {
        for (const minor of [17, 20, 23, 28, 29, 30, 31, 45]) {
            const release = resolveIstioRelease(IstioFlavor.Upstream, `1.${minor}.0`, "version");
            const warnings = checkKubernetesCompatibility(release, parseKubernetesVersion("1.33", "k"), { istio: "version", kubernetes: "k" });
            assert.equal(
                warnings.some((warning) => warning.message.includes("reached end of life")),
                release.support.endOfLife !== undefined,
                `1.${minor}`,
            );
            assert.deepEqual(staleTables(warnings), [ISTIO_SUPPORT_PROVENANCE.table], `1.${minor}`);
        }
    });

    let kubeconfig: string;
    before(() => {
        kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "far-future-")), "config");
        fs.writeFileSync(kubeconfig, kubeconfigText(["kind-dual-stack"]));
    });
    after(() => fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true }));

    const stalePlan = async (flags: PlanFlags, tables: readonly string[]) => {
        const { plan, report } = await planCommand(flags);
        assert.deepEqual(staleTables(plan.warnings).sort(), [...tables].sort());
        for (const table of tables) {
            assert.equal(report.split(`${table} was last checked`).length - 1, 1, table);
        }
    };

    it("plan of the embedded default and of Pulumi.example.yaml (GKE) is refused in one line naming kubernetesVersion, and the refusal says the GKE schedule is stale", async () => {
        for (const flags of [{}, { config: path.join(ROOT, "Pulumi.example.yaml") }]) {
            await assert.rejects(planCommand(flags), (error: unknown) => {
                assert.ok(error instanceof InputError, String(error));
                assert.equal(error.field, "kubernetesVersion");
                assert.match(error.problem, /^Kubernetes 1\.35 left GKE standard support on 2027-04-11; GKE no longer creates it on the REGULAR channel, use a newer version /);
                assert.match(error.problem, /\(the GKE Kubernetes release schedule was last checked on /);
                assert.doesNotMatch(error.message, /\n/);
                return true;
            });
        }
    });

    it("plan of examples/existing-cluster plans, naming the stale Istio table once", async () => {
        const flags = { config: path.join(ROOT, "examples/existing-cluster/stack-config.yaml"), set: [`existing.kubeconfig=${kubeconfig}`] };
        await stalePlan(flags, [ISTIO_SUPPORT_PROVENANCE.table]);
    });

    it("plan of examples/eks is refused in one line naming kubernetesVersion, and the refusal says its calendar is stale", async () => {
        await assert.rejects(planCommand({ config: path.join(ROOT, "examples/eks/stack-config.yaml") }), (error: unknown) => {
            assert.ok(error instanceof InputError, String(error));
            assert.equal(error.field, "kubernetesVersion");
            assert.match(
                error.problem,
                /^Kubernetes 1\.35 left EKS extended support on 2028-03-27; EKS no longer creates it, use 1\.36 \(the EKS Kubernetes version calendar was last checked on /,
            );
            assert.doesNotMatch(error.message, /\n/);
            return true;
        });
    });

    it("the example fleet is refused for its GKE and EKS tenants, each by its calendar, and its existing cluster plans with the stale table named", () => {
        const file = readTenantsFile(path.join(ROOT, "examples/fleet/tenants.yaml"));
        assert.throws(
            () => planFleet(file),
            (error: unknown) => {
                assert.ok(error instanceof FleetCheckError, String(error));
                assert.equal(error.problems.length, 3, error.problems.join("\n"));
                assert.match(error.problems[0], /^[^\n]*tenants\[0\] 'acme'[^\n]*kubernetesVersion: Kubernetes 1\.\d+ left GKE standard support/);
                assert.match(error.problems[1], /^[^\n]*tenants\[1\] 'globex'[^\n]*kubernetesVersion: Kubernetes 1\.\d+ left GKE standard support/);
                assert.match(error.problems[2], /^[^\n]*tenants\[2\] 'initech'[^\n]*kubernetesVersion: Kubernetes 1\.\d+ left EKS extended support/);
                return true;
            },
        );
        const others = planFleet({ ...file, tenants: file.tenants.filter((tenant) => tenant.name === "umbrella") });
        assert.deepEqual(
            others.tenants.map((tenant) => tenant.name),
            ["umbrella"],
        );
        for (const tenant of others.tenants) {
            assert.deepEqual(staleTables(tenant.plan.warnings), [ISTIO_SUPPORT_PROVENANCE.table], tenant.name);
        }
    });
});
