/** Why a file could not be read, in words: `no such file`, `is a directory`, or the error code. */
export function fileProblem(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "cannot be read");
}

/** The first line of a `yaml` parse error, without the ` at line L, column C:` the message ends with. */
export function yamlProblem(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}
