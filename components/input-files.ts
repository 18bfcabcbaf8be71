import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { InputError } from "./errors";

const MIB = 1024 * 1024;

/**
 * The most any input file may hold. A file past its limit is refused before it is parsed, so
 * `/dev/zero`-like input or a runaway generator cannot grow memory without bound; the limits are
 * far above any real file of each kind (a 1,000-tenant fleet file is about 0.2 MiB).
 */
export const INPUT_LIMITS = {
    /** A stack config or Pulumi stack file (`plan --config`). */
    config: { bytes: 1 * MIB, what: "a config file" },
    /** A fleet's tenants file. */
    tenants: { bytes: 16 * MIB, what: "a tenants file" },
    /** A kubeconfig, as a file or inline. */
    kubeconfig: { bytes: 4 * MIB, what: "a kubeconfig" },
} as const satisfies Record<string, InputLimit>;

/** How much of one kind of input may be read, and its name in refusals. */
export interface InputLimit {
    readonly bytes: number;
    /** `a kubeconfig`: the kind, as the refusal names it. */
    readonly what: string;
}

/** `4 MiB`, `512 KiB`: a limit as people write it. */
export function formatBytes(bytes: number): string {
    return bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / 1024} KiB`;
}

/** Refuses text longer than its kind's limit (an inline kubeconfig, which never went through {@link readInputFile}). */
export function checkInputSize(text: string, limit: InputLimit, field: string): void {
    if (Buffer.byteLength(text, "utf8") > limit.bytes) {
        throw new InputError(field, `is larger than ${formatBytes(limit.bytes)}, the limit for ${limit.what}`);
    }
}

/**
 * Reads a regular file as UTF-8, at most `limit.bytes` of it; anything else is one
 * {@link InputError} on `field`: a missing or unreadable file, a folder, a FIFO, socket or
 * device (whose reads could block or never end), or a file past its limit. Reads are bounded
 * whatever the file claims its size is (procfs and the like report 0).
 */
export function readInputFile(path: string, field: string, limit: InputLimit): string {
    let descriptor: number;
    try {
        // Non-blocking, so that opening a FIFO with no writer returns at once (and is then refused).
        descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
        throw unreadable(path, field, error);
    }
    // A file named by its own path in errors (a tenants file) is not named twice.
    const subject = field === path ? "" : `${shownPath(path)} `;
    try {
        const kind = fileKind(fstatSync(descriptor));
        if (kind !== undefined) {
            throw new InputError(field, `${subject}is ${kind}, not a file; give a regular file`);
        }
        // One byte past the limit tells a file at the limit from a longer one.
        const buffer = Buffer.allocUnsafe(limit.bytes + 1);
        let length = 0;
        while (length < buffer.length) {
            const read = readSync(descriptor, buffer, length, buffer.length - length, null);
            if (read === 0) {
                break;
            }
            length += read;
        }
        if (length > limit.bytes) {
            throw new InputError(field, `${subject}is larger than ${formatBytes(limit.bytes)}, the limit for ${limit.what}`);
        }
        return buffer.toString("utf8", 0, length);
    } catch (error) {
        throw error instanceof InputError ? error : unreadable(path, field, error);
    } finally {
        closeSync(descriptor);
    }
}

function unreadable(path: string, field: string, error: unknown): InputError {
    return new InputError(field, field === path ? `cannot be read (${fileProblem(error)})` : `cannot read ${shownPath(path)} (${fileProblem(error)})`);
}

/** A path as errors show it: a very long one (content given where a path was expected) is cut short. */
function shownPath(path: string): string {
    return path.length > 200 ? `${path.slice(0, 60)}… (${path.length} characters)` : path;
}

function fileKind(stats: Stats): string | undefined {
    if (stats.isFile()) {
        return undefined;
    }
    if (stats.isDirectory()) {
        return "a folder";
    }
    if (stats.isFIFO()) {
        return "a FIFO";
    }
    if (stats.isSocket()) {
        return "a socket";
    }
    return "a device";
}

/** Why a file could not be read, in words: `no such file`, `is a folder`, `permission denied`, or the error code. */
export function fileProblem(error: unknown): string {
    switch ((error as NodeJS.ErrnoException).code) {
        case "ENOENT":
            return "no such file";
        case "EISDIR":
            return "is a folder";
        case "EACCES":
        case "EPERM":
            return "permission denied";
        case "ENOTDIR":
            return "a part of the path is not a folder";
        case "ELOOP":
            return "too many symbolic links";
        case "ENAMETOOLONG":
            return "the path is too long";
        default:
            return (error as NodeJS.ErrnoException).code ?? "cannot be read";
    }
}

/** `~` or `~/…` as the user's home folder; any other path as given. */
export function expandHome(path: string): string {
    return path === "~" || path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}

/**
 * A path from an input, as an absolute path: `~` is the home folder, and a relative path is
 * relative to `directory` (the folder of the file that holds it, or the working directory for a
 * flag), so a file means the same wherever it is used from.
 */
export function resolveInputPath(path: string, directory: string): string {
    const expanded = expandHome(path);
    return isAbsolute(expanded) ? expanded : resolve(directory, expanded);
}
