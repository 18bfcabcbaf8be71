import assert from "node:assert/strict";
import { availability, E2E_HUB, familyOf, HarnessCluster, shown, type KubeObject } from "./support/kube";
import { RootProject } from "./support/pulumi";
import { e2eTools, istioChartsRelease, type E2eTools } from "./support/tools";

const HUB = E2E_HUB;

/**
 * Step 11 (issue 16): the root program in ambient mode on a real dual-stack API server of its own
 * (kwok nodes), so it never shares istio-system with the sidecar suite: base, istiod, istio-cni
 * and ztunnel installed by Istio's real charts, ztunnel scheduled and ready on every node, the
 * Services dual-stack as the server holds them, and nothing left after destroy.
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

    it("11a. pulumi up installs base, istiod, istio-cni and ztunnel: ztunnel ready on every node, the Services dual-stack", () => {
        const tag = `${istio.version}-ambient`;
        project.init({
            cloud: "existing",
            clusterName: "e2e-ambient",
            kubernetesVersion: cluster.kubernetesVersion,
            existing: { kubeconfig: cluster.kubeconfig, context: cluster.context, ipFamilies: ["IPv4", "IPv6"] },
            istio: { mode: "ambient", version: istio.version, chartsDir: istio.chartsDir, hub: HUB, tag, gateway: { enabled: true, serviceType: "NodePort" } },
        });
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
        assert.equal(ztunnel.spec.template.spec.containers[0].image, `${HUB}/ztunnel:${tag}`);
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
        assert.equal(istiod.spec.template.spec.containers[0].image, `${HUB}/pilot:${tag}`);

        for (const [name, namespace] of [
            ["istiod", "istio-system"],
            ["istio-ingressgateway", "istio-ingress"],
        ]) {
            const service = cluster.get("service", name, namespace);
            assert.equal(service.spec.ipFamilyPolicy, "RequireDualStack", shown(service.spec));
            assert.deepEqual(serviceFamilies(service), ["IPv4", "IPv6"], shown(service.spec));
        }
    });

    it("11b. a second preview has no changes, and pulumi destroy leaves no release, DaemonSet or Service of Istio", () => {
        project.pulumi(["preview", "--expect-no-changes"]);
        project.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(cluster.helmReleases(), []);
        assert.deepEqual(cluster.istioWorkloadsLeft(), []);
    });
});
