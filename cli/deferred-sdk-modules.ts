// The Pulumi SDK's start-up modules that no command of this CLI runs, deferred until used. The bin
// (cli/bin.ts) and the fleet's worker threads import this before anything loads the SDK; its
// effect is measured by `npm run bench` and held by test/cli/start-up.test.ts.
import { deferModules } from "./deferred-modules";

/**
 * Modules `@pulumi/pulumi` loads when it is imported that no command of this CLI runs: together
 * 10 MB of JavaScript and half of a `plan`'s start-up. Each is loaded when first used.
 */
export const UNUSED_SDK_MODULES: readonly { readonly request: string; readonly functions?: readonly string[] }[] = [
    // TypeScript (9 MB), or the SDK's vendored copy of it: runtime/closure/parseFunction.ts requires
    // the shim when it loads, yet only serialising a function's closure uses it. The SDK requires
    // it lazily elsewhere (tsutils.ts, "to avoid always loading"); it has no switch for this one.
    { request: "@pulumi/pulumi/typescript-shim" },
    // npm's Arborist and the 300 modules behind it (pacote, sigstore, cacache, tar): runtime/index.ts
    // re-exports computeCodePaths when it loads, and only packaging a serialised closure's code
    // calls it.
    { request: "@pulumi/pulumi/runtime/closure/codePaths", functions: ["computeCodePaths"] },
];

function resolved(request: string): string | undefined {
    try {
        return require.resolve(request);
    } catch {
        // Not in this version of the SDK: nothing to defer.
        return undefined;
    }
}

deferModules(
    UNUSED_SDK_MODULES.flatMap(({ request, functions }) => {
        const file = resolved(request);
        return file === undefined ? [] : [{ file, functions }];
    }),
);
