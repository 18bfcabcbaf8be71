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
 */
export async function runCli(...args: string[]): Promise<CliRun> {
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
    }
}
