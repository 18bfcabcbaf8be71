import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deferModules, isLoaded } from "../../cli/deferred-modules";
import { tempFolder } from "../support/plan-output";

/** A module that counts its loads in a global, with a function and a plain value. */
function fixture(name: string): { file: string; loads: () => number } {
    const file = join(tempFolder("deferred-"), `${name}.js`);
    const counter = `__deferredLoads_${name}`;
    writeFileSync(file, `globalThis.${counter} = (globalThis.${counter} ?? 0) + 1;\nexports.plusOne = (x) => x + 1;\nexports.value = 7;\n`);
    return { file, loads: () => ((globalThis as Record<string, unknown>)[counter] as number | undefined) ?? 0 };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (file: string) => require(file) as { plusOne: (x: number) => number; value: number };

describe("deferred modules (cli/deferred-modules.ts)", () => {
    it("a required module is not loaded until a declared function is called; then the call reaches the real one", () => {
        const { file, loads } = fixture("functions");
        deferModules([{ file, functions: ["plusOne"] }]);
        const exports = load(file);
        const plusOne = exports.plusOne;
        assert.equal(loads(), 0);
        assert.equal(isLoaded(file), false);
        assert.equal(plusOne(1), 2);
        assert.equal(loads(), 1);
        assert.equal(isLoaded(file), true);
        // From then on, the stand-in forwards and a new require gets the real module.
        assert.equal(exports.value, 7);
        assert.deepEqual(Object.keys(load(file)), ["plusOne", "value"]);
        assert.equal(loads(), 1);
    });

    for (const [use, read] of [
        ["reading an export", (exports: object) => (exports as { value: number }).value],
        ["asking for a key", (exports: object) => "value" in exports],
        ["listing the keys", (exports: object) => Object.keys(exports)],
    ] as const) {
        it(`${use} loads the module once and answers as the real module`, () => {
            const { file, loads } = fixture(use.replace(/\W/g, "_"));
            deferModules([{ file }]);
            const exports = load(file);
            assert.equal(loads(), 0);
            const answer = read(exports);
            assert.equal(loads(), 1);
            assert.deepEqual(answer, read(load(file)));
        });
    }

    it("a module already loaded is left as it is", () => {
        const { file, loads } = fixture("already");
        const real = load(file);
        deferModules([{ file }]);
        assert.equal(load(file), real);
        assert.equal(loads(), 1);
    });

    it("a declared function is named as the export it stands for", () => {
        const { file } = fixture("named");
        deferModules([{ file, functions: ["plusOne"] }]);
        assert.equal(load(file).plusOne.name, "plusOne");
    });

    it("setting, defining and deleting an export load the module and change the real one", () => {
        const { file, loads } = fixture("changes");
        deferModules([{ file }]);
        const exports = load(file) as unknown as Record<string, unknown>;
        exports.added = 1;
        assert.equal(loads(), 1);
        Object.defineProperty(exports, "defined", { value: 2, enumerable: true, configurable: true });
        delete exports.value;
        delete require.cache[file];
        // What is on disk again, against what the real module now holds: the changes reached it.
        const reloaded = load(file) as unknown as Record<string, unknown>;
        assert.deepEqual(Object.keys(reloaded), ["plusOne", "value"]);
        assert.deepEqual(Object.keys(exports), ["plusOne", "added", "defined"]);
        assert.deepEqual([exports.added, exports.defined, exports.value], [1, 2, undefined]);
    });
});
