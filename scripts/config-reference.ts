// npm run docs: rewrites the README's generated sections: the config reference from the config
// schema, the CIS tables from each cloud's controls, and the mode table from the planner.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { CLOUDS } from "../components/config/clouds";
import { configReferenceTable } from "../components/config/reference";
import { cisTable } from "../components/target/cis";
import { modeTable } from "./mode-table";

export const README = resolve(__dirname, "../README.md");
export const START = "<!-- config-reference:start (npm run docs) -->";
export const END = "<!-- config-reference:end -->";
export const CIS_START = "<!-- cis-controls:start (npm run docs) -->";
export const CIS_END = "<!-- cis-controls:end -->";
export const MODES_START = "<!-- mode-table:start (npm run docs) -->";
export const MODES_END = "<!-- mode-table:end -->";

/** `readme` with the text between `start` and `end` replaced by `content`. */
function replaceSection(readme: string, start: string, end: string, content: string): string {
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    if (from < 0 || to < from) {
        throw new Error(`README.md has no ${start} … ${end} section`);
    }
    return `${readme.slice(0, from + start.length)}\n${content}\n${readme.slice(to)}`;
}

/** Every cloud's CIS benchmark: its name, source, and table of controls. */
export function cisReference(): string {
    return CLOUDS.flatMap((cloud) =>
        cloud.cis === undefined ? [] : [`**${cloud.title}: ${cloud.cis.name}** (numbers and titles from [kube-bench](${cloud.cis.source}))\n\n${cisTable(cloud.cis)}`],
    ).join("\n\n");
}

/** The README with its generated sections replaced by what the code generates. */
export function withConfigReference(readme: string): string {
    return replaceSection(replaceSection(replaceSection(readme, START, END, configReferenceTable()), CIS_START, CIS_END, cisReference()), MODES_START, MODES_END, modeTable());
}

if (require.main === module) {
    writeFileSync(README, withConfigReference(readFileSync(README, "utf8")));
}
