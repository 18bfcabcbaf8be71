import assert from "node:assert/strict";
import { availability, E2E_HUB, familyOf, HarnessCluster, shown, type KubeObject } from "./support/kube";
import { RootProject } from "./support/pulumi";
import { e2eTools, istioChartsRelease, type E2eTools } from "./support/tools";

const HUB = E2E_HUB;

/**
 * Step 11 (issue 16): the root program in ambient mode on a real dual-stack API server of its own
 * (kwok nodes), so it never shares istio-system with the sidecar suite: base, istiod, istio-cni
 * and ztunnel installed by Istio's real charts, ztunnel scheduled and ready on every node, the
 * Services dual-stack as the server holds them; the post-install proof's resources and Jobs, an
 * update failed by a failing IPv6 probe; nothing left after destroy.
 */
describe("ambient mode: the root program on a real dual-stack control plane", function () {
    this.bail(true);
    let tools: E2eTools;
    let cluster: HarnessCluster;
    let project: RootProject;
    let istio: { chartVersion: string; chartsDir: string; version: string };

    before(() => {
        tools = e2eTools();
        istio = istioChartsRelease(tools);
        cluster = HarnessCluster.up(tools, "e2e-ambient");
        project = new RootProject(tools, "ambient");
    });
    after(() => {
        project?.remove();
        if (!process.env.E2E_KEEP_CLUSTERS) {
            cluster?.down();
        }
    });

    const serviceFamilies = (service: KubeObject) => (service.spec.clusterIPs as string[]).map(familyOf);

    const tag = () => `${istio.version}-ambient`;
    /** The stack's config, with the proof's settings as given. */
    const config = (verify: Record<string, unknown>) => ({
        cloud: "existing",
        clusterName: "e2e-ambient",
        kubernetesVersion: cluster.kubernetesVersion,
        existing: { kubeconfig: cluster.kubeconfig, context: cluster.context, ipFamilies: ["IPv4", "IPv6"] },
        istio: { mode: "ambient", version: istio.version, chartsDir: istio.chartsDir, hub: HUB, tag: tag(), gateway: { enabled: true, serviceType: "NodePort" }, verify },
    });
    /** The proof's Jobs as the server holds them, by probe: whether each completed or failed (one Job a probe, or "several"). */
    const probeOutcomes = (): Record<string, string> =>
        cluster.list("jobs", "istio-verify").reduce<Record<string, string>>((outcomes, job) => {
            const status = job.status as { succeeded?: number; failed?: number };
            const probe = job.metadata.labels?.["dualstack-istio.io/probe"] ?? job.metadata.name;
            outcomes[probe] = probe in outcomes ? "several" : status.succeeded === 1 ? "succeeded" : status.failed === 1 ? "failed" : "running";
            return outcomes;
        }, {});

    it("11a. pulumi up installs base, istiod, istio-cni and ztunnel: ztunnel ready on every node, the Services dual-stack", () => {
        project.init(config({ enabled: true, timeoutSeconds: 30 }));
        project.pulumi(["up", "--yes", "--skip-preview"]);

        assert.deepEqual(cluster.releaseRows(), [
            `istio-ingress/istio-ingressgateway gateway-${istio.chartVersion} deployed`,
            `istio-system/istio-base base-${istio.chartVersion} deployed`,
            `istio-system/istio-cni cni-${istio.chartVersion} deployed`,
            `istio-system/istiod istiod-${istio.chartVersion} deployed`,
            `istio-system/ztunnel ztunnel-${istio.chartVersion} deployed`,
        ]);

        const nodes = cluster.list("nodes");
        const ztunnel = cluster.get("daemonset", "ztunnel", "istio-system");
        assert.equal(ztunnel.status.desiredNumberScheduled, nodes.length, shown(ztunnel.status));
        assert.equal(ztunnel.status.numberReady, nodes.length, shown(ztunnel.status));
        assert.equal(ztunnel.spec.template.spec.containers[0].image, `${HUB}/ztunnel:${tag()}`);
        const cni = cluster.get("daemonset", "istio-cni-node", "istio-system");
        assert.equal(cni.status.numberReady, nodes.length, shown(cni.status));
        const cniConfig = cluster.get("configmap", "istio-cni-config", "istio-system");
        assert.equal(cniConfig.data?.AMBIENT_ENABLED, "true", shown(cniConfig.data));
        assert.equal(cniConfig.data?.AMBIENT_IPV6, "true", shown(cniConfig.data));

        const istiod = cluster.get("deployment", "istiod", "istio-system");
        assert.equal(availability(istiod), "True", shown(istiod.status));
        const env = Object.fromEntries((istiod.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((entry) => [entry.name, entry.value]));
        assert.equal(env.PILOT_ENABLE_AMBIENT, "true");
        assert.equal(env.ISTIO_DUAL_STACK, "true");
        assert.equal(istiod.spec.template.spec.containers[0].image, `${HUB}/pilot:${tag()}`);

        for (const [name, namespace] of [
            ["istiod", "istio-system"],
            ["istio-ingressgateway", "istio-ingress"],
        ]) {
            const service = cluster.get("service", name, namespace);
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", shown(service.spec));
            assert.deepEqual(serviceFamilies(service), ["IPv4", "IPv6"], shown(service.spec));
        }
    });

    it("11b. the proof (verify.enabled): an ambient-enrolled namespace, a RequireDualStack echo, and every probe Job completed before the update did", () => {
        const namespace = cluster.get("namespace", "istio-verify");
        assert.equal(namespace.metadata.labels?.["istio.io/dataplane-mode"], "ambient", shown(namespace.metadata));
        const echo = cluster.get("service", "echo", "istio-verify");
        assert.equal(echo.spec.ipFamilyPolicy, "RequireDualStack", shown(echo.spec));
        assert.deepEqual(serviceFamilies(echo), ["IPv4", "IPv6"], shown(echo.spec));
        assert.equal(availability(cluster.get("deployment", "echo", "istio-verify")), "True");
        // kwok runs no containers: its pod-complete stage ends each client's pod as Succeeded. What
        // this proves is the wiring, the order and that the update waits for the Jobs; the client
        // itself is run for real against local servers in test/istio/verify.test.ts.
        assert.deepEqual(probeOutcomes(), {
            "verify-ipv4": "succeeded",
            "verify-ipv6": "succeeded",
            "verify-gateway-ipv4": "succeeded",
            "verify-gateway-ipv6": "succeeded",
        });
        const gateway = cluster.get<{ spec: { servers: { hosts: string[] }[] } } & KubeObject>("gateways.networking.istio.io", "echo", "istio-verify");
        assert.deepEqual(gateway.spec.servers[0].hosts, ["verify.dualstack-istio.invalid"]);
    });

    it("11c. where IPv6 does not answer, the update fails naming the IPv6 probes, the IPv4 ones succeed; fixed, the next update reruns and passes", () => {
        // The image kwok's harness stage verify-probe-unreachable fails the IPv6 probes' pods for.
        project.setConfig(config({ enabled: true, timeoutSeconds: 30, clientImage: "registry.e2e.invalid/no-ipv6/curl:1" }));
        const failed = project.pulumi(["up", "--yes", "--skip-preview"], 1);
        const output = `${failed.stdout}\n${failed.stderr}`;
        // Pulumi names each failed Job by its resource, which names the family, with Kubernetes' reason.
        const failures = [...output.matchAll(/kubernetes:batch\/v1:Job \(([a-z0-9-]+)\):\n\s+error: [^\n]*\n[^\n]*\n\s+\* \[(\w+)\]/g)].map((match) => `${match[1]} ${match[2]}`);
        assert.deepEqual(failures.sort(), ["istio-verify-gateway-ipv6 BackoffLimitExceeded", "istio-verify-ipv6 BackoffLimitExceeded"], output);
        assert.deepEqual(probeOutcomes(), {
            "verify-ipv4": "succeeded",
            "verify-ipv6": "failed",
            "verify-gateway-ipv4": "succeeded",
            "verify-gateway-ipv6": "failed",
        });
        // The client's own line is its pod's termination message, for kubectl (here, the kwok stage's).
        const [pod] = cluster.list("pods", "istio-verify", "dualstack-istio.io/probe=verify-ipv6");
        assert.match(JSON.stringify(pod.status), /IPv6: no answer \(e2e: kwok stage verify-probe-unreachable\)/);

        project.setConfig(config({ enabled: true, timeoutSeconds: 30 }));
        project.pulumi(["up", "--yes", "--skip-preview"]);
        assert.deepEqual(probeOutcomes(), {
            "verify-ipv4": "succeeded",
            "verify-ipv6": "succeeded",
            "verify-gateway-ipv4": "succeeded",
            "verify-gateway-ipv6": "succeeded",
        });
    });

    it("11d. a second preview has no changes, and pulumi destroy leaves no release, DaemonSet or Service of Istio, nor anything of the proof", () => {
        project.pulumi(["preview", "--expect-no-changes"]);
        project.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(cluster.helmReleases(), []);
        assert.deepEqual(cluster.istioWorkloadsLeft(), []);
        assert.deepEqual(
            cluster
                .list("namespaces")
                .map((namespace) => namespace.metadata.name)
                .filter((name) => name === "istio-verify"),
            [],
        );
        assert.deepEqual(cluster.list("pods", undefined, "app=verify-client"), []);
    });
});
