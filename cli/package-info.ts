import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** This package's version, from its package.json (found from the source and from `dist/` alike). */
export function packageVersion(): string {
    for (let directory = __dirname; ; directory = dirname(directory)) {
        const manifest = join(directory, "package.json");
        if (existsSync(manifest)) {
            return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "unknown";
        }
        if (dirname(directory) === directory) {
            return "unknown";
        }
    }
}
