import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { kubeconfigText, makeChartsDir, tempFile } from "../support/fixtures";
import { binLoads, packagesOf, runCli } from "../support/run-cli";

function outDir(): string {
    return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "out");
}

interface PlanJson {
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        provider: string | null;
        dependsOn: string[];
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
    }[];
}

function readPlan(directory: string): PlanJson {
    return JSON.parse(fs.readFileSync(path.join(directory, "plan.json"), "utf8")) as PlanJson;
}

const URN = "urn:pulumi:dev::dualstack-istio::";

describe("dualstack-istio plan", () => {
    it("with no config, prints the default GKE stack's tree and its dual-stack summary", async () => {
        const { status, stdout, stderr } = await runCli("plan");
        assert.equal(stderr, "");
        assert.equal(status, 0);
        const lines = stdout.split("\n");
        assert.equal(lines[0], "     Type                                                 Name");
        assert.equal(lines[1], " +   pulumi:pulumi:Stack                                  dualstack-istio-dev");
        assert.equal(lines[2], " +   ├─ dualstack-istio:index:GkeDualStackCluster         dualstack-demo");
        assert.ok(lines.includes(" +   │  ├─ gcp:container/cluster:Cluster                  dualstack-demo-cluster"));
        assert.ok(lines.includes(" +   │  ├─ gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember  dualstack-demo-secrets-key-gke-agent"));
        assert.ok(lines.includes(" +   │  └─ pulumi:providers:kubernetes                    dualstack-demo-k8s"));
        assert.ok(lines.includes(" +   └─ dualstack-istio:index:DualStackIstio              istio"));
        assert.ok(lines.includes(" +      └─ kubernetes:helm.sh/v3:Release                  istio-gateway"));
        assert.ok(lines.includes("    + 25 to create"));
        const summary = lines.slice(lines.indexOf("Dual-stack summary:") + 1, lines.indexOf("Dual-stack summary:") + 12);
        assert.deepEqual(summary, [
            "    Cluster         dualstack-demo: gcp europe-west4, Kubernetes 1.35 (gke)",
            "    IP families     IPv4, IPv6 (dual-stack, IPv4 primary)",
            "    Istio           upstream 1.30.3, revision default, sidecar mode",
            "    istiod env      ISTIO_DUAL_STACK=true",
            "    Proxy metadata  ISTIO_DUAL_STACK=true",
            "    Images          europe-west4-docker.pkg.dev/my-gcp-project/istio/pilot:1.30.3, europe-west4-docker.pkg.dev/my-gcp-project/istio/proxyv2:1.30.3 (pull Always)",
            "    Charts          istio-base 1.30.3, istiod 1.30.3, istio-ingressgateway 1.30.3 from https://blob.istio.io/istio-release/charts",
            "    Services        istiod: RequireDualStack [IPv4, IPv6] through chart values; istio-ingressgateway: RequireDualStack [IPv4, IPv6] through chart values",
            "    Edge            load balancers reach IPv4 and IPv6 clients; istio-ingressgateway Service: cloud.google.com/l4-rbs=enabled",
            "    CIS             CIS GKE Benchmark v1.9.0: 25 of 27 on; off: 5.6.3 (on with gcp.authorizedNetworks: [your CIDRs]), 5.6.4 (on with gcp.privateEndpoint: true)",
            "    Resources       25 (3 components and the stack)",
        ]);
        assert.ok(stdout.includes("Warnings:\n    gcp.authorizedNetworks: not set:"));
    });

    it("--out writes plan.json, plan.md, the values of each release and an IstioOperator, byte-identical on every run", async () => {
        const [first, second] = [outDir(), outDir()];
        assert.equal((await runCli("plan", "--out", first)).status, 0);
        assert.equal((await runCli("plan", "--out", second)).status, 0);
        const files = fs.readdirSync(first).sort();
        assert.deepEqual(files, [
            ".dualstack-istio-plan.json",
            "istio-base-values.yaml",
            "istio-ingressgateway-values.yaml",
            "istio-operator.yaml",
            "istiod-values.yaml",
            "plan.json",
            "plan.md",
        ]);
        for (const file of files) {
            assert.equal(fs.readFileSync(path.join(first, file), "utf8"), fs.readFileSync(path.join(second, file), "utf8"), file);
        }

        const plan = readPlan(first);
        assert.deepEqual(Object.keys(plan.resources[0] ?? {}), ["urn", "type", "name", "parent", "provider", "dependsOn", "inputs", "outputs"]);
        const byName = (name: string) => plan.resources.find((resource) => resource.name === name);
        const nodePool = `${URN}dualstack-istio:index:GkeDualStackCluster$gcp:container/nodePool:NodePool::dualstack-demo-nodes`;
        assert.deepEqual(byName("istio-base")?.dependsOn, [`${URN}dualstack-istio:index:DualStackIstio$kubernetes:core/v1:Namespace::istio-istio-system`]);
        assert.ok(byName("istio-istiod")?.dependsOn.includes(nodePool));
        assert.equal(byName("istio-istiod")?.provider, `${URN}dualstack-istio:index:GkeDualStackCluster$pulumi:providers:kubernetes::dualstack-demo-k8s`);
        assert.equal(byName("dualstack-demo-k8s")?.inputs.kubeconfig, "[secret]");
        assert.equal(byName("dualstack-demo")?.outputs.kubeconfig, "[secret]");
        assert.equal(byName("dualstack-demo-cluster")?.inputs.datapathProvider, "ADVANCED_DATAPATH");

        // Each values file holds exactly the values its Release is given.
        for (const [release, file] of [
            ["istio-base", "istio-base-values.yaml"],
            ["istio-istiod", "istiod-values.yaml"],
            ["istio-gateway", "istio-ingressgateway-values.yaml"],
        ] as const) {
            assert.deepEqual(parse(fs.readFileSync(path.join(first, file), "utf8")), byName(release)?.inputs.values, file);
        }
        const istiodValues = byName("istio-istiod")?.inputs.values as { global: { hub: string; tag: string }; pilot: { env: Record<string, string> } };
        assert.equal(istiodValues.global.hub, "europe-west4-docker.pkg.dev/my-gcp-project/istio");
        assert.deepEqual(istiodValues.pilot.env, { ISTIO_DUAL_STACK: "true" });
        const operator = parse(fs.readFileSync(path.join(first, "istio-operator.yaml"), "utf8")) as {
            kind: string;
            spec: { hub: string; tag: string; values: { pilot: { env: Record<string, string> } } };
        };
        assert.equal(operator.kind, "IstioOperator");
        assert.equal(operator.spec.hub, "europe-west4-docker.pkg.dev/my-gcp-project/istio");
        assert.deepEqual(operator.spec.values.pilot.env, { ISTIO_DUAL_STACK: "true" });

        const markdown = fs.readFileSync(path.join(first, "plan.md"), "utf8");
        assert.ok(markdown.startsWith("# Plan: dualstack-demo (gcp)\n"));
        assert.ok(markdown.includes('```mermaid\nflowchart TD\n    subgraph r0["Stack<br/>dualstack-istio-dev"]'));
        assert.ok(markdown.includes("| IP families | IPv4, IPv6 (dual-stack, IPv4 primary) |"));
        assert.equal(markdown.split("\n").filter((line) => line.startsWith("| `")).length, plan.resources.length);
    });

    it("plans the example stack file, a GKE config with --set, and an existing cluster", async () => {
        const example = await runCli("plan", "--config", "Pulumi.example.yaml");
        assert.equal(example.status, 0, example.stderr);
        assert.ok(example.stdout.includes("dualstack-demo: gcp europe-west4, Kubernetes 1.35 (gke)"));

        const gke = await runCli("plan", "--set", "clusterName=edge", "--set", "istio.cni.enabled=true", "--set", "istio.revision=canary", "--set", "nodes.maxCount=6");
        assert.equal(gke.status, 0, gke.stderr);
        assert.match(gke.stdout, / \+   ├─ dualstack-istio:index:GkeDualStackCluster +edge\n/);
        assert.ok(gke.stdout.includes("istio-cni"));
        assert.ok(gke.stdout.includes("Istio           upstream 1.30.3, revision canary, sidecar mode"));

        const kubeconfig = tempFile("config", kubeconfigText(["kind-dual-stack"]));
        const config = tempFile(
            "stack.yaml",
            `cloud: existing\nclusterName: kind\nkubernetesVersion: "1.33"\nexisting:\n  kubeconfig: ${kubeconfig}\nistio:\n  gateway: {enabled: true, serviceType: NodePort}\n`,
        );
        const existing = await runCli("plan", "--config", config);
        assert.equal(existing.status, 0, existing.stderr);
        assert.ok(existing.stdout.includes("kind: existing cluster, context kind-dual-stack at https://127.0.0.1:6443, Kubernetes 1.33 (generic)"));
        assert.match(existing.stdout, / \+   ├─ dualstack-istio:index:ExistingCluster +kind\n \+   │  └─ pulumi:providers:kubernetes +kind-k8s\n/);
    });

    it("plans the EKS example: the IPv6 cluster, its dual-stack VPC and edge, and IPv6 Istio behind it", async () => {
        const directory = outDir();
        const { status, stdout, stderr } = await runCli("plan", "--config", "examples/eks/stack-config.yaml", "--out", directory);
        assert.equal(status, 0, stderr);
        for (const line of [
            " +   ├─ dualstack-istio:index:EksIpv6Cluster                            dualstack-eks",
            " +   │  ├─ aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway  dualstack-eks-eigw",
            " +   │  └─ kubernetes:helm.sh/v3:Release                                dualstack-eks-lb-controller",
            "    Cluster         dualstack-eks: aws eu-west-1, Kubernetes 1.35 (eks)",
            "    IP families     IPv6 (single-stack)",
            "    Services        istiod: SingleStack IPv6; istio-ingressgateway: SingleStack IPv6",
        ]) {
            assert.ok(stdout.includes(`${line}\n`), line);
        }
        assert.match(
            stdout,
            /\n    Edge            load balancers reach IPv4 and IPv6 clients; istio-ingressgateway Service: aws-load-balancer-type=external, .*aws-load-balancer-ip-address-type=dualstack/,
        );
        assert.match(stdout, /\+ 58 to create/);
        assert.ok(!stdout.includes("Warnings:"));
        const plan = readPlan(directory);
        const subnets = plan.resources.filter((resource) => resource.type === "aws:ec2/subnet:Subnet");
        assert.deepEqual(
            subnets.map((subnet) => [subnet.name, subnet.inputs.availabilityZone, subnet.inputs.cidrBlock]),
            [
                ["dualstack-eks-public-0", "eu-west-1a", "10.0.128.0/20"],
                ["dualstack-eks-private-0", "eu-west-1a", "10.0.0.0/20"],
                ["dualstack-eks-public-1", "eu-west-1b", "10.0.144.0/20"],
                ["dualstack-eks-private-1", "eu-west-1b", "10.0.16.0/20"],
            ],
        );
        assert.equal(new Set(subnets.map((subnet) => subnet.inputs.ipv6CidrBlock)).size, 4);
        assert.ok(fs.existsSync(path.join(directory, "aws-load-balancer-controller-values.yaml")));
        assert.equal(
            (parse(fs.readFileSync(path.join(directory, "istio-ingressgateway-values.yaml"), "utf8")) as { service: { annotations: Record<string, string> } }).service.annotations[
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
            ],
            "ip",
        );
    });

    it("plans the experimental-dual-stack flavour from a local chartsDir", async () => {
        const charts = makeChartsDir();
        const directory = outDir();
        const { status, stdout, stderr } = await runCli(
            "plan",
            "--out",
            directory,
            "--set",
            "istio.flavor=experimental-dual-stack",
            "--set",
            `istio.chartsDir=${charts}`,
            "--set",
            "istio.tag=ds-dev",
            "--set",
            "istio.gateway.enabled=false",
        );
        assert.equal(status, 0, stderr);
        assert.ok(stdout.includes("Istio           experimental-dual-stack experimental-dual-stack, revision default, sidecar mode"));
        assert.ok(stdout.includes(`from local charts ${charts}`));
        assert.ok(stdout.includes("istiod: RequireDualStack [IPv4, IPv6] by ServicePatch of istiod"));
        const istiod = readPlan(directory).resources.find((resource) => resource.name === "istio-istiod");
        assert.equal(istiod?.inputs.chart, path.join(charts, "istio-control/istio-discovery"));
        assert.equal(istiod?.inputs.version, undefined);
        assert.deepEqual((istiod?.inputs.values as { pilot: { env: Record<string, string> } }).pilot.env, { ISTIO_DUAL_STACK: "true", PILOT_USE_ENDPOINT_SLICE: "true" });
    });

    const refusals: [string, string[], string][] = [
        ["an unknown key", ["--set", "istio.gatway.enabled=true"], "error: istio.gatway: unknown key; did you mean istio.gateway?"],
        ["a wrong type", ["--set", "istio.gateway.enabled=yes"], 'error: istio.gateway.enabled: expected true or false, got "yes"'],
        ["a component rule", ["--set", "region=europe-west4-a"], "error: region: 'europe-west4-a' is a zone; give its region, europe-west4, for a regional cluster"],
        ["a missing config file", ["--config", "/nonexistent.yaml"], "error: --config: cannot read /nonexistent.yaml (no such file)"],
        ["a folder as the config file", ["--config", os.tmpdir()], `error: --config: ${os.tmpdir()} is a folder, not a file; give a regular file`],
        ["a bad --set", ["--set", "nodes.count"], "error: --set: 'nodes.count' is not key.path=value, e.g. istio.gateway.enabled=true"],
        [
            "dual-stack pods on EKS",
            ["--config", "examples/eks/stack-config.yaml", "--set", "aws.ipFamilies=[IPv4, IPv6]"],
            "error: aws.ipFamilies: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers",
        ],
        [
            "an open EKS API range",
            ["--config", "examples/eks/stack-config.yaml", "--set", "aws.publicAccessCidrs=[::/0]"],
            "error: aws.publicAccessCidrs[0]: '::/0' allows every address; list the networks that need access instead",
        ],
        [
            "the branch without a chartsDir",
            ["--set", "istio.flavor=experimental-dual-stack", "--set", "istio.tag=ds"],
            "error: istio.chartsDir: is required with flavor experimental-dual-stack: give the manifests/charts folder of your checkout of the branch",
        ],
    ];
    for (const [what, args, message] of refusals) {
        it(`refuses ${what}: exit 2, one line, nothing written`, async () => {
            const directory = outDir();
            const { status, stdout, stderr } = await runCli("plan", "--out", directory, ...args);
            assert.deepEqual({ status, stdout, stderr }, { status: 2, stdout: "", stderr: `${message}\n` });
            assert.equal(fs.existsSync(directory), false);
        });
    }

    it("runs as compiled JavaScript, without ts-node or TypeScript, loading only the cloud SDK in use", () => {
        // Which of ts-node, TypeScript and the cloud SDKs a plan loads.
        const loadedBy = (...args: string[]) => packagesOf(binLoads(args).loaded).filter((name) => /^(ts-node|typescript|@pulumi\/(gcp|aws|azure-native))$/.test(name));
        assert.deepEqual(loadedBy("plan"), ["@pulumi/gcp"]);
        const kubeconfig = tempFile("config", kubeconfigText(["kind-dual-stack"]));
        const existing = tempFile("stack.yaml", `cloud: existing\nclusterName: k\nkubernetesVersion: "1.33"\nexisting: {kubeconfig: ${kubeconfig}}\n`);
        assert.deepEqual(loadedBy("plan", "--config", existing), []);
        assert.deepEqual(loadedBy("plan", "--config", "examples/eks/stack-config.yaml"), ["@pulumi/aws"]);
    });
});
