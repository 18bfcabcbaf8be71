import assert from "node:assert/strict";
import { CLOUD_NAMES, CLOUDS, cloudModule, isCloud, requireCloudSdk } from "../../components/config/clouds";
import { allConfigKeys } from "../../components/config/keys";

describe("the cloud registry", () => {
    it("lists each cloud once, in the order the docs and errors give them", () => {
        assert.deepEqual(CLOUD_NAMES, ["gcp", "aws", "azure", "existing"]);
        assert.deepEqual(
            CLOUDS.map((cloud) => cloud.title),
            ["GKE", "EKS", "AKS", "an existing cluster"],
        );
        assert.equal(cloudModule("azure").name, "azure");
        assert.equal(isCloud("azure"), true);
        assert.equal(isCloud("moon"), false);
    });

    it("gives every cloud its own section of the stack config, under its name", () => {
        const topLevel = allConfigKeys()
            .filter((key) => !key.path.includes("."))
            .map((key) => key.path);
        for (const name of CLOUD_NAMES) {
            assert.ok(topLevel.includes(name), `${name} is a section`);
        }
    });

    it("names each cloud SDK, loaded only for its cloud, and the plugins its stacks need", () => {
        assert.deepEqual(
            CLOUDS.map((cloud) => [cloud.name, cloud.sdk?.name, cloud.plugins]),
            [
                ["gcp", "@pulumi/gcp", ["gcp"]],
                ["aws", "@pulumi/aws", ["aws"]],
                ["azure", "@pulumi/azure-native", ["azure-native"]],
                ["existing", undefined, []],
            ],
        );
    });

    it("refuses a cloud whose SDK is not installed, in one line naming the package to install", () => {
        const missing = () => {
            throw Object.assign(new Error("Cannot find module '@pulumi/azure-native'"), { code: "MODULE_NOT_FOUND" });
        };
        assert.throws(() => requireCloudSdk(cloudModule("azure"), missing), {
            name: "InputError",
            message: "cloud: azure needs the package @pulumi/azure-native, which is not installed; run npm install @pulumi/azure-native@^3.0.0",
        });
        // Installed here (a dev dependency), and nothing to install for an existing cluster.
        assert.doesNotThrow(() => requireCloudSdk(cloudModule("azure")));
        assert.doesNotThrow(() => requireCloudSdk(cloudModule("existing"), missing));
    });
});
