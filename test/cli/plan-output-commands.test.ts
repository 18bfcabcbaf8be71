import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fleetPlanCommand } from "../../cli/fleet-plan-command";
import * as planCommandModule from "../../cli/plan-command";
import { planCommand } from "../../cli/plan-command";
import { PLAN_MANIFEST } from "../../cli/plan-output";
import { OperationError } from "../../components/errors";
import { folderEntries as contents, stagingLeft, tempFolder as tempFolderWith } from "../support/plan-output";
import { runCli } from "../support/run-cli";

const tempFolder = () => tempFolderWith("plan-output-commands-");

function withoutManifest(files: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(files).filter(([file]) => file !== PLAN_MANIFEST));
}

/** A tenants file of GCP tenants with these names. */
function tenantsFile(folder: string, names: readonly string[], region = "europe-west4"): string {
    const file = path.join(folder, `tenants-${names.join("-")}-${region}.yaml`);
    const defaults = `defaults:\n  cloud: gcp\n  region: ${region}\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\n`;
    fs.writeFileSync(file, `${defaults}tenants:\n${names.map((name) => `  - name: ${name}\n`).join("")}`);
    return file;
}

const cli = runCli;

describe("plan --out and fleet plan --out: the folder's contents", function () {
    this.timeout(120_000);

    it("plan: writes exactly the plan's files; a re-run that no longer writes a values file removes it and keeps the user's file", async () => {
        const out = path.join(tempFolder(), "out");
        const withGateway = await planCommand({ out });
        assert.deepEqual(contents(out), {
            ...Object.fromEntries(withGateway.files),
            [PLAN_MANIFEST]: `${JSON.stringify({ files: [...withGateway.files.keys()].sort() }, null, 2)}\n`,
        });
        assert.ok(withGateway.files.has("istio-ingressgateway-values.yaml"));
        fs.writeFileSync(path.join(out, "notes.md"), "mine\n");

        const withoutGateway = await planCommand({ out, set: ["istio.gateway.enabled=false"] });
        assert.deepEqual([...withoutGateway.files.keys()].sort(), ["istio-base-values.yaml", "istio-operator.yaml", "istiod-values.yaml", "plan.json", "plan.md"]);
        assert.deepEqual(withoutManifest(contents(out)), { ...Object.fromEntries(withoutGateway.files), "notes.md": "mine\n" });
        assert.deepEqual(stagingLeft(out), []);
    });

    it("fleet plan: a re-run with fewer tenants removes the dropped tenants' folders, keeps the user's files, and matches a fresh run", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await fleetPlanCommand(tenantsFile(root, ["a", "b", "c"]), { out, concurrency: "2" });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a", "b", "c", "fleet.json"]);
        fs.writeFileSync(path.join(out, "notes.md"), "mine\n");

        await fleetPlanCommand(tenantsFile(root, ["a", "b"]), { out, concurrency: "1" });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a", "b", "fleet.json", "notes.md"]);
        const fresh = path.join(root, "fresh");
        await fleetPlanCommand(tenantsFile(root, ["a", "b"]), { out: fresh, concurrency: "1" });
        assert.deepEqual(contents(out), { ...contents(fresh), "notes.md": "mine\n" });

        // A dropped tenant's folder that holds a file of the user's keeps it, and so stays.
        fs.writeFileSync(path.join(out, "b", "notes.md"), "mine too\n");
        await fleetPlanCommand(tenantsFile(root, ["a"]), { out, concurrency: "1" });
        assert.deepEqual(fs.readdirSync(out).sort(), [PLAN_MANIFEST, "a", "b", "fleet.json", "notes.md"]);
        assert.deepEqual(fs.readdirSync(path.join(out, "b")), ["notes.md"]);
    });

    it("fleet plan: a tenant whose offline run fails leaves the previous output byte for byte, and no staging folder", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        await fleetPlanCommand(tenantsFile(root, ["a", "b"]), { out, concurrency: "1" });
        const before = contents(out);
        // The seam: the lane's planOffline, as this thread's lane calls it through the module.
        const seam = planCommandModule as unknown as { planOffline: (plan: unknown, stack: string) => Promise<unknown> };
        const planOffline = seam.planOffline;
        seam.planOffline = (plan, stack) => (stack === "c" ? Promise.reject(new OperationError("the program failed: boom")) : planOffline(plan, stack));
        try {
            // a and b are planned and staged first, in another region (other bytes); then c fails.
            // A failed operation, named by its tenant (exit 1), not a bug.
            await assert.rejects(fleetPlanCommand(tenantsFile(root, ["b", "a", "c"], "europe-west1"), { out, concurrency: "1" }), (error) => {
                assert.ok(error instanceof OperationError);
                assert.equal(error.message, "tenant 'c': the program failed: boom");
                return true;
            });
        } finally {
            seam.planOffline = planOffline;
        }
        assert.deepEqual(contents(out), before);
        assert.deepEqual(stagingLeft(out), []);
    });

    it("fleet plan: a folder in the way, found once every tenant is planned on worker lanes: exit 2, one line on --out, the previous output untouched", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        assert.equal((await cli("fleet", "plan", tenantsFile(root, ["a"]), "--out", out)).status, 0);
        fs.mkdirSync(path.join(out, "d", "plan.json"), { recursive: true });
        const before = contents(out);
        assert.deepEqual(await cli("fleet", "plan", tenantsFile(root, ["a", "b", "d"]), "--out", out, "--concurrency", "3"), {
            status: 2,
            stdout: "",
            stderr: `error: --out: ${out}/d/plan.json is a folder; the plan writes a file there\n`,
        });
        assert.deepEqual(contents(out), before);
        assert.deepEqual(stagingLeft(out), []);
    });

    it("refuses an oversized manifest (a sparse 700 MB file) before planning: exit 2 and one line on --out naming it, the folder untouched", async () => {
        const root = tempFolder();
        const out = path.join(root, "out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, PLAN_MANIFEST), "");
        fs.truncateSync(path.join(out, PLAN_MANIFEST), 700 * 1000 * 1000);
        const refusal = { status: 2, stdout: "", stderr: `error: --out: ${out}/${PLAN_MANIFEST} is larger than 16 MiB, the limit for a plan manifest\n` };
        assert.deepEqual(await cli("plan", "--out", out), refusal);
        assert.deepEqual(await cli("fleet", "plan", tenantsFile(root, ["a"]), "--out", out), refusal);
        assert.deepEqual(fs.readdirSync(out), [PLAN_MANIFEST]);
        assert.equal(fs.statSync(path.join(out, PLAN_MANIFEST)).size, 700 * 1000 * 1000);
    });

    it("refuses --out that is a file, empty, or a link, before planning: exit 2 and one line naming --out", async () => {
        const root = tempFolder();
        const file = path.join(root, "plan.txt");
        fs.writeFileSync(file, "x\n");
        const link = path.join(root, "link");
        fs.symlinkSync(tempFolder(), link);
        const refusal = (message: string) => ({ status: 2, stdout: "", stderr: `error: --out: ${message}\n` });
        assert.deepEqual(await cli("plan", "--out", file), refusal(`${file} is a file; give a folder`));
        assert.deepEqual(await cli("plan", "--out", ""), refusal("is empty; give the folder to write the plan into"));
        assert.deepEqual(await cli("plan", "--out", link), refusal(`${link} is a symbolic link; give the folder it points to (a plan is never written through a link)`));
        assert.deepEqual(await cli("fleet", "plan", tenantsFile(root, ["a"]), "--out", path.join(file, "out")), refusal(`cannot create ${file}/out: ${file} is a file`));
        assert.equal(fs.readFileSync(file, "utf8"), "x\n");
    });
});
