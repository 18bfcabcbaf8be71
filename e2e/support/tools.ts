import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The real parts the e2e suite runs on, each built from a pinned Go module of ours (e2e/tools). */
export interface E2eTools {
    /** Folders holding the built binaries, to put first on PATH. */
    readonly binDirs: readonly string[];
    /** The Pulumi CLI (its language host beside it). */
    readonly pulumi: string;
    /** kubectl at the control plane's version. */
    readonly kubectl: string;
    /** helm, to read releases back as Helm sees them. */
    readonly helm: string;
    /** istioctl at the Istio commit whose charts are under test. */
    readonly istioctl: string;
    /**
     * istioctl 1.19.0 (e2e/tools/istio-1.19), for the IstioOperator API before 1.20, which has no
     * ipFamilyPolicy fields. Named `istioctl-1.19`, so `istioctl` on PATH stays the one above.
     */
    readonly istioctl119: string;
    /** Istio's own charts, written out of `istio.io/istio/manifests` (a manifests/charts layout). */
    readonly istioCharts: string;
    /**
     * The charts of one release of each older minor with ambient (1.24 to 1.29), from
     * e2e/tools/istio-charts: by minor (`1.27`), the release (`1.27.9`) and its manifests/charts folder.
     */
    readonly istioChartsByMinor: ReadonlyMap<string, { readonly release: string; readonly chartsDir: string }>;
    /** Pulumi's Go SDK generator, run in-process as the Go language host runs it (e2e/tools/pulumi-codegen). */
    readonly pulumiCodegenGo: string;
}

let built: E2eTools | undefined;

/** Builds (or reuses from the per-user cache) every tool, once per process. */
export function e2eTools(): E2eTools {
    if (built) {
        return built;
    }
    const output = execFileSync(path.join(REPO_ROOT, "e2e/tools/build.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const dirs = new Map(
        output
            .trim()
            .split("\n")
            .map((line) => line.split(" ") as [string, string]),
    );
    const dir = (name: string) => {
        const found = dirs.get(name);
        if (!found) {
            throw new Error(`e2e/tools/build.sh did not build ${name}`);
        }
        return found;
    };
    const binDirs = [...dirs.values()].map((folder) => path.join(folder, "bin")).filter((folder) => fs.existsSync(folder));
    const bin = (tool: string, name: string) => path.join(dir(tool), "bin", name);
    built = {
        binDirs,
        pulumi: bin("pulumi", "pulumi"),
        kubectl: bin("kubernetes", "kubectl"),
        helm: bin("helm", "helm"),
        istioctl: bin("istio", "istioctl"),
        istioctl119: bin("istio-1.19", "istioctl-1.19"),
        istioCharts: path.join(dir("istio"), "charts"),
        istioChartsByMinor: chartsIndex(path.join(dir("istio-charts"), "charts")),
        pulumiCodegenGo: bin("pulumi-codegen", "pulumi-codegen-go"),
    };
    return built;
}

/** istio-charts' INDEX: one `<minor> <release> <folder under charts/>` line a minor. */
function chartsIndex(charts: string): Map<string, { release: string; chartsDir: string }> {
    return new Map(
        fs
            .readFileSync(path.join(charts, "INDEX"), "utf8")
            .trim()
            .split("\n")
            .map((line) => line.split(" "))
            .map(([minor, release, folder]) => [minor, { release, chartsDir: path.join(charts, folder) }]),
    );
}

/**
 * The Istio charts the istio tool wrote out of `istio.io/istio/manifests`: the version their
 * Chart.yaml files carry (the build's own, e.g. `1.30-dev.9739e10eb9d7`: the Go module proxy
 * serves the release-1.30 branch after the 1.30.3 tag, not the tag), their manifests/charts folder,
 * and the release a stack names for them: the package's rules for that minor.
 */
export function istioChartsRelease(tools: E2eTools): { chartVersion: string; chartsDir: string; version: string } {
    const chartVersion = fs.readFileSync(path.join(tools.istioCharts, "VERSION"), "utf8").trim();
    const minor = /^(\d+\.\d+)[.-]/.exec(chartVersion)?.[1];
    if (minor !== "1.30") {
        throw new Error(`the e2e suite is written for Istio 1.30's charts; ${tools.istioCharts} holds ${chartVersion}`);
    }
    return { chartVersion, chartsDir: path.join(tools.istioCharts, chartVersion), version: "1.30.3" };
}
