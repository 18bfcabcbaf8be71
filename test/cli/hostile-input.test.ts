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
import { planStack } from "../../program/stack-plan";
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
            `f.yaml: does not parse as YAML: nested deeper than ${MAX_INPUT_DEPTH} levels`,
        );
        // JSON from Pulumi config has no YAML parse before it; the same limit holds.
        const json = `${"[".repeat(MAX_INPUT_DEPTH + 1)}${"]".repeat(MAX_INPUT_DEPTH + 1)}`;
        assert.equal(
            refusal(() => readPulumiConfig({ "dualstack-istio:istio": `{"a": ${json}}` })),
            `dualstack-istio:istio: nested deeper than ${MAX_INPUT_DEPTH} levels`,
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

describe("hostile input: found by review", () => {
    it("refuses a key that is a list, map or alias, an alias with no anchor, and block nesting, each in one line", () => {
        const cases: [string, string][] = [
            ["a: 1\n? [a, b]\n: x\n", "f.yaml: does not parse as YAML (line 2): a key is a list, a map or an alias; keys are plain text"],
            ["a: &x k\n*x : 2\n", "f.yaml: does not parse as YAML (line 2): a key is a list, a map or an alias; keys are plain text"],
            ["clusterName: *nope\n", "f.yaml: does not parse as YAML: Unresolved alias (the anchor must be set before the alias): nope"],
            [`${"- ".repeat(100_000)}x`, `f.yaml: does not parse as YAML: nested deeper than ${MAX_INPUT_DEPTH} levels`],
        ];
        for (const [text, expected] of cases) {
            assert.equal(
                refusal(() => parseYamlInput(text, { field: "f.yaml" })),
                expected,
            );
        }
    });

    it("refuses a kubeconfig whose server URL carries a credential, without repeating it", () => {
        const kubeconfig = kubeconfigText(["dev"]).replace("https://127.0.0.1:6443", "https://admin:HUNTER2PW@10.0.0.1:6443");
        const message = refusal(() => selectKubeconfig(kubeconfig, undefined, "existing.kubeconfig", "existing.context"));
        assert.equal(
            message,
            "existing.kubeconfig: the server of context 'dev' in the kubeconfig carries a credential (a user or password before the host, not repeated here); keep secrets out of URLs: give the user's token or client certificate under users:, not in the server URL",
        );
        const query = kubeconfigText(["dev"]).replace("https://127.0.0.1:6443", "https://10.0.0.1:6443?token=QTOKEN");
        assert.doesNotMatch(
            refusal(() => selectKubeconfig(query, undefined, "existing.kubeconfig", "existing.context")),
            /QTOKEN/,
        );
    });

    it("takes a one-line kubeconfig for content, not a path, so a failed read never echoes its token", () => {
        const oneLine = "clusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}], users: [{name: u, user: {token: SEKRET}}]";
        assert.doesNotMatch(
            refusal(() => selectKubeconfig(oneLine, undefined, "existing.kubeconfig", "existing.context")),
            /SEKRET/,
        );
        assert.doesNotMatch(
            refusal(() => selectKubeconfig(`/x/${"y".repeat(300)}`, undefined, "k", "c")),
            /y{100}/,
        );
    });

    it("bounds node counts, reads --set paths through own keys only, and names a Kubernetes 2.x as unknown", () => {
        const base = { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "my-project" } };
        assert.equal(
            refusal(() => parseStackConfig({ ...base, nodes: { maxCount: 9007199254740991 } })),
            "nodes.maxCount: must be 15000 or less, got 9007199254740991",
        );
        assert.deepEqual(applyOverrides({}, ["toString.a=1"]), { toString: { a: "1" } });
        assert.equal(
            refusal(() => loadPlanConfig({ set: ["toString.a=1"] })),
            "toString: unknown key; allowed: cloud, clusterName, region, kubernetesVersion, gcp, aws, azure, existing, network, nodes, istio",
        );
        assert.equal(
            refusal(() => planStack(loadPlanConfig({ set: ["kubernetesVersion=2.0"] }))),
            "kubernetesVersion: Kubernetes 2.0 is not a release this package knows; Kubernetes versions are 1.x (1.23 or newer for dual-stack Services)",
        );
    });
});
