import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PlanOutput, STAGING_PREFIX, stageFiles } from "../../cli/plan-output";
import { InputError } from "../../components/errors";

/** A new empty folder under the system's temporary folder. */
export function tempFolder(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Every entry under a folder (hidden ones too), by `/`-separated relative path: a file's text, a
 * link as `-> target` (never followed), and with `folders` each folder as `/`.
 */
export function folderEntries(folder: string, options: { readonly folders?: boolean } = {}, prefix = ""): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const entry of fs.readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
        const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
        const full = path.join(folder, relative);
        if (entry.isSymbolicLink()) {
            entries[relative] = `-> ${fs.readlinkSync(full)}`;
        } else if (entry.isDirectory()) {
            Object.assign(entries, options.folders ? { [relative]: "/" } : {}, folderEntries(folder, options, relative));
        } else {
            entries[relative] = fs.readFileSync(full, "utf8");
        }
    }
    return entries;
}

/** What is left of runs' staging folders in a folder (nothing when the folder is gone). */
export function stagingLeft(folder: string): string[] {
    return fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.startsWith(STAGING_PREFIX)) : [];
}

/** Writes files (by relative path) into `out` as one run. */
export function writeFiles(out: string, files: Record<string, string>): Promise<void> {
    return PlanOutput.check(out).write((staging) => {
        for (const [file, content] of Object.entries(files)) {
            stageFiles(staging, new Map([[path.basename(file), content]]), path.dirname(file) === "." ? "" : path.dirname(file));
        }
    });
}

/** The message of the {@link InputError} `action` throws, or `(accepted)`. */
export function refusalOf(action: () => unknown): string {
    try {
        action();
    } catch (error) {
        assert.ok(error instanceof InputError, String(error));
        return error.message;
    }
    return "(accepted)";
}
