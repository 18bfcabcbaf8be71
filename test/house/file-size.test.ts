import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
/** The house limit (ESLint's max-lines holds it for TypeScript as you type; this holds it for every kind of source). */
const MAX_LINES = 400;
const SOURCE = /\.(ts|mjs|cjs|js|go|sh)$/;

describe("the house", () => {
    it(`has no source file over ${MAX_LINES} lines`, () => {
        const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
            .split("\n")
            .filter((file) => SOURCE.test(file));
        assert.ok(files.length > 100, `expected the repository's sources, found ${files.length}`);
        const long = files
            .map((file) => ({ file, lines: readFileSync(path.join(ROOT, file), "utf8").split("\n").length - 1 }))
            .filter(({ lines }) => lines > MAX_LINES)
            .map(({ file, lines }) => `${file}: ${lines}`);
        assert.deepEqual(long, []);
    });
});
