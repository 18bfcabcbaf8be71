import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ambientPluginLookup, pluginsToInstall } from "../../fleet/plugins";

describe("fleet plugins: install only what the engine would not find", () => {
    const wanted = [
        { name: "gcp", version: "9.37.0" },
        { name: "kubernetes", version: "4.34.2" },
    ];
    const none = () => false;

    it("installs every plugin when nothing is cached or on PATH", () => {
        assert.deepEqual(pluginsToInstall(wanted, [], none), wanted);
    });

    it("takes a cached resource plugin at the version or newer, as the engine does, and no older one, other kind or unversioned one", () => {
        const cached = [
            { name: "gcp", kind: "resource", version: "9.37.0" },
            { name: "kubernetes", kind: "resource", version: "4.34.1" },
            { name: "kubernetes", kind: "language", version: "9.0.0" },
            { name: "kubernetes", kind: "resource" },
        ];
        assert.deepEqual(pluginsToInstall(wanted, cached, none), [{ name: "kubernetes", version: "4.34.2" }]);
        assert.deepEqual(pluginsToInstall(wanted, [...cached, { name: "kubernetes", kind: "resource", version: "4.40.0" }], none), []);
    });

    it("takes a plugin on PATH whatever its version, unless PULUMI_IGNORE_AMBIENT_PLUGINS is set", () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ambient-"));
        fs.writeFileSync(path.join(folder, "pulumi-resource-kubernetes"), "#!/bin/sh\n", { mode: 0o755 });
        fs.writeFileSync(path.join(folder, "pulumi-resource-gcp"), "not executable", { mode: 0o644 });
        const env = { PATH: `/nonexistent${path.delimiter}${folder}` };
        assert.deepEqual(pluginsToInstall(wanted, [], ambientPluginLookup(env)), [{ name: "gcp", version: "9.37.0" }]);
        assert.deepEqual(pluginsToInstall(wanted, [], ambientPluginLookup({ ...env, PULUMI_IGNORE_AMBIENT_PLUGINS: "1" })), wanted);
    });
});
