import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { failureReport } from "../../cli/failure";
import { printable, printableLine } from "../../components/terminal-text";
import { ExitCode, InputError, OperationError } from "../../components/errors";
import { allConfigKeys } from "../../components/config/keys";
import { runOffline } from "../../engine/offline-engine";
import { CLI_BIN, runCli } from "../support/run-cli";

/** What a terminal would obey rather than show. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("the exit-code contract", () => {
    it("bad input is 2, a failed operation 1, a path that cannot be used 2, and only a bug is internal, with where to report it", () => {
        assert.deepEqual(failureReport(new InputError("--out", "is a file")), { code: ExitCode.BadInput, lines: ["error: --out: is a file"] });
        assert.deepEqual(failureReport(new OperationError("the program failed: boom"), {}), { code: ExitCode.Failed, lines: ["error: the program failed: boom"] });
        const readOnly = Object.assign(new Error("EROFS: read-only file system, open '/ro/plan.json'"), { code: "EROFS", path: "/ro/plan.json" });
        assert.deepEqual(failureReport(readOnly), { code: ExitCode.BadInput, lines: ["error: /ro/plan.json: EROFS"] });
        const exists = Object.assign(new Error("EEXIST"), { code: "EEXIST", path: "/x" });
        assert.equal(failureReport(exists).code, ExitCode.BadInput);
        const bug = failureReport(new TypeError("x is undefined\n    at somewhere"), {});
        assert.equal(bug.code, ExitCode.Failed);
        assert.equal(bug.lines[0], "error: internal: x is undefined");
        assert.match(bug.lines[1], /^this is a bug in dualstack-istio \d+\.\d+\.\d+; please report it \(npm bugs pulumi-dualstack-istio\)/);
        assert.equal(bug.stack, undefined);
        assert.match(failureReport(new TypeError("x"), { DUALSTACK_ISTIO_DEBUG: "1" }).stack ?? "", /^TypeError: x\n\s+at /);
        // A bug's message may quote what it choked on (a secret, say): only its start is shown.
        assert.equal(
            failureReport(new SyntaxError(`Invalid regular expression: /${"s".repeat(5000)}/`), {}).lines[0],
            `error: internal: Invalid regular expression: /${"s".repeat(171)}… (cut)`,
        );
    });
});

describe("a failed program, with DUALSTACK_ISTIO_DEBUG=1", () => {
    it("prints the stack of the program's own error under the one line: where it failed", async () => {
        const failed = await runOffline(function failingProgram() {
            throw new Error("boom");
        }).catch((error: unknown) => new OperationError(`the program failed: ${(error as Error).message}`, { cause: error }));
        assert.ok(failed instanceof OperationError);
        assert.deepEqual(failureReport(failed, {}), { code: ExitCode.Failed, lines: ["error: the program failed: boom"] });
        const debug = failureReport(failed, { DUALSTACK_ISTIO_DEBUG: "1" });
        assert.deepEqual(debug.lines, ["error: the program failed: boom"]);
        assert.match(debug.stack ?? "", /^Error: boom\n\s+at failingProgram \(.*exit-contract\.test\.ts:\d+:\d+\)/);
    });
});

describe("a closed pipe", () => {
    it("ends the output, not the command: no stack trace, the command's own exit code", () => {
        // `| head -c 1` as a shell would run it, so a process of its own; the CLI writes far more than a pipe holds.
        const result = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI_BIN}" plan | head -c 1 >/dev/null; echo "exit \${PIPESTATUS[0]}" >&2`], { encoding: "utf8" });
        assert.equal(result.stderr, "exit 0\n");
    });
});

describe("terminal text", () => {
    it("never passes a control character through: printable keeps tab and newline, printableLine nothing", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary" }), (text) => {
                assert.doesNotMatch(printable(text), CONTROL);
                assert.doesNotMatch(printableLine(text), /[\u0000-\u001f]/);
            }),
        );
        assert.equal(printable("a\tb\nc\u001b[31m\u0000"), "a\tb\nc\\u001b[31m\\u0000");
        assert.equal(printableLine("a\nb\u202e"), "a\\u000ab\\u202e");
        assert.equal(printable("plain text: ünïcode, 中文"), "plain text: ünïcode, 中文");
    });

    it("shows control characters from input as escapes in errors: one line, nothing obeyed", async () => {
        const result = await runCli("plan", "--set", "cluster\u001b]0;owned\u0007Name\n=x");
        assert.equal(result.status, 2);
        assert.equal(
            result.stderr,
            "error: cluster\\u001b]0;owned\\u0007Name\\u000a: unknown key; allowed: cloud, clusterName, region, kubernetesVersion, gcp, aws, azure, existing, network, nodes, istio\n",
        );
    });
});

/** A random config document: mostly real keys with random values, some random keys, some junk. */
function configArbitrary(): fc.Arbitrary<string> {
    const keys = allConfigKeys().map((key) => key.path);
    const scalar = fc.oneof(fc.constantFrom("gcp", "aws", "azure", "existing", "true", "1.33", "10.0.0.0/16", "", "~"), fc.string(), fc.integer().map(String));
    const entry = fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 12 })), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })));
    const structured = fc.array(entry, { maxLength: 8 }).map((entries) => {
        const document: Record<string, unknown> = {};
        for (const [key, value] of entries) {
            const segments = key.split(".");
            let node = document;
            for (const segment of segments.slice(0, -1)) {
                node = (typeof node[segment] === "object" && node[segment] !== null && !Array.isArray(node[segment]) ? node[segment] : (node[segment] = {})) as Record<
                    string,
                    unknown
                >;
            }
            node[segments[segments.length - 1]] = value;
        }
        return stringify(document);
    });
    // A valid config, so that random --set values also reach the plan and its files.
    const valid = fc.constant(stringify({ cloud: "gcp", clusterName: "fuzz", region: "europe-west4", gcp: { project: "fuzz-project" } }));
    return fc.oneof(valid, structured, fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("a: &a [1]\nb: *a\n", "[[[", "{a: 1, a: 2}", "\u0000\u001b[2J"));
}

function setArbitrary(): fc.Arbitrary<string> {
    const keys = allConfigKeys().map((key) => key.path);
    return fc.oneof(
        fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 20 })).map(([key, value]) => `${key}=${value}`),
        fc.string({ unit: "binary", maxLength: 40 }),
    );
}

describe("fuzzing the config path", () => {
    it("ends every random config and --set in exit 0 or 2: on error one line, no stack trace, no control character, nothing written", async function () {
        this.timeout(300_000);
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "fuzz-"));
        let run = 0;
        let planned = 0;
        await fc.assert(
            fc.asyncProperty(configArbitrary(), fc.array(setArbitrary(), { maxLength: 3 }), async (config, sets) => {
                run++;
                const file = path.join(folder, `config-${run}.yaml`);
                const out = path.join(folder, `out-${run}`);
                fs.writeFileSync(file, config);
                const result = await runCli("plan", "--config", file, ...sets.flatMap((set) => ["--set", set]), "--out", out);
                assert.ok(result.status === 0 || result.status === 2, `exit ${result.status}: ${result.stderr}`);
                if (result.status === 2) {
                    assert.match(result.stderr, /^error: [^\n]*\n$/);
                    assert.doesNotMatch(result.stderr, /\n\s+at |internal:/);
                    assert.doesNotMatch(result.stderr.slice(0, -1), CONTROL);
                    assert.equal(result.stdout, "");
                    assert.equal(fs.existsSync(out), false);
                } else {
                    assert.ok(fs.existsSync(path.join(out, "plan.json")));
                    planned++;
                }
            }),
            { numRuns: 150, seed: 20261202 },
        );
        // The seed is fixed, so this is a fact about the inputs, not luck: some of them plan.
        assert.ok(planned > 0, "no random input planned");
    });
});
