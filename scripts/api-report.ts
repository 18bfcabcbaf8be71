// The public API report: each package entry point's surface, as API Extractor reads it from the
// built declarations, in api/<entry>.api.md.
//
//   npm run api          rewrite the reports after an intended change of the surface
//   npm run api -- --check  fail when the surface differs from the reports (the test does this)
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";

const ROOT = resolve(__dirname, "..");

/**
 * Each public entry point: its name in the reports and its declaration file in dist/. An export
 * with types alone (the two TypeScript sources provider/ infers its schema from) is not one.
 */
export const API_ENTRY_POINTS: readonly { readonly name: string; readonly declarations: string }[] = publicEntryPoints();

function publicEntryPoints(): { name: string; declarations: string }[] {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string | { types?: string; default?: string }> };
    return Object.entries(manifest.exports).flatMap(([subpath, target]) =>
        typeof target === "object" && target.types && target.default
            ? [{ name: subpath === "." ? "index" : subpath.replace(/^\.\//, ""), declarations: join(ROOT, target.types) }]
            : [],
    );
}

function extractorConfig(entry: { name: string; declarations: string }): ExtractorConfig {
    return ExtractorConfig.prepare({
        configObject: {
            projectFolder: ROOT,
            mainEntryPointFilePath: entry.declarations,
            compiler: { tsconfigFilePath: join(ROOT, "tsconfig.json") },
            apiReport: { enabled: true, reportFolder: join(ROOT, "api"), reportTempFolder: join(ROOT, "dist/api"), reportFileName: `${entry.name}.api.md` },
            docModel: { enabled: false },
            dtsRollup: { enabled: false },
            tsdocMetadata: { enabled: false },
            messages: {
                // The report records what is public; these would only repeat it as warnings.
                extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
                compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
                tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
            },
        },
        configObjectFullPath: join(ROOT, "api", `${entry.name}.json`),
        packageJsonFullPath: join(ROOT, "package.json"),
    });
}

/**
 * Compares (or, with `update`, rewrites) every entry point's report; returns the differences
 * found. One compiler reads the declarations once for all of them.
 */
export function checkApiReports(update: boolean): string[] {
    mkdirSync(join(ROOT, "api"), { recursive: true });
    const configs = API_ENTRY_POINTS.map((entry) => ({ entry, config: extractorConfig(entry) }));
    const compilerState = CompilerState.create(configs[0].config, { additionalEntryPoints: API_ENTRY_POINTS.map((entry) => entry.declarations) });
    return configs.flatMap(({ entry, config }) => checkApiReport(entry, config, compilerState, update));
}

function checkApiReport(entry: { name: string; declarations: string }, config: ExtractorConfig, compilerState: CompilerState, update: boolean): string[] {
    const problems: string[] = [];
    const result = Extractor.invoke(config, {
        compilerState,
        localBuild: update,
        messageCallback: (message) => {
            if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
                problems.push(message.text);
            }
            message.handled = true;
        },
    });
    if (result.apiReportChanged && !update) {
        problems.push(`api/${entry.name}.api.md differs from the surface of ${relative(ROOT, entry.declarations)}; run npm run api if the change is intended`);
    }
    return problems;
}

function main(): void {
    const update = !process.argv.includes("--check");
    const problems = checkApiReports(update);
    for (const problem of problems) {
        process.stderr.write(`${problem}\n`);
    }
    process.exitCode = problems.length > 0 ? 1 : 0;
}

if (require.main === module) {
    main();
}
