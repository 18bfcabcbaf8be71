import * as fs from "node:fs";
import * as path from "node:path";

/**
 * An executable that starts a Node.js plugin folder with the SDK's own runner, on the command line
 * today's Node.js language host uses in its RunPlugin (pulumi/pulumi
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go, RunPlugin): `node <@pulumi/pulumi/cmd/run-plugin>
 * <folder> <engine address>`, TypeScript on; for a policy pack, `cmd/run-policy-pack` with the
 * folder last and the pack's folder as working directory. The host this suite can build (v3.68) has
 * no RunPlugin, and the CLI runs a plugin folder only through it; it runs an executable directly.
 * Written as `<bin>/<name>`; returns its path. `modules` is the node_modules that holds @pulumi/pulumi.
 */
export function pluginLauncher(bin: string, name: string, folder: string, kind: "component" | "policy", modules = path.join(folder, "node_modules")): string {
    fs.mkdirSync(bin, { recursive: true });
    const runner = path.join(modules, "@pulumi/pulumi/cmd", kind === "component" ? "run-plugin" : "run-policy-pack");
    const command =
        kind === "component"
            ? `PULUMI_NODEJS_TYPESCRIPT=true exec node ${JSON.stringify(runner)} ${JSON.stringify(folder)} "$@"`
            : `cd ${JSON.stringify(folder)} && PULUMI_NODEJS_TYPESCRIPT=true exec node ${JSON.stringify(runner)} "$@" ${JSON.stringify(folder)}`;
    const launcher = path.join(bin, name);
    fs.writeFileSync(launcher, `#!/bin/sh\n${command}\n`, { mode: 0o755 });
    return launcher;
}
