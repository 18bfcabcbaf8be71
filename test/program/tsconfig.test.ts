import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

// @internal in the SDK's typings, so required untyped: the very function cmd/run calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions: (file: string) => unknown };

const ROOT = path.resolve(__dirname, "../..");

describe("the root program under the Pulumi engine's TypeScript setup", () => {
    it("compiles with CommonJS modules from the folder the engine runs it in, so the lazy cloud imports resolve", () => {
        const main = (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main: string }).main;
        // The engine runs `main` with its own folder as the working directory, and cmd/run reads
        // ./tsconfig.json there, keeping only that file's own compilerOptions over its defaults.
        const options = loadTypeScriptCompilerOptions(path.join(ROOT, path.dirname(main), "tsconfig.json")) as Record<string, unknown>;
        assert.equal(options.module, "commonjs");
        assert.equal(options.moduleResolution, "node");
        assert.equal(options.noCheck, true);
    });
});
