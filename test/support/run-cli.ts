import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";

/** The compiled bin, as `npm test` builds it: what tests that need a process of their own spawn. */
export const CLI_BIN = path.resolve(__dirname, "../../dist/cli/bin.js");

/** What one in-process run of the CLI printed and returned. */
export interface CliRun {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs the CLI's `main()` in this process with its output captured: the same code path as the
 * bin without a process start each time. Tests of exit codes on signals still spawn the bin.
 * Its stderr is not a terminal, as for a spawned CLI whose output is read, even when the test
 * runner's own stderr is one.
 */
export function runCli(...args: string[]): Promise<CliRun> {
    return runCliOnTerminal(false, ...args);
}

/** {@link runCli} with stderr playing a terminal (`true`: progress and colour on) or not. */
export async function runCliOnTerminal(tty: boolean, ...args: string[]): Promise<CliRun> {
    const isTTY = process.stderr.isTTY;
    process.stderr.isTTY = tty;
    let stdout = "";
    let stderr = "";
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = (chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
    };
    process.stderr.write = (chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
    };
    try {
        const status = await main(args);
        return { status, stdout, stderr };
    } finally {
        process.stdout.write = writeOut;
        process.stderr.write = writeErr;
        process.stderr.isTTY = isTTY;
    }
}

/**
 * Runs the compiled bin in a process of its own, in this process's working folder, with `env` on
 * top of this process's environment, and Node's own `nodeArgs` before the bin. For what only a
 * process shows: a variable read once at start, what it loads, lanes of compiled workers.
 */
export function runBin(args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): CliRun {
    const result = spawnSync(process.execPath, [...nodeArgs, CLI_BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A spawned run of the bin, with every module file the process loaded for real: its main thread's, and each worker thread's. */
export interface BinRun extends CliRun {
    readonly loaded: readonly string[];
    readonly workersLoaded: readonly (readonly string[])[];
}

/**
 * Spawns the compiled bin with a probe preloaded that lists the modules it loaded for real: the
 * main thread's as the process exits, and each worker thread's (the probe preloads itself into
 * every worker the bin starts) each time the worker answers. The bin's stand-ins for deferred SDK
 * modules sit in `require.cache` unloaded, and the bin's own `isLoaded` (cli/deferred-modules.ts)
 * tells them apart. What a process loads can only be seen in a process of its own.
 */
export function binLoads(args: readonly string[], env: NodeJS.ProcessEnv = {}): BinRun {
    const folder = mkdtempSync(path.join(tmpdir(), "bin-loads-"));
    const probe = path.join(folder, "probe.js");
    const deferredModules = path.join(path.dirname(CLI_BIN), "deferred-modules.js");
    writeFileSync(
        probe,
        `const { isMainThread, parentPort, threadId } = require("node:worker_threads");
        const write = () => require("node:fs").writeFileSync(
            require("node:path").join(${JSON.stringify(folder)}, \`loaded-\${threadId}.json\`),
            JSON.stringify(Object.keys(require.cache).filter(require(${JSON.stringify(deferredModules)}).isLoaded)),
        );
        if (isMainThread) {
            process.on("exit", write);
            const threads = require("node:worker_threads");
            const { Worker } = threads;
            threads.Worker = class extends Worker {
                constructor(file, options = {}) {
                    super(file, { ...options, execArgv: [...(options.execArgv ?? []), "-r", ${JSON.stringify(probe)}] });
                }
            };
        } else {
            const post = parentPort.postMessage.bind(parentPort);
            parentPort.postMessage = (message) => (write(), post(message));
        }\n`,
    );
    const run = runBin(args, env, ["-r", probe]);
    const loadedBy = (thread: string) => JSON.parse(readFileSync(path.join(folder, thread), "utf8")) as string[];
    const workers = readdirSync(folder).filter((name) => /^loaded-[1-9]\d*\.json$/.test(name));
    return { ...run, loaded: loadedBy("loaded-0.json"), workersLoaded: workers.map(loadedBy) };
}

/** The packages among module files, by name (`@pulumi/gcp`, `typescript`), each once, in load order. */
export function packagesOf(files: readonly string[]): string[] {
    return [
        ...new Set(
            files.map((file) => /.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file)?.[1]?.replace("\\", "/")).filter((name): name is string => name !== undefined),
        ),
    ];
}
