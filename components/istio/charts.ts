import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../errors";
import type { ChartSource } from "./settings";
import { IstioChart } from "./values";

/** Each chart's folder under a checkout's `manifests/charts`. */
export const CHART_DIRECTORIES: Readonly<Record<IstioChart, string>> = {
    [IstioChart.Base]: "base",
    [IstioChart.Istiod]: "istio-control/istio-discovery",
    [IstioChart.Gateway]: "gateway",
    [IstioChart.Cni]: "istio-cni",
    [IstioChart.Ztunnel]: "ztunnel",
};

// Files a chart cannot install without; istiod renders its injection templates from files/.
const REQUIRED_FILES: Readonly<Record<IstioChart, readonly string[]>> = {
    [IstioChart.Base]: ["Chart.yaml"],
    [IstioChart.Istiod]: ["Chart.yaml", "files/injection-template.yaml"],
    [IstioChart.Gateway]: ["Chart.yaml"],
    [IstioChart.Cni]: ["Chart.yaml"],
    [IstioChart.Ztunnel]: ["Chart.yaml"],
};

/** What a Helm Release needs to find a chart. */
export interface ChartReference {
    /** Chart name (repository), `oci://…/<name>` (registry) or a folder path (checkout). */
    readonly chart: string;
    /** The exact chart version; absent for a checkout, whose Chart.yaml carries a placeholder. */
    readonly version?: string;
    /** The Helm repository URL, for repository sources only. */
    readonly repository?: string;
}

/** How a Release finds `chart` from `source`; `version` pins it for repository and OCI sources. */
export function chartReference(chart: IstioChart, source: ChartSource, version: string | undefined): ChartReference {
    switch (source.kind) {
        case "repository":
            return { chart, version, repository: source.url };
        case "oci":
            return { chart: `${source.url}/${chart}`, version };
        case "directory":
            return { chart: path.join(source.path, CHART_DIRECTORIES[chart]) };
    }
}

/**
 * Checks that a checkout's chart folder holds every chart to be installed. Run before any
 * resource is registered, so that a wrong path fails in a second rather than at `helm install`.
 */
export function checkChartsDirectory(directory: string, charts: readonly IstioChart[]): void {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(directory);
    } catch {
        throw new InputError("chartsDir", `'${directory}' does not exist; give the manifests/charts folder of an Istio checkout`);
    }
    if (!stat.isDirectory()) {
        throw new InputError("chartsDir", `'${directory}' is not a folder; give the manifests/charts folder of an Istio checkout`);
    }
    for (const chart of charts) {
        for (const file of REQUIRED_FILES[chart]) {
            const relative = `${CHART_DIRECTORIES[chart]}/${file}`;
            if (!fs.existsSync(path.join(directory, relative))) {
                throw new InputError("chartsDir", `'${directory}' has no complete ${chart} chart (missing ${relative}); give the manifests/charts folder of an Istio checkout`);
            }
        }
    }
}
