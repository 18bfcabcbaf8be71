import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fleetRunCommand } from "../../cli/fleet-run-command";
import { commandFailure } from "../../fleet/automation-stacks";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import { FleetOperation, type PreparedStacks, type ResourceChanges, type TenantRun, type TenantStacks } from "../../fleet/orchestrator";
import { stackConfigEntries } from "../../fleet/stack-config";
import { tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";
import { CREDENTIAL_KUBECONFIG, CREDENTIALS } from "./support/credentials";

/** A stand-in for the stacks: each run does what the test says; prepare can fail. */
class ScriptedStacks implements TenantStacks {
    private readonly behaviour: (request: TenantRun) => Promise<ResourceChanges>;
    private readonly refusal?: Error;

    constructor(behaviour: (request: TenantRun) => Promise<ResourceChanges>, refusal?: Error) {
        this.behaviour = behaviour;
        this.refusal = refusal;
    }

    prepare(_tenants: readonly PlannedTenant[]): Promise<PreparedStacks> {
        return this.refusal ? Promise.reject(this.refusal) : Promise.resolve({ backend: "file:///state" });
    }

    run(request: TenantRun): Promise<ResourceChanges> {
        return this.behaviour(request);
    }
}

const SECTION = { kubeconfig: CREDENTIAL_KUBECONFIG };
const TENANTS = `tenants:\n  - name: onprem\n    cloud: existing\n    kubernetesVersion: "1.33"\n    existing:\n      kubeconfig: ${JSON.stringify(CREDENTIAL_KUBECONFIG)}\n`;
/** Every form in which the tenant's secrets could leak. */
const LEAKS = [...CREDENTIALS, CREDENTIAL_KUBECONFIG, JSON.stringify(CREDENTIAL_KUBECONFIG).slice(1, -1), JSON.stringify(SECTION)];

/**
 * A failed `pulumi config set-all` as the Automation API reports it: execa's message, which
 * carries the whole command line, values and all.
 */
function setAllFailure(tenant: PlannedTenant): Error {
    const line = Object.entries(stackConfigEntries(tenant.document))
        .map(([key, entry]) => `${entry.secret ? "--secret" : "--plaintext"} ${key}=${entry.value}`)
        .join(" ");
    const stderr = `Command failed with exit code 255: pulumi config set-all --stack ${tenant.name} ${line}\nwarning: a plugin said ${CREDENTIALS[0]}`;
    return Object.assign(new Error(`code: -2\n stdout: \n stderr: ${stderr}\n err?: Error\n`), { name: "CommandError", commandResult: { stdout: "", stderr, code: -2 } });
}

function logsUnder(directory: string): string[] {
    return fs.existsSync(directory)
        ? fs
              .readdirSync(directory, { recursive: true, encoding: "utf8" })
              .filter((file) => file.endsWith(".log"))
              .map((file) => path.join(directory, file))
        : [];
}

describe("fleet runs against hostile input and failure", () => {
    const file = tempFile("tenants.yaml", TENANTS);
    const work = path.join(path.dirname(file), "work");

    async function up(stacks: TenantStacks) {
        const output: string[] = [];
        const result = await fleetRunCommand(FleetOperation.Up, file, { workDir: work }, { stacks, write: (text) => output.push(text), today: TODAY });
        return { ...result, output: output.join("") };
    }

    it("never prints a tenant's secrets: not in its progress, its failure, the summary, or its log, however the failure carries them", async () => {
        // A failure explained by the engine's first error, which quotes the kubeconfig.
        const withEngineError = await up(
            new ScriptedStacks((request) => {
                const failure = setAllFailure(request.tenant);
                const text = commandFailure(failure);
                // Its output in pieces that split a credential.
                request.log(`${text.slice(0, text.indexOf(CREDENTIALS[0]) + 3)}`);
                request.log(`${text.slice(text.indexOf(CREDENTIALS[0]) + 3)}\n${CREDENTIAL_KUBECONFIG}`);
                request.progress({ kind: "error", message: `kubernetes provider: bad kubeconfig ${JSON.stringify(CREDENTIAL_KUBECONFIG)}` });
                return Promise.reject(new Error(text, { cause: failure }));
            }),
        );
        // A failure explained by the failed command alone.
        const withCommandError = await up(new ScriptedStacks((request) => Promise.reject(new Error(commandFailure(setAllFailure(request.tenant))))));
        for (const run of [withEngineError, withCommandError]) {
            assert.equal(run.exitCode, 1);
            assert.match(run.output, /\[onprem\] up failed after 0s: .*\[secret\]/);
            assert.match(run.output, /\n {2}onprem: .*\[secret\]/);
        }
        assert.match(
            withCommandError.output,
            /onprem: Command failed with exit code 255: pulumi config set-all --stack onprem --plaintext dualstack-istio:cloud=existing --plaintext dualstack-istio:clusterName=onprem --secret dualstack-istio:existing=\[secret\] --plaintext/,
        );
        const logs = logsUnder(path.join(work, "logs"));
        assert.equal(logs.length, 2, "each run its own log");
        const texts = [withEngineError.output, withCommandError.output, ...logs.map((log) => fs.readFileSync(log, "utf8"))];
        assert.match(texts[2], /\[secret\]/);
        for (const text of texts) {
            for (const leak of LEAKS) {
                assert.ok(!text.includes(leak), `leaked ${leak.slice(0, 40)}… in:\n${text}`);
            }
        }
    });

    it("redacts a kubeconfig of any size up to the input cap: 200 KB of certificate-authority-data and a token", async () => {
        const token = "eyJhbGciOiJSUzI1NiJ9.tenant-token.signature";
        const kubeconfig = CREDENTIAL_KUBECONFIG.replace("Q0EtREFUQS1OT1QtU0VDUkVU", "Q0FE".repeat(50_000)).replace("tok-abc123-XYZ", token);
        const big = tempFile("tenants.yaml", TENANTS.replace(JSON.stringify(CREDENTIAL_KUBECONFIG), JSON.stringify(kubeconfig)));
        const output: string[] = [];
        const result = await fleetRunCommand(
            FleetOperation.Up,
            big,
            { workDir: path.join(path.dirname(big), "work") },
            {
                stacks: new ScriptedStacks((request) => {
                    // As pulumi would print a bad kubeconfig: whole, in pipe-sized pieces.
                    const text = `Updating (onprem):\nerror: bad kubeconfig ${kubeconfig} (token ${token})\n`;
                    for (let at = 0; at < text.length; at += 65_536) {
                        request.log(text.slice(at, at + 65_536));
                    }
                    request.progress({ kind: "error", message: `kubernetes provider: unauthorized with token ${token}` });
                    return Promise.reject(new Error(`pulumi up failed: ${token}`));
                }),
                write: (text) => output.push(text),
                today: TODAY,
            },
        );
        const stdout = output.join("");
        assert.equal(result.exitCode, 1);
        assert.match(stdout, /\n\[onprem\] up failed after 0s: kubernetes provider: unauthorized with token \[secret\]\n/);
        assert.match(stdout, /\n1 failed\n {2}onprem: kubernetes provider: unauthorized with token \[secret\]\n$/);
        const [log] = logsUnder(path.join(path.dirname(big), "work", "logs"));
        assert.equal(
            fs.readFileSync(log, "utf8").replace(/started \S+/, "started …"),
            "# dualstack-istio fleet up: tenant onprem, started …\nUpdating (onprem):\nerror: bad kubeconfig [secret] (token [secret])\n\n# failed: pulumi up failed: [secret]\n",
        );
        assert.ok(!stdout.includes(token));
    });

    it("keeps each run's logs in a folder of its own, and names only the logs of tenants that ran", async () => {
        const before = new Set(fs.existsSync(path.join(work, "logs", "up")) ? fs.readdirSync(path.join(work, "logs", "up")) : []);
        const first = await up(new ScriptedStacks(() => Promise.resolve({ create: 1 })));
        const second = await up(new ScriptedStacks(() => Promise.resolve({ same: 1 })));
        const runs = fs.readdirSync(path.join(work, "logs", "up")).filter((run) => !before.has(run));
        assert.equal(runs.length, 2);
        for (const [index, run] of [first, second].entries()) {
            const folder = /logs in (\S+)\n/.exec(run.output)?.[1] ?? "";
            assert.ok(runs.includes(path.basename(folder)), run.output);
            assert.match(fs.readFileSync(path.join(folder, "onprem.log"), "utf8"), /tenant onprem/, `run ${index}`);
        }
    });

    it("creates no log folder when the pre-checks fail", async () => {
        const fresh = tempFile("tenants.yaml", TENANTS);
        const freshWork = path.join(path.dirname(fresh), "work");
        const refusal = new Error("no backend");
        await assert.rejects(
            fleetRunCommand(
                FleetOperation.Up,
                fresh,
                { workDir: freshWork },
                { stacks: new ScriptedStacks(() => Promise.resolve({}), refusal), write: () => undefined, today: TODAY },
            ),
            (error) => error === refusal,
        );
        assert.equal(fs.existsSync(freshWork), false);
    });
});
