import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../components/errors";
import { readInputFile, type InputLimit } from "../components/input-files";

/** The file in an `--out` folder listing what the plan wrote there, so a later run removes only its own stale files. */
export const PLAN_MANIFEST = ".dualstack-istio-plan.json";

// The staging folder is inside the --out folder rather than next to it: the folder may be a mount
// point (a container volume), where a rename from its parent fails with EXDEV, or writable when
// its parent is not.
/** How a run's staging folder inside the `--out` folder begins; then the process ID and random characters. */
export const STAGING_PREFIX = ".dualstack-istio-staging-";

/** A staging folder as mkdtemp names it: this version's `<pid>-XXXXXX`, or an earlier one's `XXXXXX`. */
const STAGING_NAME = /^\.dualstack-istio-staging-(?:(\d+)-)?[A-Za-z0-9]{6}$/;

const PROBE_PREFIX = ".dualstack-istio-probe-";

/**
 * The most a manifest may hold. It lists about 8 files a tenant, so a 10,000-tenant fleet's is
 * about 4 MiB; a larger one is not a plan's and is refused before it is parsed.
 */
export const MANIFEST_LIMIT: InputLimit = { bytes: 16 * 1024 * 1024, what: "a plan manifest" };

type Interrupt = "SIGINT" | "SIGTERM" | "SIGHUP";

/** The signals that end a run early; while a run writes `--out`, each first removes its staging folder. */
const INTERRUPTS: readonly Interrupt[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Where {@link PlanOutput.write} hears signals and how it ends the process on one; the process's own by default. */
export interface InterruptOptions {
    readonly source?: Pick<NodeJS.EventEmitter, "on" | "off">;
    /** Called with 128 + the signal's number (130 for SIGINT) once the run is cleaned up. */
    readonly exit?: (code: number) => void;
}

/** The staging folders this process is writing, so that committing one never removes another as stale. */
const liveStaging = new Set<string>();

const REASONS: Readonly<Record<string, string>> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EEXIST: "a file is in the way",
    ENOTDIR: "a file is in the way of a folder",
    EISDIR: "a folder is in the way of a file",
    ENOENT: "no such file or folder",
    ELOOP: "too many symbolic links",
    ENAMETOOLONG: "a path is too long",
};

/**
 * A file system error met while writing `--out`, as the one-line refusal of `--out` naming
 * `place` (`cannot write to out: read-only file system`); any other error as it is.
 */
export function outError(error: unknown, place: string): unknown {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return typeof code === "string" ? new InputError("--out", `cannot write to ${place}: ${REASONS[code] ?? code}`) : error;
}

function mapped<T>(place: string, action: () => T): T {
    try {
        return action();
    } catch (error) {
        throw outError(error, place);
    }
}

/** What is at a path, without following a link there; `undefined` when nothing is. */
function entryAt(path: string): Stats | undefined {
    try {
        return lstatSync(path);
    } catch (error) {
        // Nothing there, or a file on the way (refused where it matters).
        if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) {
            return undefined;
        }
        throw error;
    }
}

function refuseLink(folder: string, out: string): void {
    if (entryAt(folder)?.isSymbolicLink()) {
        throw new InputError("--out", `${out} is a symbolic link; give the folder it points to (a plan is never written through a link)`);
    }
}

/**
 * Writes files into a staging folder that {@link PlanOutput.write} handed out, under
 * `subfolder` (a tenant's name) if given. Runs in any thread; a file system error is a refusal of
 * `--out` naming the output folder.
 */
export function stageFiles(staging: string, files: ReadonlyMap<string, string>, subfolder = ""): void {
    mapped(dirname(staging), () => {
        // One level at a time, never the staging folder itself: once an interrupted run removed
        // it, a worker lane still writing fails instead of making it again.
        let folder = staging;
        for (const segment of subfolder.split("/").filter((part) => part !== "")) {
            folder = join(folder, segment);
            if (entryAt(folder) === undefined) {
                mkdirSync(folder);
            }
        }
        for (const [name, content] of files) {
            // "wx": a fresh file in a folder only this run writes; never an existing file or a link.
            writeFileSync(join(folder, name), content, { flag: "wx" });
        }
    });
}

/**
 * The `--out` folder of `plan` and `fleet plan`. It is checked before anything is planned, and a
 * run's files are staged in a fresh folder inside it and moved into place (one rename each) only
 * once the whole run succeeded, so a failed run leaves the previous output as it was. The plan
 * owns what it wrote there ({@link PLAN_MANIFEST}): the next run removes those files (and the
 * folders they leave empty) that it no longer writes, and nothing else. Nothing is written
 * through a symbolic link: a link as the folder, or where the plan writes a folder, is refused;
 * a link where it writes a file is replaced by the file. A run killed while it wrote (SIGKILL, a
 * crash) leaves its staging folder; the next successful run removes it.
 */
export class PlanOutput {
    /** The folder, resolved. */
    private readonly folder: string;
    /** The folder as given, for messages. */
    private readonly out: string;
    /** The files the previous run wrote, relative to the folder. */
    private readonly owned: readonly string[];

    private constructor(folder: string, out: string, owned: readonly string[]) {
        this.folder = folder;
        this.out = out;
        this.owned = owned;
    }

    /**
     * Checks `--out` without leaving anything behind: not empty, not a file or a link, and a
     * folder can be made in it (or in its nearest existing parent); reads what a previous run
     * wrote there. Throws an {@link InputError} on `--out`.
     */
    static check(out: string): PlanOutput {
        if (out === "") {
            throw new InputError("--out", "is empty; give the folder to write the plan into");
        }
        const folder = resolve(out);
        const found = mapped(out, () => {
            refuseLink(folder, out);
            return entryAt(folder);
        });
        if (found !== undefined && !found.isDirectory()) {
            throw new InputError("--out", `${out} is a file; give a folder`);
        }
        const parent = found ? folder : nearestFolder(folder, out);
        mapped(found ? out : parent, () => rmdirSync(mkdtempSync(join(parent, PROBE_PREFIX))));
        return new PlanOutput(folder, out, found ? readManifest(folder, out) : []);
    }

    /**
     * Runs `produce` with a fresh staging folder to write the output into (see {@link stageFiles});
     * when it succeeds, moves every file into place, removes the stale ones (and the staging folders
     * of killed runs) and records what was written. On any failure, or SIGINT, SIGTERM or SIGHUP
     * before it settles, the staging folder and the folders this run created, while empty, are
     * removed and the previous output is left as it was; a signal then ends the process with 128 +
     * its number (130 for SIGINT). `produce` must have stopped writing when it settles.
     */
    async write<T>(produce: (staging: string) => T | Promise<T>, interrupts: InterruptOptions = {}): Promise<T> {
        const created = mapped(this.out, () => {
            const first = mkdirSync(this.folder, { recursive: true });
            refuseLink(this.folder, this.out);
            return first;
        });
        const staging = mapped(this.out, () => mkdtempSync(join(this.folder, `${STAGING_PREFIX}${process.pid}-`)));
        liveStaging.add(staging);
        let committed = false;
        let interrupted: Interrupt | undefined;
        const discard = (remove: (folder: string) => void) => {
            remove(staging);
            if (!committed && created !== undefined) {
                removeEmptyFolders(this.folder, created);
            }
        };
        const stopListening = exitOnInterrupt(interrupts, (signal) => {
            interrupted = signal;
            discard(removeStaging);
        });
        try {
            const result = await produce(staging);
            if (interrupted !== undefined) {
                // Only reached when the exit given returned (a test's): the output is gone, nothing is committed.
                throw new Error(`cancelled by ${interrupted}`);
            }
            mapped(this.out, () => this.commit(staging));
            committed = true;
            removeStaleStaging(this.folder);
            return result;
        } finally {
            stopListening();
            liveStaging.delete(staging);
            discard((folder) => mapped(this.out, () => rmSync(folder, { recursive: true, force: true })));
        }
    }

    private commit(staging: string): void {
        const files = filesUnder(staging).sort();
        writeFileSync(join(staging, PLAN_MANIFEST), `${JSON.stringify({ files }, null, 2)}\n`, { flag: "wx" });
        this.checkPlaces(files);
        for (const file of files) {
            mkdirSync(dirname(join(this.folder, file)), { recursive: true });
            renameSync(join(staging, file), join(this.folder, file));
        }
        const written = new Set(files);
        this.prune(this.owned.filter((file) => !written.has(file)));
        renameSync(join(staging, PLAN_MANIFEST), join(this.folder, PLAN_MANIFEST));
    }

    /** Refuses, before anything is moved, a place taken by something the plan cannot replace. */
    private checkPlaces(files: readonly string[]): void {
        for (const folder of new Set(files.flatMap(folderPrefixes))) {
            const found = entryAt(join(this.folder, folder));
            if (found !== undefined && !found.isDirectory()) {
                throw new InputError("--out", `${join(this.out, folder)} is ${found.isSymbolicLink() ? "a symbolic link" : "a file"}; the plan writes a folder there`);
            }
        }
        for (const file of files) {
            if (entryAt(join(this.folder, file))?.isDirectory()) {
                throw new InputError("--out", `${join(this.out, file)} is a folder; the plan writes a file there`);
            }
        }
    }

    /** Removes the files of an earlier run that this run did not write, then the folders they leave empty. */
    private prune(stale: readonly string[]): void {
        const emptied = new Set<string>();
        for (const file of stale) {
            const folders = folderPrefixes(file);
            // Only through real folders: a link put in the way later is not followed.
            if (folders.some((folder) => !entryAt(join(this.folder, folder))?.isDirectory())) {
                continue;
            }
            const found = entryAt(join(this.folder, file));
            if (found !== undefined && !found.isDirectory()) {
                unlinkSync(join(this.folder, file));
            }
            folders.forEach((folder) => emptied.add(folder));
        }
        for (const folder of [...emptied].sort((a, b) => b.length - a.length)) {
            try {
                rmdirSync(join(this.folder, folder));
            } catch (error) {
                // Still holding files: this run's, or the user's.
                if (!["ENOTEMPTY", "EEXIST", "ENOENT"].includes((error as NodeJS.ErrnoException).code ?? "")) {
                    throw error;
                }
            }
        }
    }
}

/** The nearest existing parent of a folder to be made; refused when it is not a folder. */
function nearestFolder(folder: string, out: string): string {
    for (let parent = dirname(folder); ; parent = dirname(parent)) {
        const found = mapped(out, () => {
            try {
                return statSync(parent);
            } catch (error) {
                // A missing parent, or one under a file (found further up).
                if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "") && dirname(parent) !== parent) {
                    return undefined;
                }
                throw error;
            }
        });
        if (found?.isDirectory()) {
            return parent;
        }
        if (found !== undefined) {
            throw new InputError("--out", `cannot create ${out}: ${parent} is a file`);
        }
    }
}

/** `a/b/c` → `a`, `a/b`: the folders on the way to a file. */
function folderPrefixes(file: string): string[] {
    const segments = file.split("/");
    return segments.slice(1).map((_, index) => segments.slice(0, index + 1).join("/"));
}

/** Every file under a folder, as `/`-separated paths relative to it. */
function filesUnder(root: string, prefix = ""): string[] {
    return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
        const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
        return entry.isDirectory() ? filesUnder(root, path) : [path];
    });
}

/** A path the manifest may list: relative, inside the folder. */
function isOwnPath(path: unknown): path is string {
    return typeof path === "string" && !isAbsolute(path) && !path.includes("\\") && path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** The files a previous run wrote into a folder, from its manifest; none when there is none. */
function readManifest(folder: string, out: string): string[] {
    const path = join(folder, PLAN_MANIFEST);
    const shown = join(out, PLAN_MANIFEST);
    const found = mapped(out, () => entryAt(path));
    if (found === undefined) {
        return [];
    }
    if (found.isSymbolicLink()) {
        throw new InputError("--out", `${shown} is a symbolic link; remove it and run again (a plan's list of its files is never read through a link)`);
    }
    const text = readInputFile(shown, "--out", MANIFEST_LIMIT);
    let files: unknown;
    try {
        files = (JSON.parse(text) as { files?: unknown }).files;
    } catch {
        files = undefined;
    }
    if (!Array.isArray(files) || !files.every(isOwnPath)) {
        throw new InputError("--out", `${shown} is not a plan's list of its files; remove it and run again`);
    }
    return files;
}

/** Removes the folder a failed run created, and the parents it created with it, while empty. */
function removeEmptyFolders(folder: string, created: string): void {
    for (let current = folder; ; current = dirname(current)) {
        try {
            rmdirSync(current);
        } catch {
            return;
        }
        if (current === created || dirname(current) === current) {
            return;
        }
    }
}

/**
 * Listens for {@link INTERRUPTS} until the returned function is called: on one, runs `cleanUp`
 * and ends the process with 128 + the signal's number, even when cleaning up failed.
 */
function exitOnInterrupt(options: InterruptOptions, cleanUp: (signal: Interrupt) => void): () => void {
    const source = options.source ?? process;
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const listeners = INTERRUPTS.map((signal) => {
        const listener = () => {
            try {
                cleanUp(signal);
            } finally {
                exit(128 + osConstants.signals[signal]);
            }
        };
        source.on(signal, listener);
        return { signal, listener };
    });
    return () => listeners.forEach(({ signal, listener }) => source.off(signal, listener));
}

/**
 * Removes from a folder the staging folders of runs killed while they wrote: named as mkdtemp
 * names one, a real folder (never a link), and of no run still writing (a live process, or this
 * process's own). One that cannot be removed is left for a later run: this one has succeeded.
 */
function removeStaleStaging(folder: string): void {
    for (const name of readdirSync(folder)) {
        const owner = STAGING_NAME.exec(name);
        const path = join(folder, name);
        try {
            if (owner !== null && !liveStaging.has(path) && !(owner[1] !== undefined && isOtherLiveProcess(Number(owner[1]))) && entryAt(path)?.isDirectory()) {
                rmSync(path, { recursive: true, force: true });
            }
        } catch {
            // Another user's, or in use: not a failure of this run.
        }
    }
}

/** Removes a staging folder that worker lanes may still be writing into (they cannot make it again, see {@link stageFiles}). */
function removeStaging(staging: string): void {
    for (let attempt = 0; attempt < 100 && entryAt(staging) !== undefined; attempt++) {
        try {
            rmSync(staging, { recursive: true, force: true });
        } catch {
            // A lane added an entry while it was being emptied (ENOTEMPTY): empty it again.
        }
    }
}

/** Whether a process other than this one runs with this ID (one of another user's included). */
function isOtherLiveProcess(pid: number): boolean {
    try {
        return pid !== process.pid && process.kill(pid, 0);
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}
