import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository's root. */
export const REPO = path.resolve(__dirname, "../..");
/** The package's name on npm. */
export const PACKAGE = "pulumi-dualstack-istio";

let tarball: string | undefined;

/**
 * The package as `npm pack` ships it: packed once per process, into a folder removed when the
 * process exits, and returns the tarball's path. dist/ must be built (npm test and npm run
 * test:e2e build it first); `--ignore-scripts` keeps pack from building again.
 */
export function packedPackage(): string {
    if (tarball === undefined) {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "packed-package-"));
        process.once("exit", () => fs.rmSync(folder, { recursive: true, force: true }));
        const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", folder], { cwd: REPO, encoding: "utf8" });
        tarball = path.join(folder, (JSON.parse(packed) as { filename: string }[])[0].filename);
    }
    return tarball;
}

/**
 * A consumer's project with this package as `npm pack` ships it, in its node_modules beside the
 * packages the consumer has: the tarball unpacked, and each other package linked from this
 * repository's node_modules, except those the consumer lacks. No network: nothing is downloaded.
 */
export function consumerProject(project: string, tarball: string, without: readonly string[] = []): string {
    const modules = path.join(project, "node_modules");
    fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", modules]);
    fs.renameSync(path.join(modules, "package"), path.join(modules, PACKAGE));
    for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
        const scoped = entry.startsWith("@") ? fs.readdirSync(path.join(REPO, "node_modules", entry)).map((inner) => `${entry}/${inner}`) : [entry];
        for (const dependency of scoped) {
            if (dependency === PACKAGE || dependency === ".bin" || without.includes(dependency)) {
                continue;
            }
            fs.mkdirSync(path.dirname(path.join(modules, dependency)), { recursive: true });
            fs.symlinkSync(path.join(REPO, "node_modules", dependency), path.join(modules, dependency), "junction");
        }
    }
    return project;
}

/**
 * The component package's plugin folder as `pulumi package add` gets it: provider/'s files beside
 * a node_modules holding this package as `npm pack` ships it (and the repository's other packages).
 */
export function componentPluginFolder(folder: string): string {
    const plugin = consumerProject(folder, packedPackage());
    for (const file of fs.readdirSync(path.join(REPO, "provider"))) {
        fs.copyFileSync(path.join(REPO, "provider", file), path.join(plugin, file));
    }
    return plugin;
}
