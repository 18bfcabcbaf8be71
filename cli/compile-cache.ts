// Where the CLI caches compiled code; cli/enable-compile-cache.ts turns the cache on.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * Where compiled code is cached: under the user's own cache folder (not the shared temporary
 * folder, where another user could plant code for this one to run). A relative XDG_CACHE_HOME is
 * ignored, as the XDG base directory specification says.
 */
export function compileCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
    const cacheHome = env.XDG_CACHE_HOME !== undefined && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
    return join(cacheHome, "dualstack-istio", "compile-cache");
}
