import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { REPO_ROOT } from "./tools";

/** The Go program that uses the generated SDK (main.go, go.mod, go.sum). */
const GO_PROGRAM_DIR = path.join(REPO_ROOT, "e2e/multi-language/go");

/** `go build` of the program compiles github.com/pulumi/pulumi/sdk/v3 on a cold build cache: minutes. */
const GO_BUILD_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Generates the Go SDK of a package schema with pulumi-codegen-go (e2e/tools/pulumi-codegen: the Go
 * language host's GeneratePackage, in-process), as `pulumi package gen-sdk --language go` would.
 *
 * @param codegen the pulumi-codegen-go binary.
 * @param schemaFile the package schema (JSON), e.g. from `pulumi package get-schema`.
 * @param outDir the folder to write the SDK into (created if missing).
 * @returns the written files, relative to outDir, `/`-separated and sorted.
 * @throws if the tool fails (its stderr is inherited) or a file it names is missing.
 */
export function generateGoSdk(codegen: string, schemaFile: string, outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const stdout = execFileSync(codegen, [schemaFile, outDir], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const files = stdout
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "")
        .sort();
    for (const file of files) {
        if (!fs.statSync(path.join(outDir, file)).isFile()) {
            throw new Error(`pulumi-codegen-go named ${file}, which is not a file under ${outDir}`);
        }
    }
    return files;
}

/** The SDK module path and folder from the program's go.mod `replace SDK_MODULE => ./FOLDER`. */
function sdkReplace(goMod: string): { module: string; dir: string } {
    const found = /^replace\s+(\S+)\s+=>\s+(\.\/\S+)\s*$/m.exec(goMod);
    if (!found) {
        throw new Error(`${GO_PROGRAM_DIR}/go.mod has no "replace <sdk module> => ./<folder>" line`);
    }
    return { module: found[1], dir: found[2] };
}

/**
 * The SDK's root Go package folder: the one folder of sdkDir with a pulumi-plugin.json
 * (`dualstackistio` for the package `dualstack-istio`).
 */
function sdkPackageDir(sdkDir: string): string {
    const found = fs
        .readdirSync(sdkDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(sdkDir, entry.name, "pulumi-plugin.json")))
        .map((entry) => entry.name);
    if (found.length !== 1) {
        throw new Error(`expected one Go package with a pulumi-plugin.json in ${sdkDir}, found ${JSON.stringify(found)}`);
    }
    return path.join(sdkDir, found[0]);
}

/**
 * Builds e2e/multi-language/go against a generated Go SDK, as a user's `go build` would: with the
 * committed go.mod and go.sum only (GOFLAGS unset, so `-mod=readonly`; GOWORK=off) and the local
 * toolchain (GOTOOLCHAIN=local).
 *
 * The program's go.mod replaces the SDK's module (the import path codegen gives the package,
 * `example.com/pulumi-dualstack-istio/sdk/go/dualstack-istio`) with a folder. This copies the
 * program into workDir and the SDK's root package folder (with its `internal/`) to that folder, and
 * writes the go.mod a replaced module needs there: codegen writes none for a schema without
 * `meta.supportPack`, as `pulumi package gen-sdk` does not.
 *
 * @param sdkDir the folder generateGoSdk wrote.
 * @param workDir an empty (or new) folder; the binary is `workDir/prog`.
 * @returns the exit status of `go build -o prog .` (null if killed, e.g. by the 30-minute timeout)
 *   and its stdout and stderr.
 */
export function buildGoProgram(sdkDir: string, workDir: string): { status: number | null; output: string } {
    fs.mkdirSync(workDir, { recursive: true });
    for (const file of ["main.go", "go.mod", "go.sum"]) {
        fs.copyFileSync(path.join(GO_PROGRAM_DIR, file), path.join(workDir, file));
    }
    const replace = sdkReplace(fs.readFileSync(path.join(workDir, "go.mod"), "utf8"));
    const target = path.join(workDir, replace.dir);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(sdkPackageDir(sdkDir), target, { recursive: true });
    fs.writeFileSync(path.join(target, "go.mod"), `module ${replace.module}\n\ngo 1.25\n`);

    const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: "local", GOWORK: "off" };
    delete env.GOFLAGS;
    const result = spawnSync("go", ["build", "-o", "prog", "."], {
        cwd: workDir,
        env,
        encoding: "utf8",
        timeout: GO_BUILD_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error && result.status === null && result.signal === null) {
        return { status: null, output: String(result.error) };
    }
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}
