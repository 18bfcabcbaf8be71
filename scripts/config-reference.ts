// npm run docs: rewrites the README's config reference from the config schema.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { configReferenceTable } from "../components/config/reference";

export const README = resolve(__dirname, "../README.md");
export const START = "<!-- config-reference:start (npm run docs) -->";
export const END = "<!-- config-reference:end -->";

/** The README with its config reference replaced by the schema's. */
export function withConfigReference(readme: string): string {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) {
        throw new Error(`README.md has no ${START} … ${END} section`);
    }
    return `${readme.slice(0, start + START.length)}\n${configReferenceTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
    writeFileSync(README, withConfigReference(readFileSync(README, "utf8")));
}
