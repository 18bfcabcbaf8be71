import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Module from "node:module";
import { homedir } from "node:os";
import { compileCacheFolder } from "../../cli/compile-cache";
import { UNUSED_SDK_MODULES } from "../../cli/deferred-sdk-modules";
import { REPO } from "../support/packed-package";
import { binLoads, runBin, runCli } from "../support/run-cli";
import { tempFolder } from "../support/plan-output";

/** Files of what the SDK's deferred modules would load: TypeScript (installed, or the SDK's vendored copy) and npm's Arborist. */
const DEFERRED = /node_modules\/typescript\/|\/vendor\/typescript@|@npmcli\/arborist\//;

/** Every file under a folder, recursively (none when it does not exist). */
function filesUnder(folder: string): string[] {
    return existsSync(folder)
        ? readdirSync(folder, { recursive: true, withFileTypes: true })
              .filter((entry) => entry.isFile())
              .map((entry) => entry.name)
        : [];
}

describe("the CLI's start-up (cli/bin.ts)", function () {
    this.timeout(60000);

    it("plan loads the Pulumi SDK but neither TypeScript nor npm's Arborist, and prints what main() prints", async () => {
        const run = binLoads(["plan"]);
        assert.equal(run.status, 0);
        assert.ok(
            run.loaded.some((file) => file.includes("@pulumi/pulumi/runtime/")),
            "the SDK was not loaded",
        );
        assert.deepEqual(
            run.loaded.filter((file) => DEFERRED.test(file)),
            [],
        );
        assert.equal(run.stdout, (await runCli("plan")).stdout);
    });

    it("the deferred SDK modules load when used: a closure is serialised (TypeScript) and code paths computed (Arborist)", () => {
        const script = [
            `require(${JSON.stringify(join(REPO, "dist/cli/deferred-sdk-modules.js"))});`,
            `const pulumi = require("@pulumi/pulumi");`,
            `const loaded = () => Object.keys(require.cache).filter((file) => ${DEFERRED.toString()}.test(file)).length > 0;`,
            `(async () => {`,
            `  const before = loaded();`,
            `  const closure = await pulumi.runtime.serializeFunction(() => 42);`,
            `  const paths = await pulumi.runtime.computeCodePaths();`,
            `  console.log(JSON.stringify({ before, after: loaded(), returns42: /return 42|=> 42/.test(closure.text), paths: paths instanceof Map && paths.size > 0 }));`,
            `})();`,
        ].join("\n");
        const result = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" });
        // (Serialising a closure walks Node's globals, which prints Node's own deprecation warnings.)
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), { before: false, after: true, returns42: true, paths: true });
    });

    it("lists only modules this version of the SDK has", () => {
        for (const { request } of UNUSED_SDK_MODULES) {
            assert.doesNotThrow(() => require.resolve(request), request);
        }
    });

    it("fleet plan's worker threads defer the same modules: each plans its tenants without TypeScript or Arborist", () => {
        // Three lanes: this thread and two workers.
        const run = binLoads(["fleet", "plan", "examples/fleet/tenants.yaml", "--concurrency", "3"]);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.workersLoaded.length, 2);
        for (const loaded of run.workersLoaded) {
            assert.ok(
                loaded.some((file) => file.includes("@pulumi/pulumi/runtime/")),
                "a worker planned without the SDK",
            );
            assert.deepEqual(
                loaded.filter((file) => DEFERRED.test(file)),
                [],
            );
        }
    });

    it("caches compiled code under the user's cache folder where Node has a compile cache (22.8+), and not with NODE_DISABLE_COMPILE_CACHE=1", () => {
        const nodeHasCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";
        const cached = tempFolder("compile-cache-");
        assert.equal(runBin(["--version"], { XDG_CACHE_HOME: cached }).status, 0);
        assert.equal(filesUnder(join(cached, "dualstack-istio", "compile-cache")).length > 0, nodeHasCache);

        const off = tempFolder("compile-cache-off-");
        assert.equal(runBin(["--version"], { XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: "1" }).status, 0);
        assert.deepEqual(filesUnder(off), []);
    });

    it("a relative XDG_CACHE_HOME is ignored for the cache folder, as the XDG specification says", () => {
        assert.equal(compileCacheFolder({ XDG_CACHE_HOME: "/var/cache/me" }), "/var/cache/me/dualstack-istio/compile-cache");
        assert.equal(compileCacheFolder({ XDG_CACHE_HOME: "cache" }), join(homedir(), ".cache", "dualstack-istio", "compile-cache"));
        assert.equal(compileCacheFolder({}), join(homedir(), ".cache", "dualstack-istio", "compile-cache"));
    });
});
