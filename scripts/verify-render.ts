/**
 * Renders Istio's real charts with this package's values and checks what reaches Kubernetes.
 *
 *   npm run verify:render -- --charts ~/istio/manifests/charts [--helm helm] [values flags…]
 *
 * `--charts` is a checkout's manifests/charts at the tag (or branch) under test; the values flags
 * are those of `dualstack-istio values` (`--istio-version`, `--flavor`, `--hub`, `--tag`,
 * `--kubernetes-version`, `--ip-families`, `--platform`, `--revision`). Needs a Helm 3 client.
 * Exits 1 on any failed check, 2 on bad flags.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { resolveFromFlags } from "../cli/values-command";
import { InputError } from "../components/errors";
import { CHART_DIRECTORIES } from "../components/istio/charts";
import type { ResolvedIstioSettings } from "../components/istio/settings";
import { chartValues, GATEWAY_NAMESPACE, ISTIO_NAMESPACE, IstioChart, istiodEnv, proxyMetadata, releaseName } from "../components/istio/values";

// API versions Kubernetes has stopped serving by 1.26 that Istio charts have been known to render.
const REMOVED_APIS = [
    "policy/v1beta1",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1beta1",
    "admissionregistration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1beta1",
    "networking.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
];

interface Container {
    image?: string;
    imagePullPolicy?: string;
    env?: { name: string; value?: string }[];
}

/** The parts of rendered objects the checks read. */
interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec?: { template?: { spec: { containers: Container[] } }; ipFamilyPolicy?: string; ipFamilies?: string[] };
    data?: Record<string, string>;
}

const TEXT_FLAGS = ["charts", "helm", "flavor", "istio-version", "kubernetes-version", "ip-families", "platform", "hub", "tag", "revision"];

function main(args: string[]): number {
    let options: Record<string, string | undefined>;
    let resolved: ResolvedIstioSettings;
    try {
        options = parseArgs({
            args,
            options: Object.fromEntries(TEXT_FLAGS.map((name) => [name, { type: "string" as const }])),
        }).values;
        if (!options.charts) {
            throw new InputError("--charts", "required; give a checkout's manifests/charts folder");
        }
        // The same flags, defaults and checks as `dualstack-istio values`, with every chart on.
        resolved = resolveFromFlags(
            {
                flavor: options.flavor,
                istioVersion: options["istio-version"],
                kubernetesVersion: options["kubernetes-version"],
                ipFamilies: options["ip-families"],
                platform: options.platform,
                hub: options.hub,
                tag: options.tag,
                revision: options.revision,
            },
            { gateway: true, cni: true },
        );
    } catch (error) {
        console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
        return 2;
    }
    const chartsDir = options.charts;
    const helm = options.helm ?? "helm";
    const kubernetesVersion = resolved.kubernetes.text;
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
        console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
        if (!ok) {
            failures.push(what);
        }
    };
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "verify-render-"));
    console.log(`Istio ${resolved.release.label} on Kubernetes ${kubernetesVersion}, families ${resolved.ipFamilies.join(",")}`);
    for (const chart of [IstioChart.Base, IstioChart.Istiod, IstioChart.Cni, IstioChart.Gateway]) {
        const valuesFile = path.join(work, `${chart}.yaml`);
        fs.writeFileSync(valuesFile, JSON.stringify(chartValues(chart, resolved)));
        const namespace = chart === IstioChart.Gateway ? GATEWAY_NAMESPACE : ISTIO_NAMESPACE;
        const release = releaseName(chart, resolved.revision);
        console.log(`${chart} (${release}):`);
        let rendered: string;
        try {
            rendered = execFileSync(
                helm,
                ["template", release, path.join(chartsDir, CHART_DIRECTORIES[chart]), "-n", namespace, "-f", valuesFile, "--kube-version", kubernetesVersion],
                {
                    encoding: "utf8",
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
        } catch (error) {
            check(false, `helm template: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`);
            continue;
        }
        const manifests = parseAllDocuments(rendered)
            .map((document) => document.toJSON() as Manifest | null)
            .filter((m): m is Manifest => !!m);
        const removed = manifests.filter((manifest) => REMOVED_APIS.includes(manifest.apiVersion));
        check(removed.length === 0, `no removed APIs${removed.length ? `: ${removed.map((m) => `${m.apiVersion} ${m.kind}`).join(", ")}` : ""}`);
        if (chart !== IstioChart.Istiod) {
            continue;
        }
        const deployment = manifests.find((manifest) => manifest.kind === "Deployment" && manifest.metadata.name === release);
        const container = deployment?.spec?.template?.spec.containers[0];
        check(container?.image === `${resolved.hub}/pilot:${resolved.tag}`, `image ${container?.image} is ${resolved.hub}/pilot:${resolved.tag}`);
        check(container?.imagePullPolicy === resolved.imagePullPolicy, `imagePullPolicy ${container?.imagePullPolicy} is ${resolved.imagePullPolicy}`);
        const env = Object.fromEntries((container?.env ?? []).map((entry) => [entry.name, entry.value]));
        for (const [name, value] of Object.entries(istiodEnv(resolved))) {
            check(env[name] === value, `istiod env ${name}=${JSON.stringify(env[name])}`);
        }
        const configMap = manifests.find((manifest) => manifest.kind === "ConfigMap" && manifest.metadata.name === (resolved.revision ? `istio-${resolved.revision}` : "istio"));
        const mesh = parseAllDocuments(configMap?.data?.mesh ?? "")[0]?.toJSON() as { defaultConfig?: { proxyMetadata?: Record<string, string> } } | undefined;
        check(
            JSON.stringify(mesh?.defaultConfig?.proxyMetadata ?? {}) === JSON.stringify(proxyMetadata(resolved)),
            `mesh proxyMetadata ${JSON.stringify(mesh?.defaultConfig?.proxyMetadata ?? {})}`,
        );
        const service = manifests.find((manifest) => manifest.kind === "Service" && manifest.metadata.name === release);
        const families = `${service?.spec?.ipFamilyPolicy ?? "-"} ${JSON.stringify(service?.spec?.ipFamilies ?? [])}`;
        if (resolved.release.istiodServiceFamilyKeys && resolved.ipFamilies.length === 2) {
            check(service?.spec?.ipFamilyPolicy === "RequireDualStack", `istiod Service ${families}`);
        } else {
            console.log(`  note istiod Service ${families}: the chart has no family keys; DualStackIstio patches it after install`);
        }
    }
    fs.rmSync(work, { recursive: true, force: true });
    console.log(failures.length === 0 ? "all checks passed" : `${failures.length} check(s) failed`);
    return failures.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
