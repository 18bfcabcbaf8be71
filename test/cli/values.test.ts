import assert from "node:assert/strict";
import { parse } from "yaml";
import { resolveIstioSettings } from "../../components/istio/settings";
import { istiodValues } from "../../components/istio/values";
import { binLoads, packagesOf, runCli } from "../support/run-cli";

describe("dualstack-istio values", () => {
    it("prints istiod's values for the default Istio on a dual-stack cluster", async () => {
        const { status, stdout, stderr } = await runCli("values");
        assert.equal(status, 0);
        assert.equal(stderr, "");
        const expected = istiodValues(resolveIstioSettings({}, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.32" }));
        assert.deepEqual(parse(stdout), expected);
        assert.match(stdout, /ISTIO_DUAL_STACK: "true"/, "switches are quoted strings in the YAML");
    });

    it("prints the branch's values with both switches and the Kubernetes 1.25 workarounds", async () => {
        const { status, stdout, stderr } = await runCli(
            "values",
            "--flavor",
            "experimental-dual-stack",
            "--hub",
            "registry.example.com/istio",
            "--tag",
            "ds-dev",
            "--kubernetes-version",
            "1.29",
        );
        assert.equal(status, 0);
        const values = parse(stdout);
        assert.deepEqual(values.pilot.env, { ISTIO_DUAL_STACK: "true", PILOT_USE_ENDPOINT_SLICE: "true" });
        assert.equal(values.global.imagePullPolicy, "Always");
        assert.deepEqual(values.global.defaultPodDisruptionBudget, { enabled: false });
        assert.equal(values.pilot.autoscaleEnabled, false);
        assert.deepEqual(values.meshConfig.defaultConfig.proxyMetadata, { ISTIO_AGENT_DUAL_STACK: "true" });
        assert.deepEqual(stderr.trim().split("\n"), [
            "warning: --kubernetes-version: Istio experimental-dual-stack was tested with Kubernetes 1.21 to 1.24, not 1.29",
            "warning: --flavor: the experimental-dual-stack branch is a 2022 prototype without tests upstream; use it for experiments, not production",
            `warning: --chart: the istiod chart of Istio experimental-dual-stack has no Service family keys, so Helm leaves Service istio-system/istiod single-stack; after helm install, run: kubectl patch service istiod -n istio-system --type merge -p '{"spec":{"ipFamilyPolicy":"RequireDualStack","ipFamilies":["IPv4","IPv6"]}}'`,
        ]);
    });

    it("prints each chart: base, gateway, cni", async () => {
        assert.deepEqual(parse((await runCli("values", "--chart", "base", "--revision", "canary")).stdout), {
            global: { istioNamespace: "istio-system" },
            defaultRevision: "canary",
        });
        assert.deepEqual(parse((await runCli("values", "--chart", "gateway", "--gateway-service-type", "NodePort")).stdout), {
            service: { type: "NodePort", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
        });
        assert.deepEqual(parse((await runCli("values", "--chart", "cni", "--platform", "gke", "--image-pull-secret", "a", "--image-pull-secret", "b")).stdout), {
            global: { hub: "docker.io/istio", tag: "1.30.3", imagePullPolicy: "IfNotPresent", imagePullSecrets: ["a", "b"], platform: "gke" },
            cni: { cniBinDir: "/home/kubernetes/bin" },
        });
    });

    it("prints an IstioOperator for istioctl users", async () => {
        const operator = parse((await runCli("values", "--format", "istio-operator", "--istio-version", "1.17.8", "--kubernetes-version", "1.26")).stdout);
        assert.equal(operator.kind, "IstioOperator");
        assert.deepEqual(operator.spec.meshConfig, { defaultConfig: { proxyMetadata: { ISTIO_AGENT_DUAL_STACK: "true" } } });
        // istioctl 1.17's k8s.service has no family fields (istio/api's own ServiceSpec): an overlay sets them.
        assert.deepEqual(operator.spec.components.pilot.k8s, {
            overlays: [
                {
                    kind: "Service",
                    name: "istiod",
                    patches: [
                        { path: "spec.ipFamilyPolicy", value: "RequireDualStack" },
                        { path: "spec.ipFamilies", value: ["IPv4", "IPv6"] },
                    ],
                },
            ],
        });
    });

    describe("bad input: exit 2, one line on stderr, nothing on stdout", () => {
        const cases: [string[], string][] = [
            [["--hub", "HTTPS://Registry/istio"], "error: --hub: 'HTTPS://Registry/istio' must not include a scheme; write it as Registry/istio"],
            [["--hub", "docker.io/istio/"], "error: --hub: 'docker.io/istio/' must not end with '/'; write it as docker.io/istio"],
            [["--tag", "1.30.3"], "error: --tag: is set without hub; give the registry the tagged images live in, e.g. hub: docker.io/istio"],
            [["--hub", "docker.io/istio", "--tag", "a b"], "error: --tag: 'a b' contains whitespace; tags are letters, digits, '_', '.' and '-'"],
            [["--istio-version", "1.16.0"], "error: --istio-version: Istio 1.16.0 has no dual-stack support; upstream Istio 1.17.0 or newer is required"],
            [["--istio-version", "1.30"], "error: --istio-version: '1.30' is not an Istio release version; expected X.Y.Z, e.g. 1.30.3"],
            [["--kubernetes-version", "1.22"], "error: --kubernetes-version: Kubernetes 1.22 is not supported; dual-stack Services need Kubernetes 1.23 or newer"],
            [["--kubernetes-version", "1.29"], "error: --kubernetes-version: Kubernetes 1.29 is below the minimum for Istio 1.30.3; it needs Kubernetes 1.32 or newer"],
            [["--revision", "default"], "error: --revision: must not be 'default', which names the unrevisioned control plane; leave it unset for that"],
            [["--flavor", "nightly"], "error: --flavor: 'nightly' is not an Istio flavor; allowed: upstream, experimental-dual-stack"],
            [
                ["--flavor", "experimental-dual-stack"],
                "error: --hub: is required with flavor experimental-dual-stack: the branch publishes no images; give the hub and tag you pushed from `make docker`",
            ],
            [["--ip-families", "IPv6,IPv6"], "error: --ip-families: [IPv6, IPv6] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]"],
            [["--image-pull-secret", "Bad"], "error: --image-pull-secret: 'Bad' is not a Secret name; use a DNS-1123 subdomain"],
            [["--chart", "waypoint"], "error: --chart: 'waypoint' is not a chart; allowed: istiod, base, gateway, cni, ztunnel"],
            [["--chart", "ztunnel"], "error: --chart: ztunnel is ambient mode's node proxy; add --mode ambient"],
            [
                ["--mode", "ambient", "--istio-version", "1.23.6", "--kubernetes-version", "1.29"],
                "error: --mode: ambient needs Istio 1.24.0 or newer, where ztunnel and istio-cni are dual-stack; Istio 1.23.6 has no dual-stack ambient",
            ],
            [["--mode", "waypoint"], "error: --mode: 'waypoint' is not a data-plane mode; allowed: sidecar, ambient"],
            [["--format", "json"], "error: --format: 'json' is not a format; allowed: helm, istio-operator"],
            [["--platform", "aks"], "error: --platform: 'aks' is not a platform; allowed: generic, gke, eks"],
            [["--no-such-flag"], "error: --no-such-flag: unknown option; run with --help for the flags"],
            [["--hub"], "error: --hub: needs a value"],
            ...["--platform eks", "--platform eks --ip-families IPv4,IPv6", "--platform eks --ip-families IPv6,IPv4"].map((args): [string[], string] => [
                args.split(" "),
                `error: --ip-families: [${args.includes("IPv6,IPv4") ? "IPv6, IPv4" : "IPv4, IPv6"}] with --platform eks: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); give the cluster's one family, --ip-families IPv6 or IPv4`,
            ]),
            [
                ["--platform", "eks", "--ip-families", "IPv6,IPv6"],
                "error: --ip-families: [IPv6, IPv6] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]",
            ],
            ...(
                [
                    ["1.17.8", "1.18.5", "--cni"],
                    ["1.18.3", "1.18.5", "--cni"],
                    ["1.19.0", "1.19.1", "--cni"],
                    ["1.19.0", "1.19.1", "--chart cni"],
                ] as const
            ).map(([version, fix, args]): [string[], string] => [
                ["--istio-version", version, "--kubernetes-version", "1.27", ...args.split(" ")],
                `error: --cni: Istio ${version}'s CNI plugin redirects one IP family only (it reads no dual-stack switch), so on a dual-stack cluster the other family would bypass the sidecar; turn CNI off, or use Istio ${fix} or newer`,
            ]),
        ];
        for (const [args, line] of cases) {
            it(args.join(" "), async () => {
                const { status, stdout, stderr } = await runCli("values", ...args);
                assert.equal(status, 2);
                assert.equal(stdout, "");
                assert.equal(stderr, `${line}\n`);
            });
        }

        it("no command, or an unknown one", async () => {
            assert.deepEqual(await runCli(), { status: 2, stdout: "", stderr: "error: command: missing; available: plan, values, fleet (run dualstack-istio --help)\n" });
            assert.deepEqual(await runCli("plan-everything"), {
                status: 2,
                stdout: "",
                stderr: "error: command: unknown command 'plan-everything'; run dualstack-istio --help\n",
            });
        });
    });

    describe("a Service the chart cannot make dual-stack: the kubectl patch to run after helm install, on stderr", () => {
        const patch = (chart: string, version: string, namespace: string, name: string, families = '"IPv4","IPv6"') =>
            `warning: --chart: the ${chart} chart of Istio ${version} has no Service family keys, so Helm leaves Service ${namespace}/${name} single-stack; ` +
            `after helm install, run: kubectl patch service ${name} -n ${namespace} --type merge -p '{"spec":{"ipFamilyPolicy":"RequireDualStack","ipFamilies":[${families}]}}'`;
        const istiod = (version: string, name = "istiod") => patch("istiod", version, "istio-system", name);
        const gateway = (version: string, families?: string) => patch("gateway", version, "istio-ingress", "istio-ingressgateway", families);
        const BRANCH = ["--flavor", "experimental-dual-stack", "--hub", "registry.example.com/istio", "--tag", "ds-dev", "--kubernetes-version", "1.24"];
        const cases: [string, string[], string[]][] = [
            ["1.17.8 istiod", ["--istio-version", "1.17.8", "--kubernetes-version", "1.26"], [istiod("1.17.8")]],
            ["1.17.8 istiod, revision canary", ["--istio-version", "1.17.8", "--kubernetes-version", "1.26", "--revision", "canary"], [istiod("1.17.8", "istiod-canary")]],
            ["1.19.0 istiod", ["--istio-version", "1.19.0", "--kubernetes-version", "1.27"], [istiod("1.19.0")]],
            ["1.19.0 gateway", ["--istio-version", "1.19.0", "--kubernetes-version", "1.27", "--chart", "gateway"], [gateway("1.19.0")]],
            [
                "1.19.0 gateway, IPv6 first",
                ["--istio-version", "1.19.0", "--kubernetes-version", "1.27", "--chart", "gateway", "--ip-families", "IPv6,IPv4"],
                [gateway("1.19.0", '"IPv6","IPv4"')],
            ],
            ["1.19.1 istiod", ["--istio-version", "1.19.1", "--kubernetes-version", "1.27"], [istiod("1.19.1")]],
            ["1.19.1 gateway: the chart has the keys", ["--istio-version", "1.19.1", "--kubernetes-version", "1.27", "--chart", "gateway"], []],
            ["1.20.0 istiod: the chart has the keys", ["--istio-version", "1.20.0", "--kubernetes-version", "1.27"], []],
            ["1.30.3 istiod", [], []],
            ["the branch, istiod", BRANCH, [istiod("experimental-dual-stack")]],
            ["the branch, gateway", [...BRANCH, "--chart", "gateway"], [gateway("experimental-dual-stack")]],
            ["1.17.8 on a single-stack cluster", ["--istio-version", "1.17.8", "--kubernetes-version", "1.26", "--ip-families", "IPv6"], []],
            ["1.17.8 base", ["--istio-version", "1.17.8", "--kubernetes-version", "1.26", "--chart", "base"], []],
            ["1.17.8 IstioOperator: istioctl's overlays do it", ["--istio-version", "1.17.8", "--kubernetes-version", "1.26", "--format", "istio-operator"], []],
        ];
        for (const [name, args, expected] of cases) {
            it(name, async () => {
                const { status, stderr } = await runCli("values", ...args);
                assert.equal(status, 0);
                assert.deepEqual(
                    stderr.split("\n").filter((line) => line.startsWith("warning: --chart:")),
                    expected,
                );
            });
        }
    });

    it("runs as plain JavaScript: no TypeScript and no Pulumi package is loaded", () => {
        const run = binLoads(["values"]);
        assert.equal(run.status, 0);
        assert.deepEqual(
            packagesOf(run.loaded).filter((name) => /^(typescript|ts-node|@pulumi\/.*)$/.test(name)),
            [],
        );
    });
});
