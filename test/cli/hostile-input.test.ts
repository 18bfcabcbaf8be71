import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readConfigText, readPulumiConfig, applyOverrides } from "../../components/config/sources";
import { InputError } from "../../components/errors";
import { parseStackConfig } from "../../components/config/parse";
import { expandHome, INPUT_LIMITS, readInputFile, resolveInputPath } from "../../components/input-files";
import { MAX_INPUT_DEPTH, parseYamlInput, RESERVED_KEY_PROBLEM } from "../../components/yaml-input";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { loadPlanConfig } from "../../cli/plan-command";
import { selectKubeconfig } from "../../components/existing/kubeconfig";
import { runCli } from "../support/run-cli";
import { kubeconfigText } from "../support/fixtures";

function scratch(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "hostile-"));
}

function refusal(action: () => unknown): string {
    try {
        action();
    } catch (error) {
        assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
        return error.message;
    }
    assert.fail("expected a refusal");
}

describe("hostile input: reading files", () => {
    const tiny = { bytes: 16, what: "a test file" } as const;

    it("refuses a FIFO at once (no writer, no hang), a device, a folder and a missing file, naming the field", () => {
        const folder = scratch();
        const fifo = path.join(folder, "fifo");
        execFileSync("mkfifo", [fifo]);
        assert.equal(
            refusal(() => readInputFile(fifo, "--config", tiny)),
            `--config: ${fifo} is a FIFO, not a file; give a regular file`,
        );
        assert.equal(
            refusal(() => readInputFile("/dev/zero", "--config", tiny)),
            "--config: /dev/zero is a device, not a file; give a regular file",
        );
        assert.equal(
            refusal(() => readInputFile(folder, "--config", tiny)),
            `--config: ${folder} is a folder, not a file; give a regular file`,
        );
        assert.equal(
            refusal(() => readInputFile(path.join(folder, "none"), "--config", tiny)),
            `--config: cannot read ${path.join(folder, "none")} (no such file)`,
        );
        // A file named by its own path is not named twice.
        assert.equal(
            refusal(() => readInputFile(fifo, fifo, tiny)),
            `${fifo}: is a FIFO, not a file; give a regular file`,
        );
    });

    it("reads a file of exactly its limit and refuses one byte more, whatever size the file claims", () => {
        const file = path.join(scratch(), "f");
        fs.writeFileSync(file, "x".repeat(16));
        assert.equal(readInputFile(file, "--config", tiny), "x".repeat(16));
        fs.writeFileSync(file, "x".repeat(17));
        assert.equal(
            refusal(() => readInputFile(file, "--config", tiny)),
            `--config: ${file} is larger than 0.015625 KiB, the limit for a test file`,
        );
        // procfs reports a size of 0 and reads as much as it has: bounded all the same.
        assert.match(readInputFile("/proc/self/status", "--config", INPUT_LIMITS.config), /^Name:/);
    });

    it("gives every input kind its limit: config, tenants file, kubeconfig file and inline kubeconfig", async () => {
        const folder = scratch();
        const big = path.join(folder, "big.yaml");
        fs.writeFileSync(big, `# ${"x".repeat(INPUT_LIMITS.kubeconfig.bytes)}\n`);
        assert.deepEqual(await runCli("plan", "--config", big), {
            status: 2,
            stdout: "",
            stderr: `error: --config: ${big} is larger than 1 MiB, the limit for a config file\n`,
        });
        assert.deepEqual(await runCli("fleet", "plan", "/dev/zero"), { status: 2, stdout: "", stderr: "error: /dev/zero: is a device, not a file; give a regular file\n" });
        assert.equal(
            refusal(() => selectKubeconfig(big, undefined, "existing.kubeconfig", "existing.context")),
            `existing.kubeconfig: ${big} is larger than 4 MiB, the limit for a kubeconfig`,
        );
        const inline = `apiVersion: v1\n# ${"x".repeat(INPUT_LIMITS.kubeconfig.bytes)}\n`;
        assert.equal(
            refusal(() => selectKubeconfig(inline, undefined, "existing.kubeconfig", "existing.context")),
            "existing.kubeconfig: is larger than 4 MiB, the limit for a kubeconfig",
        );
    });
});

describe("hostile input: parsing YAML", () => {
    it("parses 40,000 keys of one map in linear time (the library's own duplicate check was quadratic: 90 s)", function () {
        this.timeout(15_000);
        const text = Array.from({ length: 40_000 }, (_, index) => `k${index}: v`).join("\n");
        const parsed = parseYamlInput(text, { field: "f.yaml" }) as Record<string, string>;
        assert.equal(Object.keys(parsed).length, 40_000);
        assert.equal(parsed.k39999, "v");
    });

    it("refuses a key twice in one map, naming it and its line", () => {
        assert.equal(
            refusal(() => parseYamlInput("a: 1\nb:\n  c: 1\n  c: 2\n", { field: "f.yaml" })),
            "f.yaml: does not parse as YAML (line 4): key 'c' appears twice in one map",
        );
    });

    it("refuses an alias bomb and deep nesting in one line, before memory or the stack runs out", () => {
        const bomb = [
            "a: &a [x, x, x, x, x, x, x, x, x]",
            ...["b", "c", "d", "e", "f"].map((name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcdef"[index]}`).join(", ")}]`),
        ].join("\n");
        assert.equal(
            refusal(() => parseYamlInput(bomb, { field: "f.yaml" })),
            "f.yaml: does not parse as YAML: its aliases (*name) expand too far; write the values out",
        );
        const flow = `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}`;
        assert.equal(
            refusal(() => parseYamlInput(flow, { field: "f.yaml" })),
            `f.yaml: does not parse as YAML: nested deeper than ${MAX_INPUT_DEPTH} levels`,
        );
        const block = Array.from({ length: MAX_INPUT_DEPTH + 1 }, (_, depth) => `${"  ".repeat(depth)}k:`).join("\n");
        assert.equal(
            refusal(() => parseYamlInput(block, { field: "f.yaml" })),
            `f.yaml: nested deeper than ${MAX_INPUT_DEPTH} levels`,
        );
    });
});

describe("hostile input: reserved key names", () => {
    const names = ["__proto__", "constructor", "prototype"];

    it("refuses each reserved name as a key in every input, with the same words, and never touches a prototype", () => {
        for (const name of names) {
            const problem = `'${name}' ${RESERVED_KEY_PROBLEM}`;
            const cases: [string, () => unknown, string][] = [
                ["a config file, top level", () => readConfigText(`cloud: gcp\n${name}: {polluted: true}\n`, "c.yaml"), `c.yaml: ${problem}`],
                ["a config file, nested", () => readConfigText(`istio:\n  gateway:\n    ${name}: {polluted: true}\n`, "c.yaml"), `c.yaml: istio.gateway: ${problem}`],
                [
                    "a Pulumi stack file's key",
                    () => readConfigText(`config:\n  dualstack-istio:${name}: x\n`, "Pulumi.dev.yaml"),
                    `Pulumi.dev.yaml: config.dualstack-istio:${name}: ${problem}`,
                ],
                ["--set", () => applyOverrides({}, [`istio.${name}.polluted=true`]), `--set: ${problem}`],
                [
                    "a tenants file's defaults",
                    () => parseTenantsFile(`defaults:\n  ${name}: {polluted: true}\ntenants:\n  - name: a\n`, "t.yaml", "/"),
                    `t.yaml: defaults: ${problem}`,
                ],
                ["a tenant", () => parseTenantsFile(`tenants:\n  - name: a\n    ${name}: {polluted: true}\n`, "t.yaml", "/"), `t.yaml: tenants[0]: ${problem}`],
                ["Pulumi config's key", () => readPulumiConfig({ [`dualstack-istio:${name}`]: "x" }), `dualstack-istio:${name}: ${problem}`],
                ["Pulumi config's JSON", () => readPulumiConfig({ "dualstack-istio:istio": `{"${name}": {"polluted": true}}` }), `dualstack-istio:istio: ${problem}`],
                [
                    "a kubeconfig",
                    () => parseYamlInput(`users:\n  - name: u\n    user: {${name}: x}\n`, { field: "existing.kubeconfig" }),
                    `existing.kubeconfig: users[0].user: ${problem}`,
                ],
            ];
            for (const [where, action, expected] of cases) {
                assert.equal(refusal(action), expected, where);
            }
        }
        assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    });
});

describe("hostile input: paths", () => {
    let home: string | undefined;
    beforeEach(() => {
        home = process.env.HOME;
    });
    afterEach(() => {
        process.env.HOME = home;
    });

    it("expands ~ and anchors relative paths: at the --config file's folder, and at the working directory for --set", () => {
        const folder = scratch();
        process.env.HOME = path.join(folder, "home");
        fs.mkdirSync(path.join(folder, "home", ".kube"), { recursive: true });
        fs.mkdirSync(path.join(folder, "stacks", "kube"), { recursive: true });
        fs.writeFileSync(path.join(folder, "home", ".kube", "config"), kubeconfigText(["dev"]));
        fs.writeFileSync(path.join(folder, "stacks", "kube", "dev.yaml"), kubeconfigText(["dev"]));
        const config = path.join(folder, "stacks", "dev.yaml");
        const write = (kubeconfig: string) => fs.writeFileSync(config, stringify({ cloud: "existing", clusterName: "dev", kubernetesVersion: "1.33", existing: { kubeconfig } }));

        write("kube/dev.yaml");
        const fromFile = loadPlanConfig({ config });
        const kubeconfigOf = (config: ReturnType<typeof loadPlanConfig>) => (config as { existing: { kubeconfig: string } }).existing.kubeconfig;
        assert.equal(kubeconfigOf(fromFile), path.join(folder, "stacks", "kube", "dev.yaml"));
        write("~/.kube/config");
        const fromHome = loadPlanConfig({ config, set: ["istio.chartsDir=~/istio/charts"] });
        assert.equal(kubeconfigOf(fromHome), path.join(folder, "home", ".kube", "config"));
        assert.equal(fromHome.istio.chartsDir, path.join(folder, "home", "istio", "charts"));
        const fromFlag = loadPlanConfig({ config, set: ["istio.chartsDir=charts"] });
        assert.equal(fromFlag.istio.chartsDir, path.join(process.cwd(), "charts"));

        assert.equal(expandHome("~"), path.join(folder, "home"));
        assert.equal(expandHome("~other/x"), "~other/x");
        assert.equal(resolveInputPath("/abs", "/elsewhere"), "/abs");
    });
});

describe("hostile input: names that would break URNs", () => {
    it("refuses a stack name Pulumi would refuse and a cluster name that is not a resource name, on every cloud", async () => {
        for (const stack of ["a::b", "a b", "", "x".repeat(101), "dev\n"]) {
            assert.deepEqual(await runCli("plan", "--stack", stack), {
                status: 2,
                stdout: "",
                stderr: "error: --stack: expected a Pulumi stack name: 1 to 100 letters, digits, '-', '_' and '.'\n",
            });
        }
        const existing = { cloud: "existing", kubernetesVersion: "1.33", existing: { kubeconfig: "/nonexistent" } };
        for (const clusterName of ["a::b", "a\nb", "a$b", "-a", "x".repeat(101)]) {
            for (const document of [existing, { cloud: "gcp", region: "europe-west4", gcp: { project: "my-project" } }]) {
                assert.equal(
                    refusal(() => parseStackConfig({ ...document, clusterName })),
                    "clusterName: expected 1 to 100 letters, digits, '-', '_' and '.', starting with a letter or digit (it names the stack's resources)",
                );
            }
        }
    });
});
