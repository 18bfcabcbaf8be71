// A compile cache for the CLI's threads: the bin (cli/bin.ts) and the fleet's worker threads
// import this first, so that every module after it is compiled once and then read from the cache.
import Module from "node:module";
import { compileCacheFolder } from "./compile-cache";

/**
 * Node's own compile cache (`module.enableCompileCache`, Node 22.8 and later; per thread, so each
 * worker calls it too). Node 20 has none, and the CLI does without: with the SDK's unused modules
 * deferred, the `v8-compile-cache` package made no measurable difference to a `plan` there, and it
 * compiles every file as CommonJS, which breaks `require()` of an ES module on Node 20.19 and
 * later. NODE_DISABLE_COMPILE_CACHE=1 turns Node's cache off, as Node documents.
 */
const enableCompileCache = (Module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
enableCompileCache?.(compileCacheFolder());
