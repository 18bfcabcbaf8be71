import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import * as z from "zod";
import { stackConfigSchema } from "../../components/config/schema";
import { GatewayServiceType, ImagePullPolicy, IstioMode } from "../../components/istio/settings";
import { IstioFlavor } from "../../components/istio/versions";
import { KubernetesPlatform } from "../../components/target/cluster-facts";
import { componentPluginFolder, REPO } from "../support/packed-package";
import { tempFolder } from "../support/plan-output";

const TSC = path.join(REPO, "node_modules/typescript/bin/tsc");

interface SchemaProperty {
    readonly description?: string;
    readonly $ref?: string;
    readonly properties?: Record<string, SchemaProperty>;
}
interface PackageSchema {
    readonly name: string;
    readonly version: string;
    readonly resources: Record<string, { requiredInputs: string[]; inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty> }>;
    readonly types: Record<string, { enum?: { name: string; value: string }[]; properties?: Record<string, SchemaProperty> }>;
}

/** Runs a TypeScript file with node in the plugin folder (transpile-only), as the plugin's own code runs there. */
function runInPlugin(plugin: string, file: string, source: string): { status: number | null; stdout: string; stderr: string } {
    fs.writeFileSync(path.join(plugin, file), source);
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", file], {
        cwd: plugin,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" },
    });
}

/** Constructs ExistingClusterMesh under Pulumi's mocks and prints each registered resource's `type name`, or the error. */
const CONSTRUCT = (args: string) => `import * as pulumi from "@pulumi/pulumi";
const KUBECONFIG = ${JSON.stringify(fs.readFileSync(path.join(REPO, "examples/existing-cluster/kubeconfig.stand-in.yaml"), "utf8"))};
/** An Output not known yet, as a preview has for a resource still to be created. */
const UNKNOWN = new (pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<string>)(new Set(), Promise.resolve(undefined), Promise.resolve(false), Promise.resolve(false), Promise.resolve([]));
const registered: string[] = [];
pulumi.runtime.setMocks({ newResource: (r) => { registered.push(r.type + " " + r.name); return { id: r.name + "-id", state: r.inputs }; }, call: (c) => c.inputs }, "project", "stack", false);
const kindOf = (error: Error) => (pulumi.RunError.isInstance(error) ? "RunError" : error.name);
// What the SDK's runners do with a refusal found after the constructor returned: report it, once.
process.on("unhandledRejection", (error: Error) => {
    console.log(JSON.stringify({ error: error.message, kind: kindOf(error) }));
    process.exit(0);
});
import("./index").then(async ({ ExistingClusterMesh }) => {
    try {
        const mesh = new ExistingClusterMesh("mesh", ${args});
        await (mesh.releaseStatuses as unknown as { promise(): Promise<unknown> }).promise();
        const image = await (mesh.istiodImage as unknown as { promise(): Promise<string> }).promise();
        console.log(JSON.stringify({ image, registered }));
    } catch (error) {
        console.log(JSON.stringify({ error: (error as Error).message, kind: kindOf(error as Error) }));
    }
});
`;

describe("provider/: the components for every Pulumi language (a source-based component package)", function () {
    this.timeout(180_000);
    let work: string;
    let plugin: string;
    let schema: PackageSchema;

    before(() => {
        work = tempFolder("component-package-");
        plugin = componentPluginFolder(path.join(work, "plugin"));
        // The analyzer @pulumi/pulumi's plugin host runs for `pulumi package add` and GetSchema.
        const inferred = runInPlugin(
            plugin,
            "schema.js",
            `const { ComponentProvider } = require("@pulumi/pulumi/provider/experimental/provider");
const { ExistingClusterMesh } = { ExistingClusterMesh: class ExistingClusterMesh {} };
new ComponentProvider({ components: [ExistingClusterMesh], name: "dualstack-istio", dirname: __dirname }).getSchema().then(console.log);`,
        );
        assert.equal(inferred.status, 0, inferred.stderr);
        schema = JSON.parse(inferred.stdout) as PackageSchema;
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("is the package's own version, depends on exactly it, and on the Pulumi SDK range the package peers", () => {
        const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string; peerDependencies: Record<string, string> };
        const own = JSON.parse(fs.readFileSync(path.join(REPO, "provider/package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string> };
        assert.deepEqual([own.name, own.version, own.dependencies["pulumi-dualstack-istio"]], ["dualstack-istio", root.version, root.version]);
        assert.equal(own.dependencies["@pulumi/pulumi"], root.peerDependencies["@pulumi/pulumi"]);
        assert.equal(own.dependencies["@pulumi/kubernetes"], root.peerDependencies["@pulumi/kubernetes"]);
        assert.equal(fs.readFileSync(path.join(REPO, "provider/PulumiPlugin.yaml"), "utf8").match(/^runtime: (\w+)$/m)?.[1], "nodejs");
    });

    it("infers the schema: one component, its required inputs and outputs, each documented", () => {
        assert.deepEqual([schema.name, schema.version], ["dualstack-istio", "0.1.0"]);
        assert.deepEqual(Object.keys(schema.resources), ["dualstack-istio:index:ExistingClusterMesh"]);
        const mesh = schema.resources["dualstack-istio:index:ExistingClusterMesh"];
        assert.deepEqual(mesh.requiredInputs, ["kubeconfig", "kubernetesVersion"]);
        assert.deepEqual(Object.keys(mesh.properties), ["context", "server", "revision", "istiodImage", "releaseStatuses", "verificationJobs"]);
        const undocumented = [
            ...Object.entries({ ...mesh.inputProperties, ...mesh.properties }),
            ...Object.values(schema.types).flatMap((type) => Object.entries(type.properties ?? {})),
        ].filter(([, property]) => !property.description);
        assert.deepEqual(undocumented, []);
    });

    it("takes the same istio settings as the stack config (one schema), with the package's enums", () => {
        const configIstio = (stackConfigSchema.shape.istio as z.ZodOptional<z.ZodObject>).unwrap().shape;
        assert.deepEqual(Object.keys(schema.types["dualstack-istio:index:IstioSettings"].properties ?? {}).sort(), Object.keys(configIstio).sort());
        const values = (name: string) => schema.types[`dualstack-istio:index:${name}`].enum?.map((member) => member.value);
        assert.deepEqual(
            ["IstioFlavor", "IstioMode", "ImagePullPolicy", "GatewayServiceType", "KubernetesPlatform"].map(values),
            [IstioFlavor, IstioMode, ImagePullPolicy, GatewayServiceType, KubernetesPlatform].map((constants) => Object.values(constants)),
        );
    });

    it("takes the README's YAML example as written: its type, arguments and istio settings are the schema's", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## From Python, Go, C#, Java and YAML"));
        const example = YAML.parse(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "") as { resources: Record<string, { type: string; properties: Record<string, unknown> }> };
        const [resource] = Object.values(example.resources);
        // YAML's short form `pkg:Name` is the token `pkg:index:Name`.
        const mesh = schema.resources[resource.type.replace(/^([^:]+):([^:]+)$/, "$1:index:$2")];
        assert.ok(mesh, resource.type);
        assert.deepEqual(
            Object.keys(resource.properties).filter((key) => !(key in mesh.inputProperties)),
            [],
        );
        assert.deepEqual(
            mesh.requiredInputs.filter((key) => !(key in resource.properties)),
            [],
        );
        const istio = schema.types["dualstack-istio:index:IstioSettings"].properties ?? {};
        assert.deepEqual(
            Object.keys(resource.properties.istio as object).filter((key) => !(key in istio)),
            [],
        );
    });

    for (const resolution of ["node", "nodenext"]) {
        it(`compiles strict with its own tsconfig under moduleResolution ${resolution} (nodenext: what the plugin runner's ts-node uses without one)`, () => {
            const module = resolution === "node" ? "commonjs" : "nodenext";
            const result = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json", "--module", module, "--moduleResolution", resolution], { cwd: plugin, encoding: "utf8" });
            assert.equal(result.status, 0, result.stdout + result.stderr);
        });
    }

    it("creates the existing cluster's provider and DualStackIstio's releases inside the component, from a secret kubeconfig", () => {
        const result = runInPlugin(
            plugin,
            "construct.ts",
            CONSTRUCT(
                `{ kubeconfig: pulumi.secret(KUBECONFIG), kubernetesVersion: "1.33", istio: { hub: "registry.example.com/istio", tag: "1.30.3", gateway: { enabled: true, serviceType: "NodePort" } } }`,
            ),
        );
        assert.equal(result.status, 0, result.stderr);
        const { image, registered } = JSON.parse(result.stdout) as { image: string; registered: string[] };
        assert.equal(image, "registry.example.com/istio/pilot:1.30.3");
        assert.deepEqual(registered.sort(), [
            "dualstack-istio:index:DualStackIstio mesh",
            "dualstack-istio:index:ExistingCluster mesh",
            "dualstack-istio:index:ExistingClusterMesh mesh",
            "kubernetes:core/v1:Namespace mesh-istio-ingress",
            "kubernetes:core/v1:Namespace mesh-istio-system",
            "kubernetes:helm.sh/v3:Release mesh-base",
            "kubernetes:helm.sh/v3:Release mesh-gateway",
            "kubernetes:helm.sh/v3:Release mesh-istiod",
            "pulumi:providers:kubernetes mesh-k8s",
        ]);
    });

    for (const [label, args, kind, error] of [
        [
            "a relative kubeconfig path",
            `{ kubeconfig: "kube/config", kubernetesVersion: "1.33" }`,
            "RunError",
            "kubeconfig: give the kubeconfig's content or an absolute path; a relative path would be read by the plugin's process, from a working directory Pulumi does not promise (ExistingClusterMesh 'mesh')",
        ],
        [
            "a kubeconfig not known at preview",
            `{ kubeconfig: UNKNOWN, kubernetesVersion: "1.33" }`,
            "RunError",
            "kubeconfig: is not known until another resource is created; the mesh is planned from it before anything is registered, so give a value known at preview: a config secret, or another stack's output (StackReference) (ExistingClusterMesh 'mesh')",
        ],
        [
            "an Istio setting, named under istio",
            `{ kubeconfig: KUBECONFIG, kubernetesVersion: "1.33", istio: { version: "1.16.0" } }`,
            "InputError",
            "istio.version: Istio 1.16.0 has no dual-stack support; upstream Istio 1.17.0 or newer is required (ExistingClusterMesh 'mesh')",
        ],
        [
            "both families on EKS, before the kubeconfig is read",
            `{ kubeconfig: "kube/config", kubernetesVersion: "1.33", platform: "eks" }`,
            "InputError",
            "ipFamilies: an EKS cluster has one family (ipv4 or ipv6), never both; give the cluster's family, [IPv4] or [IPv6] (ExistingClusterMesh 'mesh')",
        ],
        [
            "a context the kubeconfig lacks, naming this component rather than the ones inside",
            `{ kubeconfig: KUBECONFIG, context: "elsewhere", kubernetesVersion: "1.33" }`,
            "RunError",
            "context: context 'elsewhere' is not in the kubeconfig; it has kind-dual-stack (ExistingClusterMesh 'mesh')",
        ],
        [
            "an IP family",
            `{ kubeconfig: KUBECONFIG, kubernetesVersion: "1.33", ipFamilies: ["IPv4", "ipv6"] }`,
            "InputError",
            "ipFamilies: [IPv4, ipv6] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4] (ExistingClusterMesh 'mesh')",
        ],
    ] as const) {
        it(`refuses ${label} in one line naming the argument (${kind === "InputError" ? "before anything is registered" : "reported by the SDK's runner"})`, () => {
            const result = runInPlugin(plugin, "refuse.ts", CONSTRUCT(args));
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop() as string), { error, kind }, result.stdout);
        });
    }
});
