import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../components/errors";

/** The file in an `--out` folder listing what the plan wrote there, so a later run removes only its own stale files. */
export const PLAN_MANIFEST = ".dualstack-istio-plan.json";

// The staging folder is inside the --out folder rather than next to it: the folder may be a mount
// point (a container volume), where a rename from its parent fails with EXDEV, or writable when
// its parent is not.
/** How a run's staging folder inside the `--out` folder begins; the rest is random. */
export const STAGING_PREFIX = ".dualstack-istio-staging-";

const PROBE_PREFIX = ".dualstack-istio-probe-";

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
        const folder = join(staging, subfolder);
        mkdirSync(folder, { recursive: true });
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
 * a link where it writes a file is replaced by the file.
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
     * Runs `produce` with a fresh staging folder to write the output into (see
     * {@link stageFiles}); when it succeeds, moves every file into place, removes the stale ones
     * and records what was written. On any failure the staging folder is removed and the previous
     * output is left as it was (and a folder this run created, empty, is removed). `produce` must
     * have stopped writing when it settles.
     */
    async write<T>(produce: (staging: string) => T | Promise<T>): Promise<T> {
        const created = mapped(this.out, () => {
            const first = mkdirSync(this.folder, { recursive: true });
            refuseLink(this.folder, this.out);
            return first;
        });
        const staging = mapped(this.out, () => mkdtempSync(join(this.folder, STAGING_PREFIX)));
        let committed = false;
        try {
            const result = await produce(staging);
            mapped(this.out, () => this.commit(staging));
            committed = true;
            return result;
        } finally {
            mapped(this.out, () => rmSync(staging, { recursive: true, force: true }));
            if (!committed && created !== undefined) {
                removeEmptyFolders(this.folder, created);
            }
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
    const found = mapped(out, () => entryAt(path));
    if (found === undefined) {
        return [];
    }
    const text = found.isFile() ? mapped(out, () => readFileSync(path, "utf8")) : "";
    let files: unknown;
    try {
        files = (JSON.parse(text) as { files?: unknown }).files;
    } catch {
        files = undefined;
    }
    if (!Array.isArray(files) || !files.every(isOwnPath)) {
        throw new InputError("--out", `${join(out, PLAN_MANIFEST)} is not a plan's list of its files; remove it and run again`);
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
