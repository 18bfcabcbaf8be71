// A compile cache for the CLI's process: the bin (cli/bin.ts) imports this first, so that every
// module after it is compiled once and then read from the cache. Measured by `npm run bench`.
import Module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where compiled code is cached: under the user's own cache folder (not the shared temporary
 * folder, where another user could plant code for this one to run).
 */
export function compileCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
    return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dualstack-istio", "compile-cache");
}

/**
 * Caches V8's compiled code between runs: Node's own cache where it has one
 * (`module.enableCompileCache`, Node 22.1 and later), else the `v8-compile-cache` package. Off with
 * NODE_DISABLE_COMPILE_CACHE=1, as Node's own cache is.
 */
function enableCompileCache(): void {
    if (process.env.NODE_DISABLE_COMPILE_CACHE) {
        return;
    }
    const folder = compileCacheFolder();
    const nodeCache = (Module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
    if (nodeCache !== undefined) {
        nodeCache(folder);
        return;
    }
    // v8-compile-cache reads its folder from the environment when it is loaded; the variable is
    // not left for the processes this one starts.
    const previous = process.env.V8_COMPILE_CACHE_CACHE_DIR;
    // Given a folder, it adds no Node version of its own: each V8 keeps its own cache.
    process.env.V8_COMPILE_CACHE_CACHE_DIR = join(folder, "v8-compile-cache", `${process.arch}-${process.versions.v8}`);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- installs itself when loaded.
        require("v8-compile-cache");
    } finally {
        if (previous === undefined) {
            delete process.env.V8_COMPILE_CACHE_CACHE_DIR;
        } else {
            process.env.V8_COMPILE_CACHE_CACHE_DIR = previous;
        }
    }
}

enableCompileCache();
