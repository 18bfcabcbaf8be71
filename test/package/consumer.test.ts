import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { consumerProject, PACKAGE, packedPackage, REPO } from "../support/packed-package";
import { tempFolder } from "../support/plan-output";

const TSC = path.join(REPO, "node_modules/typescript/bin/tsc");

const GKE_CONSUMER = `import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio, planIstioInstall } from "${PACKAGE}";
import { GkeDualStackCluster } from "${PACKAGE}/gke";

const cluster = new GkeDualStackCluster("prod", { project: "my-project", region: "europe-west4" });
const mesh = new DualStackIstio("mesh", { target: cluster.target, version: "1.30.3", gateway: { enabled: true } });
export const image: pulumi.Output<string> = mesh.istiodImage;
export const releases: string[] = planIstioInstall({}, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" }).releases.map((release) => release.releaseName);
`;

/** The compiler options of each `moduleResolution` in use, with the `module` it requires. */
const RESOLUTIONS: Readonly<Record<string, ts.CompilerOptions>> = {
    node: { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS },
    node16: { moduleResolution: ts.ModuleResolutionKind.Node16, module: ts.ModuleKind.Node16 },
    nodenext: { moduleResolution: ts.ModuleResolutionKind.NodeNext, module: ts.ModuleKind.NodeNext },
    bundler: { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext },
};

describe("the package as a consumer installs it (npm pack, unpacked into a project's node_modules)", function () {
    this.timeout(180_000);
    let work: string;
    let gkeOnly: string;

    before(() => {
        work = tempFolder("consumer-");
        gkeOnly = consumerProject(path.join(work, "gke-only"), packedPackage(), ["@pulumi/aws", "@pulumi/azure-native"]);
        fs.writeFileSync(path.join(gkeOnly, "index.ts"), GKE_CONSUMER);
    });
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("ships its licence, changelog, declarations, CLI, policy pack and component package, and names no Pulumi SDK as its own dependency", () => {
        const installed = path.join(gkeOnly, "node_modules", PACKAGE);
        for (const file of [
            "LICENSE",
            "CHANGELOG.md",
            "README.md",
            "dist/components/index.d.ts",
            "dist/components/gke/index.d.ts",
            "dist/cli/bin.js",
            "dist/policy/index.js",
            "policy-pack/PulumiPolicy.yaml",
            "policy-pack/index.js",
            "provider/PulumiPlugin.yaml",
            "provider/index.ts",
            "provider/tsconfig.json",
        ]) {
            assert.ok(fs.existsSync(path.join(installed, file)), file);
        }
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
            peerDependencies: Record<string, string>;
            peerDependenciesMeta: Record<string, { optional?: boolean }>;
        };
        assert.deepEqual(
            Object.keys(manifest.dependencies).filter((name) => name.startsWith("@pulumi/")),
            [],
            "a second copy of the SDK is what broke a consumer's CLI",
        );
        assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), [
            "@pulumi/aws",
            "@pulumi/azure-native",
            "@pulumi/gcp",
            "@pulumi/kubernetes",
            "@pulumi/policy",
            "@pulumi/pulumi",
        ]);
        assert.deepEqual(
            Object.entries(manifest.peerDependenciesMeta)
                .filter(([, meta]) => meta.optional === true)
                .map(([name]) => name)
                .sort(),
            ["@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/policy"],
        );
    });

    for (const [resolution, options] of Object.entries(RESOLUTIONS)) {
        it(`resolves the root and every cloud's entry point under moduleResolution ${resolution}`, () => {
            const from = path.join(gkeOnly, "index.ts");
            for (const [specifier, declaration] of [
                [PACKAGE, "dist/components/index.d.ts"],
                ...["gke", "eks", "aks", "existing"].map((cloud) => [`${PACKAGE}/${cloud}`, `dist/components/${cloud}/index.d.ts`]),
            ]) {
                const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
                assert.equal(resolved?.resolvedFileName, fs.realpathSync(path.join(gkeOnly, "node_modules", PACKAGE, declaration)), `${specifier} (${resolution})`);
            }
        });
    }

    for (const resolution of ["node", "nodenext"]) {
        it(`compiles a GKE-only program (no @pulumi/aws installed) strict under moduleResolution ${resolution}`, () => {
            const module = resolution === "node" ? "commonjs" : "nodenext";
            const result = spawnSync(
                process.execPath,
                [TSC, "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", module, "--moduleResolution", resolution, "--types", "node", "index.ts"],
                { cwd: gkeOnly, encoding: "utf8" },
            );
            assert.equal(result.status, 0, result.stdout + result.stderr);
        });
    }

    it("compiles every TypeScript snippet of the README strict, as a consumer would paste it", () => {
        const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
        const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
        assert.ok(snippets.length >= 2, `found ${snippets.length} snippets`);
        const files = snippets.map((snippet, index) => {
            const file = `readme-${index}.ts`;
            // A snippet of imports alone is still a module; export nothing else.
            fs.writeFileSync(path.join(gkeOnly, file), `${snippet}\nexport {};\n`);
            return file;
        });
        const result = spawnSync(
            process.execPath,
            [
                TSC,
                "--noEmit",
                "--strict",
                "--noUnusedLocals",
                "false",
                "--skipLibCheck",
                "--target",
                "es2022",
                "--module",
                "commonjs",
                "--moduleResolution",
                "node",
                "--types",
                "node",
                ...files,
            ],
            { cwd: gkeOnly, encoding: "utf8" },
        );
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("loads the GKE entry point without @pulumi/aws, and its CLI plans GKE; an AWS plan names the package to install, exit 2", () => {
        const cli = path.join(gkeOnly, "node_modules", PACKAGE, "dist/cli/bin.js");
        const load = spawnSync(
            process.execPath,
            ["-e", `require("${PACKAGE}/gke"); require("${PACKAGE}"); console.log(Object.keys(require.cache).some((file) => file.includes("@pulumi/aws")))`],
            {
                cwd: gkeOnly,
                encoding: "utf8",
            },
        );
        assert.equal(load.stdout.trim(), "false", load.stderr);
        const plan = (cloud: string, extra: string) => {
            const config = path.join(gkeOnly, `${cloud}.yaml`);
            fs.writeFileSync(config, `cloud: ${cloud}\nclusterName: prod\nregion: europe-west4\n${extra}`);
            return spawnSync(process.execPath, [cli, "plan", "--config", config], { cwd: gkeOnly, encoding: "utf8" });
        };
        const gcp = plan("gcp", "gcp:\n  project: my-project\n");
        assert.equal(gcp.status, 0, gcp.stderr);
        assert.match(gcp.stdout, /Dual-stack summary:/);
        const aws = plan("aws", "");
        assert.deepEqual([aws.status, aws.stderr], [2, "error: cloud: aws needs the package @pulumi/aws, which is not installed; run npm install @pulumi/aws@^7.48.0\n"]);
    });
});
