/** The first line of a `yaml` parse error, without the ` at line L, column C:` the message ends with. */
export function yamlProblem(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}
