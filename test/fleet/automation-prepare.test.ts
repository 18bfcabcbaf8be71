import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../components/errors";
import { AutomationStacks } from "../../fleet/automation-stacks";
import { planFleet } from "../../fleet/fleet-plan";
import type { PlannedTenant } from "../../fleet/planned-tenant";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { tempFile } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";
import { withEnv } from "../support/env";
import { runCli } from "../support/run-cli";

// What the environment can get wrong before any tenant runs (the CLI's version, a plugin that
// will not download, a passphrase asked for and missing): one line naming what to fix, exit 2,
// never a bug. Against the fake `pulumi` of automation-stacks.test.ts.
const FAKE = path.resolve(__dirname, "support/fake-pulumi.js");
const TENANTS = "defaults:\n  cloud: gcp\n  region: europe-west4\n  gcp:\n    project: fleet-project\n    authorizedNetworks: [81.2.69.0/24]\ntenants:\n  - name: a\n";
const GCP_VERSION = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/gcp/package.json"), "utf8")) as { version: string }).version;
const UPGRADE = "curl -fsSL https://get.pulumi.com | sh, or brew upgrade pulumi";

/** The variables that put the fake `pulumi` first on PATH, with `extra` (`undefined`: unset). */
function fakeVariables(extra: NodeJS.ProcessEnv): Record<string, string | undefined> {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-bin-"));
    fs.chmodSync(FAKE, 0o755);
    fs.symlinkSync(FAKE, path.join(bin, "pulumi"));
    return {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
        FAKE_PULUMI_STATE: fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-state-")),
        PULUMI_CONFIG_PASSPHRASE: "x",
        // Whatever plugins this machine has on PATH.
        PULUMI_IGNORE_AMBIENT_PLUGINS: "1",
        ...extra,
    };
}

function fakeEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...fakeVariables(extra) };
    for (const key of Object.keys(env)) {
        if (env[key] === undefined) {
            delete env[key];
        }
    }
    return env;
}

describe("AutomationStacks.prepare: the environment's failures, each one line naming pulumi", function () {
    this.timeout(60_000);
    const saved = { ...process.env };
    const tenants: readonly PlannedTenant[] = planFleet(parseTenantsFile(TENANTS, "tenants.yaml", "/fleet"), TODAY).tenants;

    afterEach(() => {
        for (const key of Object.keys(process.env)) {
            if (!(key in saved)) {
                delete process.env[key];
            }
        }
        Object.assign(process.env, saved);
    });

    async function refusal(extra: NodeJS.ProcessEnv, secretsProvider?: string): Promise<InputError> {
        process.env = fakeEnvironment(extra);
        const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-work-"));
        const stacks = new AutomationStacks({ workRoot, ...(secretsProvider !== undefined ? { secretsProvider } : {}) });
        const error = await stacks.prepare(tenants).then(
            () => assert.fail("prepare succeeded"),
            (caught: unknown) => caught,
        );
        assert.ok(error instanceof InputError, String(error));
        assert.deepEqual(fs.readdirSync(workRoot), [], "nothing left in the work folder");
        return error;
    }

    it("a Pulumi CLI older than the Automation API runs: says the minimum and how to upgrade", async () => {
        const error = await refusal({ FAKE_PULUMI_VERSION: "v3.0.0" });
        assert.equal(error.message, `pulumi: version 3.0.0 is older than 3.2.0-alpha, the oldest this package's Automation API runs; upgrade it (${UPGRADE}) and run again`);
    });

    it("a Pulumi CLI of a newer major version, or one whose version makes no sense", async () => {
        assert.equal(
            (await refusal({ FAKE_PULUMI_VERSION: "v4.0.0" })).message,
            "pulumi: version 4.0.0 is of a newer major version than this package's Automation API (v3); install a Pulumi CLI v3",
        );
        assert.match((await refusal({ FAKE_PULUMI_VERSION: "banana" })).message, /^pulumi: could not be used \(pulumi version: Failed to parse Pulumi CLI version\. /);
    });

    it("a plugin that fails to install: the CLI's own error line, the plugin and its version", async () => {
        const error = await refusal({ FAKE_PULUMI_FAIL_INSTALL: "1" });
        assert.equal(
            error.message,
            `pulumi: could not install the gcp plugin v${GCP_VERSION} ([resource plugin gcp-${GCP_VERSION}] downloading from : 403 HTTP error fetching plugin from ` +
                `https://get.pulumi.com/releases/plugins/pulumi-resource-gcp-v${GCP_VERSION}-linux-amd64.tar.gz); ` +
                `check the network and PULUMI_HOME, or install it first: pulumi plugin install resource gcp v${GCP_VERSION}`,
        );
    });

    it("--secrets-provider passphrase without a passphrase, whatever the backend", async () => {
        const error = await refusal({ PULUMI_CONFIG_PASSPHRASE: undefined, FAKE_PULUMI_BACKEND: "https://api.pulumi.com" }, "passphrase");
        assert.equal(error.message, "PULUMI_CONFIG_PASSPHRASE: not set, and --secrets-provider passphrase needs it; set it (or PULUMI_CONFIG_PASSPHRASE_FILE)");
    });

    it("through the CLI (in process): error: pulumi: … and exit 2, never internal", async () => {
        const file = tempFile("tenants.yaml", TENANTS);
        for (const [extra, line] of [
            [
                { FAKE_PULUMI_VERSION: "v3.0.0" },
                `error: pulumi: version 3.0.0 is older than 3.2.0-alpha, the oldest this package's Automation API runs; upgrade it (${UPGRADE}) and run again\n`,
            ],
            [
                { FAKE_PULUMI_FAIL_INSTALL: "1" },
                /^error: pulumi: could not install the gcp plugin v[\d.]+ \(\[resource plugin gcp-[\d.]+\] downloading from : 403 HTTP error .*\n$/,
            ],
        ] as const) {
            // NO_COLOR: uncoloured, as a spawned CLI's piped stderr is, even when this process's stderr is a terminal.
            const result = await withEnv({ ...fakeVariables(extra), NO_COLOR: "1" }, () => runCli("fleet", "up", file));
            assert.equal(result.status, 2, result.stderr);
            if (typeof line === "string") {
                assert.equal(result.stderr, line);
            } else {
                assert.match(result.stderr, line);
            }
            assert.equal(result.stdout, "");
        }
    });
});
