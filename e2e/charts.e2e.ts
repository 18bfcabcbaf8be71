import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as YAML from "yaml";
import { InputError } from "../components/errors";
import { istioOperator } from "../components/istio/operator";
import { planIstioInstall, type IstioInstallPlan, type PlannedRelease } from "../components/istio/plan";
import type { IstioSettings } from "../components/istio/settings";
import { istiodEnv, IstioChart, proxyMetadata } from "../components/istio/values";
import type { ClusterFacts } from "../components/target/cluster-facts";
import { TIMEOUTS_MS } from "./support/kube";
import { e2eTools, istioChartsRelease, type E2eTools } from "./support/tools";

const run = promisify(execFile);

/** Where each chart lives in a manifests/charts folder. */
const CHART_FOLDER: Readonly<Record<IstioChart, string>> = {
    base: "base",
    istiod: "istio-control/istio-discovery",
    gateway: "gateway",
    cni: "istio-cni",
    ztunnel: "ztunnel",
};

const HUB = "registry.e2e.invalid/istio";

/** The clusters each release is planned for: every family layout, generic and GKE. */
const CLUSTERS: readonly { readonly label: string; readonly facts: ClusterFacts }[] = [
    { label: "dual-stack", facts: { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.32" } },
    { label: "IPv4-only on GKE", facts: { ipFamilies: ["IPv4"], kubernetesVersion: "1.32", platform: "gke" } },
    { label: "IPv6-only", facts: { ipFamilies: ["IPv6"], kubernetesVersion: "1.32" } },
];

interface Rendered {
    readonly kind: string;
    readonly metadata: { readonly name: string };
    readonly spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly data?: Record<string, string>;
}

// helm template runs a few at a time: each is a process of its own, and the runner has 2 CPUs.
const HELM_LANES = 4;
let running = 0;
const waiting: (() => void)[] = [];
async function inLane<T>(work: () => Promise<T>): Promise<T> {
    if (running >= HELM_LANES) {
        await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
        return await work();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

/**
 * `helm template` of one planned release through the chart in `chartsDir`, as the objects it
 * renders. (helm template's `--kube-version` drops a `-gke.N` suffix, so the charts' own GKE
 * detection never fires here: GKE's CNI directory must come from the values, as it does.)
 */
async function render(tools: E2eTools, chartsDir: string, release: PlannedRelease, work: string): Promise<Rendered[]> {
    const valuesFile = path.join(work, `${release.releaseName}-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(valuesFile, YAML.stringify(release.values));
    const { stdout } = await inLane(() =>
        run(
            tools.helm,
            [
                "template",
                release.releaseName,
                path.join(chartsDir, CHART_FOLDER[release.chart]),
                "--namespace",
                release.namespace,
                "--values",
                valuesFile,
                "--kube-version",
                "1.32.0",
            ],
            { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUTS_MS.helm },
        ),
    );
    return objectsOf(stdout);
}

/** The objects of a rendered manifest stream (`helm template`, `istioctl manifest generate`). */
function objectsOf(stream: string): Rendered[] {
    return YAML.parseAllDocuments(stream)
        .map((document) => document.toJSON() as Rendered | null)
        .filter((object): object is Rendered => object !== null);
}

type Container = { name: string; image: string; imagePullPolicy?: string; env?: { name: string; value?: string }[] };

function containersOf(objects: readonly Rendered[]): Container[] {
    return objects
        .filter((object) => object.kind === "Deployment" || object.kind === "DaemonSet")
        .flatMap((object) => [...(object.spec.template.spec.initContainers ?? []), ...object.spec.template.spec.containers] as Container[]);
}

function envOf(container: Container): Record<string, string | undefined> {
    return Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value]));
}

function one(objects: readonly Rendered[], kind: string, name: string): Rendered {
    const found = objects.filter((object) => object.kind === kind && object.metadata.name === name);
    assert.equal(found.length, 1, `${kind}/${name}: rendered ${found.length} times, among ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(", ")}`);
    return found[0];
}

/** Checks that the chart did with each value what the plan meant: the objects as rendered. */
function checkRendered(plan: IstioInstallPlan, release: PlannedRelease, objects: readonly Rendered[]): void {
    const { settings } = plan;
    const families = settings.ipFamilies;
    const dualStack = families.length > 1;
    const where = `${settings.release.label} ${settings.mode} [${families.join(", ")}] ${release.chart}`;

    // Every image from the hub and tag given (none of the charts' own gcr.io/istio-testing:latest),
    // pulled as asked; the gateway's is injected.
    for (const container of containersOf(objects)) {
        if (release.chart === IstioChart.Gateway) {
            // Filled in by istiod's injection, from istiod's hub and tag.
            assert.equal(container.image, "auto", `${where}: ${container.name} image`);
            continue;
        }
        assert.match(container.image, new RegExp(`^${HUB.replace(/\./g, "\\.")}/[a-z0-9-]+:${settings.tag.replace(/\./g, "\\.")}$`), `${where}: ${container.name} image`);
        assert.equal(container.imagePullPolicy, settings.imagePullPolicy, `${where}: ${container.name} pull policy`);
    }
    // The single-family guard on the real charts: no family keys at all on a single-stack cluster.
    const services = objects.filter((object) => object.kind === "Service");
    for (const service of services) {
        if (dualStack && (release.chart === IstioChart.Istiod || release.chart === IstioChart.Gateway)) {
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", `${where}: Service ${service.metadata.name}`);
            assert.deepEqual(service.spec.ipFamilies, families, `${where}: Service ${service.metadata.name}`);
        } else if (!dualStack) {
            assert.notEqual(service.spec.ipFamilyPolicy, "RequireDualStack", `${where}: Service ${service.metadata.name} on a single-stack cluster`);
        }
    }

    switch (release.chart) {
        case IstioChart.Istiod: {
            const discovery = one(objects, "Deployment", release.releaseName).spec.template.spec.containers[0] as Container;
            const env = envOf(discovery);
            for (const [name, value] of Object.entries(istiodEnv(settings))) {
                assert.equal(env[name], value, `${where}: istiod env ${name}`);
            }
            assert.equal(env.PILOT_ENABLE_AMBIENT, settings.mode === "ambient" ? "true" : undefined, `${where}: PILOT_ENABLE_AMBIENT`);
            const mesh = YAML.parse(one(objects, "ConfigMap", settings.revision ? `istio-${settings.revision}` : "istio").data?.mesh ?? "") as {
                defaultConfig?: { proxyMetadata?: Record<string, string> };
                serviceScopeConfigs?: unknown[];
            };
            assert.deepEqual(mesh.defaultConfig?.proxyMetadata ?? {}, proxyMetadata(settings), `${where}: mesh proxyMetadata`);
            assert.equal(mesh.serviceScopeConfigs !== undefined, settings.mode === "ambient" && settings.release.ambientServiceScopes, `${where}: serviceScopeConfigs`);
            const injector = JSON.parse(
                one(objects, "ConfigMap", settings.revision ? `istio-sidecar-injector-${settings.revision}` : "istio-sidecar-injector").data?.values ?? "{}",
            ) as {
                global: { nativeNftables?: boolean };
            };
            assert.equal(injector.global.nativeNftables === true, settings.nativeNftables, `${where}: the injection template's global.nativeNftables`);
            break;
        }
        case IstioChart.Cni: {
            const config = one(objects, "ConfigMap", "istio-cni-config").data ?? {};
            assert.equal(config.AMBIENT_ENABLED, settings.mode === "ambient" ? "true" : "false", `${where}: AMBIENT_ENABLED`);
            if (settings.mode === "ambient") {
                assert.equal(config.AMBIENT_IPV6, families.includes("IPv6") ? "true" : "false", `${where}: AMBIENT_IPV6`);
            }
            if (settings.release.nativeNftables.sidecar) {
                assert.equal(config.NATIVE_NFTABLES, String(settings.nativeNftables), `${where}: NATIVE_NFTABLES`);
            }
            const hostPaths = (one(objects, "DaemonSet", "istio-cni-node").spec.template.spec.volumes as { name: string; hostPath?: { path: string } }[]).map(
                (volume) => volume.hostPath?.path,
            );
            assert.equal(hostPaths.includes("/home/kubernetes/bin"), settings.platform === "gke", `${where}: GKE's CNI binary directory`);
            assert.equal(
                objects.some((object) => object.kind === "ResourceQuota"),
                settings.platform === "gke",
                `${where}: istio-cni's ResourceQuota`,
            );
            break;
        }
        case IstioChart.Ztunnel: {
            const ztunnel = one(objects, "DaemonSet", "ztunnel").spec.template.spec.containers[0] as Container;
            assert.equal(envOf(ztunnel).IPV6_ENABLED, families.includes("IPv6") ? undefined : "false", `${where}: ztunnel IPV6_ENABLED`);
            // From 1.26 GKE's profile gives ztunnel its own quota; before, istio-cni's admits it.
            assert.equal(
                objects.some((object) => object.kind === "ResourceQuota"),
                settings.platform === "gke" && settings.release.cniPlatformProfileQuota,
                `${where}: ztunnel's ResourceQuota`,
            );
            break;
        }
        case IstioChart.Gateway:
            assert.equal(one(objects, "Service", release.releaseName).spec.type, "ClusterIP", `${where}: gateway Service type`);
            break;
        case IstioChart.Base:
            assert.ok(
                objects.some((object) => object.kind === "CustomResourceDefinition"),
                `${where}: base renders Istio's CRDs`,
            );
            break;
    }
}

/**
 * Step 12 (issue 16): the values of every release, in both modes, on every family layout and on
 * GKE, rendered with real helm through that release's own charts (1.24 to 1.29 from
 * e2e/tools/istio-charts, 1.30 from e2e/tools/istio), and each value checked in what the chart
 * rendered; where a chart cannot be installed by the provider's Helm, that Helm refuses it too.
 */
describe("every release's values through its own real charts", function () {
    let tools: E2eTools;
    let work: string;
    let releases: { readonly version: string; readonly chartsDir: string }[];

    before(() => {
        tools = e2eTools();
        const newest = istioChartsRelease(tools);
        releases = [
            ...[...tools.istioChartsByMinor.values()].map((entry) => ({ version: entry.release, chartsDir: entry.chartsDir })),
            { version: newest.version, chartsDir: newest.chartsDir },
        ];
        work = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-charts-"));
    });
    after(() => {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("12a. the releases under test are one per minor from 1.24 (ambient's first) to 1.30", () => {
        assert.deepEqual(
            releases.map((release) => release.version.split(".").slice(0, 2).join(".")),
            ["1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30"],
        );
    });

    for (const mode of ["sidecar", "ambient"] as const) {
        it(`12b. ${mode} mode: every chart of every release renders each value as planned, on every family layout and on GKE`, async () => {
            const jobs: Promise<void>[] = [];
            const checked: string[] = [];
            for (const { version, chartsDir } of releases) {
                for (const { label, facts } of CLUSTERS) {
                    const minor = Number(version.split(".")[1]);
                    const settings: IstioSettings = {
                        version,
                        mode,
                        chartsDir,
                        hub: HUB,
                        tag: `${version}-e2e`,
                        cni: { enabled: true },
                        nativeNftables: mode === "ambient" ? minor >= 28 : minor >= 27,
                        gateway: { enabled: true, serviceType: "ClusterIP" },
                        ...(label === "IPv6-only" ? { revision: "canary" } : {}),
                    };
                    let plan: IstioInstallPlan;
                    try {
                        plan = planIstioInstall(settings, facts);
                    } catch (error) {
                        // The releases whose gateway chart the provider's Helm refuses: planned without it.
                        assert.ok(error instanceof InputError && error.field === "gateway.enabled", String(error));
                        plan = planIstioInstall({ ...settings, gateway: { enabled: false } }, facts);
                    }
                    for (const release of plan.releases.filter((planned) => planned.chart !== IstioChart.Base || label === "dual-stack")) {
                        jobs.push(
                            render(tools, chartsDir, release, work).then((objects) => {
                                checkRendered(plan, release, objects);
                                checked.push(`${version} ${label} ${release.chart}`);
                            }),
                        );
                    }
                }
            }
            await Promise.all(jobs);
            // Every release of every row was rendered: ztunnel in ambient only, the gateway where its chart installs.
            const rows = (chart: string) => checked.filter((row) => row.endsWith(` ${chart}`)).length;
            assert.equal(rows("istiod"), releases.length * CLUSTERS.length);
            assert.equal(rows("cni"), releases.length * CLUSTERS.length);
            assert.equal(rows("ztunnel"), mode === "ambient" ? releases.length * CLUSTERS.length : 0);
            assert.equal(rows("gateway"), (releases.length - 3) * CLUSTERS.length);
            assert.equal(rows("base"), releases.length);
        });
    }

    it("12c. the gateway charts of 1.24.2, 1.25.2 and 1.26.2 are refused by real Helm (3.18.5+) as the plan says, and the fixed schema of 1.27.9 onwards renders", async () => {
        for (const { version, chartsDir } of releases) {
            const refused = ["1.24.2", "1.25.2", "1.26.2"].includes(version);
            const planned = () => planIstioInstall({ version, chartsDir, gateway: { enabled: true } }, CLUSTERS[0].facts);
            const rendering = run(tools.helm, ["template", "istio-ingressgateway", path.join(chartsDir, "gateway")], { encoding: "utf8", timeout: TIMEOUTS_MS.helm });
            if (refused) {
                assert.throws(planned, (error: InputError) => error.field === "gateway.enabled" && error.problem.includes("istio/istio#57354"));
                await assert.rejects(rendering, (error: { stderr: string }) => /additional properties '_internal_defaults_do_not_set' not allowed/.test(error.stderr));
            } else {
                assert.equal(planned().releases.at(-1)?.chart, IstioChart.Gateway);
                await rendering;
            }
        }
    });

    it("12d. istioctl 1.30 renders the ambient IstioOperator that plan --out writes: ztunnel and istio-cni with ambient and nftables on, dual-stack istiod", async () => {
        const newest = releases[releases.length - 1];
        const plan = planIstioInstall({ version: newest.version, mode: "ambient", nativeNftables: true, hub: HUB, tag: `${newest.version}-e2e` }, CLUSTERS[0].facts);
        const operatorFile = path.join(work, "istio-operator.yaml");
        fs.writeFileSync(operatorFile, YAML.stringify(istioOperator(plan.settings)));
        // istioctl renders its own embedded charts: the same commit as newest.chartsDir.
        const { stdout } = await run(tools.istioctl, ["manifest", "generate", "-f", operatorFile], {
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            timeout: TIMEOUTS_MS.helm,
        });
        const objects = objectsOf(stdout);
        const ztunnel = one(objects, "DaemonSet", "ztunnel").spec.template.spec.containers[0] as Container;
        assert.equal(ztunnel.image, `${HUB}/ztunnel:${newest.version}-e2e`);
        assert.equal(one(objects, "ConfigMap", "istio-cni-config").data?.AMBIENT_ENABLED, "true");
        assert.equal(one(objects, "ConfigMap", "istio-cni-config").data?.NATIVE_NFTABLES, "true");
        assert.equal(envOf(one(objects, "Deployment", "istiod").spec.template.spec.containers[0] as Container).PILOT_ENABLE_AMBIENT, "true");
        assert.equal(one(objects, "Service", "istiod").spec.ipFamilyPolicy, "RequireDualStack");
    });
});
