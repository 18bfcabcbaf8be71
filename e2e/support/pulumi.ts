import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { REPO_ROOT, type E2eTools } from "./tools";

/** A bound on one `pulumi` command (or fleet run), so that a hung engine fails its step instead of hanging CI. */
export const PULUMI_TIMEOUT_MS = 15 * 60_000;

/** What one `pulumi` command printed. */
export interface PulumiOutput {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** The environment every real `pulumi` of the suite runs in: a private home, no network, no prompts. */
export function pulumiEnvironment(tools: E2eTools, home: string, backend: string): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PATH: [...tools.binDirs, process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: backend,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        NO_COLOR: "1",
    };
}

/**
 * The lines of a failed `pulumi` run that say why: its diagnostics (the engine's and the
 * provider's errors), not the progress table.
 */
export function engineErrors(output: string): string {
    const lines = output.split("\n");
    const start = lines.findIndex((line) => /^Diagnostics:/.test(line));
    const picked = start >= 0 ? lines.slice(start, start + 40) : lines.filter((line) => /error/i.test(line)).slice(0, 40);
    return picked.join("\n").trim() || lines.slice(-20).join("\n");
}

/** Runs `pulumi ARGS` in `dir`, non-interactive; throws with the engine's errors when the exit code is not `expect`. */
export function runPulumi(tools: E2eTools, dir: string, env: NodeJS.ProcessEnv, args: readonly string[], expect = 0): PulumiOutput {
    const result = spawnSync(tools.pulumi, [...args, "--non-interactive"], {
        cwd: dir,
        env,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: PULUMI_TIMEOUT_MS,
    });
    const output = { status: result.status, stdout: result.stdout, stderr: result.stderr };
    if (result.error) {
        throw new Error(`pulumi ${args.join(" ")}: ${result.error.message}`);
    }
    if (result.status !== expect) {
        throw new Error(`pulumi ${args.join(" ")} exited ${result.status} (expected ${expect}):\n${engineErrors(`${result.stdout}\n${result.stderr}`)}`);
    }
    return output;
}

/**
 * The repository's root program (Pulumi.yaml, program/index.ts) in a folder of its own, so that a
 * stack's files stay out of the checkout: the folder links to the real program, package and
 * node_modules, and holds only Pulumi.<stack>.yaml.
 */
export class RootProject {
    readonly tools: E2eTools;
    readonly stack: string;
    /** The folder that holds the project, its state and its Pulumi home; {@link remove} deletes it. */
    readonly work: string;
    readonly dir: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(tools: E2eTools, stack: string) {
        this.tools = tools;
        this.stack = stack;
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "dualstack-e2e-"));
        this.work = work;
        this.dir = path.join(work, "project");
        fs.mkdirSync(this.dir, { recursive: true });
        for (const entry of ["Pulumi.yaml", "program", "components", "engine", "node_modules", "package.json", "tsconfig.json"]) {
            fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(this.dir, entry));
        }
        fs.mkdirSync(path.join(work, "state"), { recursive: true });
        this.env = pulumiEnvironment(tools, path.join(work, "pulumi-home"), `file://${path.join(work, "state")}`);
    }

    /** Runs `pulumi ARGS` in the project; throws with the engine's errors when the exit code is not `expect`. */
    pulumi(args: readonly string[], expect = 0): PulumiOutput {
        return runPulumi(this.tools, this.dir, this.env, args, expect);
    }

    /** Creates the stack and writes its config (the root program's keys, without the project prefix). */
    init(config: Record<string, unknown>): void {
        this.pulumi(["stack", "init", this.stack]);
        this.setConfig(config);
    }

    /** Replaces the stack's config, keeping what `stack init` wrote (the secrets salt). */
    setConfig(config: Record<string, unknown>): void {
        const file = path.join(this.dir, `Pulumi.${this.stack}.yaml`);
        const existing = (fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) : {}) as Record<string, unknown> | null;
        const prefixed = Object.fromEntries(Object.entries(config).map(([key, value]) => [`dualstack-istio:${key}`, value]));
        fs.writeFileSync(file, YAML.stringify({ ...(existing ?? {}), config: prefixed }));
    }

    /** Deletes the project's folder (its state and Pulumi home with it). */
    remove(): void {
        fs.rmSync(this.work, { recursive: true, force: true });
    }
}
