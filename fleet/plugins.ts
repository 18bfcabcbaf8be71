import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import * as semver from "semver";

/** A provider plugin the fleet's stacks need, at the version of this package's SDK for it. */
export interface WantedPlugin {
    /** The provider's name, e.g. `kubernetes`. */
    readonly name: string;
    /** The version its SDK asks for, without a `v`. */
    readonly version: string;
}

/** A plugin in the plugin cache, as `pulumi plugin ls --json` lists it. */
export interface CachedPlugin {
    readonly name: string;
    /** `resource`, `language`, … */
    readonly kind: string;
    /** Absent for a plugin installed without one. */
    readonly version?: string;
}

/**
 * The plugins the engine would not find, so that the fleet installs only those: a fleet on a
 * machine that cannot download (or with plugins built locally) must not fail installing what is
 * already there. Mirrors how the engine picks a resource plugin
 * (sdk/go/common/workspace/plugins.go, `getPluginInfoAndPath`): a `pulumi-resource-<name>` on
 * `$PATH` wins, whatever its version, unless `PULUMI_IGNORE_AMBIENT_PLUGINS` is set; otherwise the
 * newest cached version at or above the one asked for.
 */
export function pluginsToInstall(wanted: readonly WantedPlugin[], cached: readonly CachedPlugin[], onPath: (executable: string) => boolean): WantedPlugin[] {
    return wanted.filter(({ name, version }) => {
        if (onPath(`pulumi-resource-${name}`)) {
            return false;
        }
        return !cached.some(
            (plugin) =>
                plugin.kind === "resource" && plugin.name === name && plugin.version !== undefined && semver.valid(plugin.version) !== null && semver.gte(plugin.version, version),
        );
    });
}

/** Whether an executable of that name is on `env.PATH` and the engine would use it (ambient plugins not ignored). */
export function ambientPluginLookup(env: NodeJS.ProcessEnv): (executable: string) => boolean {
    if (env.PULUMI_IGNORE_AMBIENT_PLUGINS) {
        return () => false;
    }
    const folders = (env.PATH ?? "").split(delimiter).filter((folder) => folder !== "");
    return (executable) =>
        folders.some((folder) => {
            try {
                accessSync(join(folder, executable), constants.X_OK);
                return true;
            } catch {
                return false;
            }
        });
}
