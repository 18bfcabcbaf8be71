import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fleetRunCommand, FLEET_WORK_DIR, type FleetRunFlags } from "../../cli/fleet-run-command";
import { planFleet } from "../../fleet/fleet-plan";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import { FleetOperation, runFleet, type FleetReporter, type PreparedStacks, type ResourceChanges, type TenantRun, type TenantStacks } from "../../fleet/orchestrator";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";
import { CREDENTIAL_KUBECONFIG } from "./support/credentials";

const TENANTS =
    "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: t0\n  - name: t1\n";
const INLINE = `tenants:\n  - name: onprem\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${JSON.stringify(CREDENTIAL_KUBECONFIG)}\n`;
const silent: FleetReporter = { started: () => undefined, step: () => undefined, finished: () => undefined };

/** Stacks that record whether anything ran; `prepare` does what the test says. */
class RecordingStacks implements TenantStacks {
    readonly calls: string[] = [];
    private readonly preparing: () => void;
    private readonly running: (request: TenantRun) => Promise<ResourceChanges>;

    constructor(preparing: () => void = () => undefined, running: (request: TenantRun) => Promise<ResourceChanges> = () => Promise.resolve({ same: 1 })) {
        this.preparing = preparing;
        this.running = running;
    }

    prepare(): Promise<PreparedStacks> {
        this.calls.push("prepare");
        this.preparing();
        return Promise.resolve({ backend: "file:///state" });
    }

    run(request: TenantRun): Promise<ResourceChanges> {
        this.calls.push(`run ${request.tenant.name}`);
        return this.running(request);
    }
}

/** What `fleet up` with these flags refused, with nothing run; or `(ran)`. */
async function refusal(flags: FleetRunFlags, file = tempFile("tenants.yaml", TENANTS)): Promise<string> {
    const stacks = new RecordingStacks();
    try {
        await fleetRunCommand(FleetOperation.Up, file, flags, { stacks, write: () => undefined, today: TODAY });
    } catch (error) {
        assert.deepEqual(stacks.calls, [], "refused before anything ran");
        return (error as Error).message;
    }
    return "(ran)";
}

describe("fleet preview|up|destroy flags and work folder", () => {
    it("refuses an empty --work-dir, --secrets-provider or --tenant, naming the flag", async () => {
        const work = path.join(path.dirname(tempFile("x", "")), "work");
        assert.equal(await refusal({ workDir: "" }), "--work-dir: is empty; give a value, or leave the flag out for its default");
        assert.equal(await refusal({ workDir: work, secretsProvider: "" }), "--secrets-provider: is empty; give a value, or leave the flag out for its default");
        assert.equal(await refusal({ workDir: work, tenant: ["t0", " "] }), "--tenant: is empty; give a value, or leave the flag out for its default");
        assert.equal(await refusal({ workDir: work, tenant: ["t1"] }), "(ran)");
    });

    it("refuses a --work-dir that is a file, under a file, or holds a file where the fleet keeps a folder, before anything runs", async () => {
        const folder = path.dirname(tempFile("afile", "not a folder"));
        const afile = path.join(folder, "afile");
        assert.equal(await refusal({ workDir: afile }), `--work-dir: ${afile} is not a folder`);
        assert.equal(await refusal({ workDir: path.join(afile, "work", "deeper") }), `--work-dir: ${path.join(afile, "work", "deeper")} cannot be made: ${afile} is not a folder`);
        const work = path.join(folder, "work");
        fs.mkdirSync(work);
        fs.writeFileSync(path.join(work, "logs"), "");
        assert.equal(await refusal({ workDir: work }), `--work-dir: ${work} cannot be used: ${path.join(work, "logs")} is not a folder`);
        fs.rmSync(path.join(work, "logs"));
        fs.writeFileSync(path.join(work, "t1"), "");
        assert.equal(await refusal({ workDir: work }), `--work-dir: ${work} cannot be used: ${path.join(work, "t1")} is not a folder`);
        assert.equal(await refusal({ workDir: work, tenant: ["t0"] }), "(ran)", "only the chosen tenants' folders matter");
        const file = tempFile("tenants.yaml", TENANTS);
        const fallback = path.join(path.dirname(file), FLEET_WORK_DIR);
        fs.writeFileSync(fallback, "");
        assert.equal(await refusal({}, file), `--work-dir: ${fallback} (the default, next to the tenants file) is not a folder`);
    });

    it("a file-system failure making the work folder's folders is the work folder's: one line on --work-dir", async () => {
        const work = path.join(path.dirname(tempFile("x", "")), "work");
        const stacks = new RecordingStacks(() => {
            // As AutomationStacks.prepare makes <work>/.fleet, found in the way after the check.
            fs.mkdirSync(work, { recursive: true });
            fs.writeFileSync(path.join(work, "in-the-way"), "");
            fs.mkdirSync(path.join(work, "in-the-way", ".fleet"), { recursive: true });
        });
        const file = tempFile("tenants.yaml", TENANTS);
        await assert.rejects(fleetRunCommand(FleetOperation.Up, file, { workDir: work }, { stacks, write: () => undefined, today: TODAY }), {
            name: "InputError",
            message: `--work-dir: ${path.join(work, "in-the-way", ".fleet")}: a part of the path is not a folder`,
        });
        assert.deepEqual(stacks.calls, ["prepare"]);
    });

    it("refuses a credential in --secrets-provider, saying where the provider takes it from", async () => {
        const work = path.join(path.dirname(tempFile("x", "")), "work");
        assert.equal(
            await refusal({ workDir: work, secretsProvider: "hashivault://fleet-key?token=hvs.CAESIJ" }),
            "--secrets-provider: carries a credential (its query parameter 'token', value not repeated here); keep secrets out of URLs: give the token in VAULT_TOKEN (or VAULT_SERVER_TOKEN) and the server in VAULT_ADDR",
        );
        assert.equal(
            await refusal({ workDir: work, secretsProvider: "awskms://AKIAEXAMPLE:wJalrXUtnFEMI@alias/fleet?region=eu-west-1" }),
            "--secrets-provider: carries a credential (a user or password before the host, not repeated here); keep secrets out of URLs: give AWS credentials in the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
        );
        assert.equal(await refusal({ workDir: work, secretsProvider: "awskms://alias/fleet?region=eu-west-1" }), "(ran)");
        assert.equal(await refusal({ workDir: work, secretsProvider: "passphrase" }), "(ran)");
    });

    it("makes the run's log folder before any tenant starts, so the folder the first line names is there", async () => {
        const work = path.join(path.dirname(tempFile("x", "")), "work");
        const output: string[] = [];
        let seen = false;
        const stacks = new RecordingStacks(undefined, () => {
            const folder = /logs in (\S+)\n/.exec(output.join(""))?.[1] ?? "";
            seen = fs.statSync(folder).isDirectory();
            return Promise.resolve({});
        });
        await fleetRunCommand(FleetOperation.Up, tempFile("tenants.yaml", TENANTS), { workDir: work }, { stacks, write: (text) => output.push(text), today: TODAY });
        assert.ok(seen);
    });
});

describe("a tenant's log (fleet/orchestrator)", () => {
    const [onprem]: readonly PlannedTenant[] = planFleet(parseTenantsFile(INLINE, "tenants.yaml", "/fleet"), TODAY).tenants;

    it("on stopNow, writes out what the redaction held back before the process exits, redacted", async () => {
        const logDir = path.join(path.dirname(tempFile("x", "")), "logs");
        const stopNow = new AbortController();
        let release!: () => void;
        const stacks = new RecordingStacks(undefined, (request) => {
            request.log("Updating (onprem):\ntoken tok-abc123-XYZ, and then tok-");
            return new Promise((resolve) => (release = () => resolve({})));
        });
        const reporter: FleetReporter = {
            ...silent,
            started: () =>
                setImmediate(() => {
                    const log = path.join(logDir, "onprem.log");
                    assert.match(fs.readFileSync(log, "utf8"), /\nUpdating \(onprem\):\ntoken \[secret\], and then $/, "what could begin the token waits");
                    stopNow.abort();
                    // Read at once, as the process would exit now.
                    assert.match(
                        fs.readFileSync(log, "utf8"),
                        /\nUpdating \(onprem\):\ntoken \[secret\], and then tok-\n# stopped at once: the CLI exited without waiting for pulumi; check the stack \(pulumi stack, and pulumi cancel if it is locked\)\n$/,
                    );
                    release();
                }),
        };
        const [outcome] = await runFleet({ tenants: [onprem], operation: FleetOperation.Up, stacks, concurrency: 1, logDir, reporter, stopNow: stopNow.signal });
        assert.equal(outcome.status, "succeeded");
    });

    it("a log that cannot be made: the tenant fails without its stack being touched, the fleet goes on", async () => {
        const afile = tempFile("afile", "");
        const stacks = new RecordingStacks();
        const outcomes = await runFleet({ tenants: [onprem], operation: FleetOperation.Up, stacks, concurrency: 1, logDir: path.join(afile, "logs"), reporter: silent });
        assert.deepEqual(
            outcomes.map(({ status, message, logFile }) => ({ status, message, logFile })),
            [{ status: "failed", message: `not started: its log ${path.join(afile, "logs", "onprem.log")}: a part of the path is not a folder`, logFile: undefined }],
        );
        assert.deepEqual(stacks.calls, []);
    });
});
