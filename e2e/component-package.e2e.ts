import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { IstioMode, KubernetesPlatform } from "../components";
import { tempFolder } from "../test/support/plan-output";
import { buildGoProgram, generateGoSdk } from "./support/go-sdk";
import { shown } from "./support/kube";
import { componentPluginFolder } from "../test/support/packed-package";
import { pluginLauncher } from "./support/node-plugins";
import { pulumiEnvironment, runPulumi } from "./support/pulumi";
import { e2eTools, type E2eTools } from "./support/tools";

/** The schema the CLI reads from the plugin, as much of it as the steps look at. */
interface PackageSchema {
    readonly name: string;
    readonly resources: Record<string, { isComponent: boolean; requiredInputs: string[]; inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
    readonly types: Record<string, { enum?: { value: string }[]; properties?: Record<string, unknown> }>;
}

/**
 * Step 13 (issue 17): the component package for other languages, with no cluster. The real CLI
 * reads the schema provider/ infers from its TypeScript types, from the plugin as installed; the
 * Go SDK generated from that schema builds a Go program that uses the component.
 */
describe("every Pulumi language: the component package's schema and Go SDK, from the real CLI", function () {
    this.bail(true);
    let tools: E2eTools;
    let work: string;
    let launcher: string;
    let env: NodeJS.ProcessEnv;

    before(() => {
        tools = e2eTools();
        work = tempFolder("dualstack-e2e-package-");
        launcher = pluginLauncher(path.join(work, "bin"), "pulumi-resource-dualstack-istio", componentPluginFolder(path.join(work, "plugin")), "component");
        env = pulumiEnvironment(tools, path.join(work, "pulumi-home"), `file://${path.join(work, "state")}`);
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("13a. pulumi package get-schema runs the package's plugin and reads the schema inferred from its TypeScript types", () => {
        const printed = runPulumi(tools, work, env, ["package", "get-schema", launcher]).stdout;
        fs.writeFileSync(path.join(work, "schema.json"), printed);
        const schema = JSON.parse(printed) as PackageSchema;
        assert.equal(schema.name, "dualstack-istio");
        const mesh = schema.resources["dualstack-istio:index:ExistingClusterMesh"];
        assert.equal(mesh.isComponent, true);
        assert.deepEqual(mesh.requiredInputs, ["kubeconfig", "kubernetesVersion"]);
        // The CLI prints the schema's maps with their keys sorted.
        assert.deepEqual(Object.keys(mesh.inputProperties), ["context", "ipFamilies", "istio", "kubeconfig", "kubernetesVersion", "platform"]);
        assert.deepEqual(Object.keys(mesh.properties), ["context", "istiodImage", "releaseStatuses", "revision", "server", "verificationJobs"]);
        // Enums come from the package's own constants, not a copy of them.
        const enumValues = (name: string) => schema.types[`dualstack-istio:index:${name}`].enum?.map((member) => member.value);
        assert.deepEqual(enumValues("IstioMode"), Object.values(IstioMode));
        assert.deepEqual(enumValues("KubernetesPlatform"), Object.values(KubernetesPlatform));
    });

    it("13b. the Go SDK generated from that schema (Pulumi's Go generator, as the Go language host runs it) builds a Go program that uses ExistingClusterMesh", () => {
        const files = generateGoSdk(tools.pulumiCodegenGo, path.join(work, "schema.json"), path.join(work, "go-sdk"));
        assert.ok(files.includes("dualstackistio/existingClusterMesh.go"), shown(files));
        assert.match(
            fs.readFileSync(path.join(work, "go-sdk/dualstackistio/existingClusterMesh.go"), "utf8"),
            /RegisterRemoteComponentResource\("dualstack-istio:index:ExistingClusterMesh"/,
        );
        const built = buildGoProgram(path.join(work, "go-sdk"), path.join(work, "go-program"));
        assert.equal(built.status, 0, built.output);
    });
});
