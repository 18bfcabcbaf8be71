import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { GKE_INTERNAL_ACCESS_EDGE } from "../../components/gke/load-balancer";
import { istioOperator } from "../../components/istio/operator";
import { planStack } from "../../program/stack-plan";
import { refusal as refusalOf } from "../support/fixtures";

const GCP = { cloud: "gcp", clusterName: "demo", region: "europe-west4", gcp: { project: "my-project" } };

const plan = (document: Record<string, unknown>) => planStack(parseStackConfig({ ...GCP, ...document }));
const refusal = (document: Record<string, unknown>) => refusalOf(() => plan(document));

describe("the GKE gateway's load balancer", () => {
    it("is the RBS external passthrough NLB in the gateway's Helm values and IstioOperator", () => {
        const stack = plan({ istio: { gateway: { enabled: true } } });
        assert.deepEqual(stack.facts.loadBalancer, { ipFamilies: ["IPv4", "IPv6"], serviceAnnotations: { "cloud.google.com/l4-rbs": "enabled" } });
        const rbs = { "cloud.google.com/l4-rbs": "enabled" };
        const gateway = stack.istio.releases.find((release) => release.chart === "gateway");
        assert.deepEqual((gateway?.values as { service: { annotations?: unknown } }).service.annotations, rbs);
        const operator = istioOperator(stack.istio.settings) as { spec: { components: { ingressGateways: { k8s: { serviceAnnotations?: unknown } }[] } } };
        assert.deepEqual(operator.spec.components.ingressGateways[0].k8s.serviceAnnotations, rbs);
    });

    it("refuses INTERNAL access with a LoadBalancer gateway, naming istio.gateway.serviceType, whether the type is written or the default", () => {
        for (const gateway of [{ enabled: true }, { enabled: true, serviceType: "LoadBalancer" }]) {
            assert.equal(
                refusal({ gcp: { project: "my-project", ipv6AccessType: "INTERNAL" }, istio: { gateway } }),
                "istio.gateway.serviceType: LoadBalancer would reach clients over IPv4 only on this cluster, not IPv6: the subnet's IPv6 is INTERNAL (ULA), which no external load balancer serves; ipv6AccessType EXTERNAL gives the gateway IPv6; or use ClusterIP or NodePort",
            );
        }
    });

    it("accepts INTERNAL access without a LoadBalancer gateway, with a warning", () => {
        for (const istio of [
            {},
            { gateway: { enabled: false } },
            { gateway: { enabled: true, serviceType: "NodePort" } },
            { gateway: { enabled: true, serviceType: "ClusterIP" } },
        ]) {
            const stack = plan({ gcp: { project: "my-project", ipv6AccessType: "INTERNAL" }, istio });
            assert.deepEqual(stack.facts.loadBalancer, GKE_INTERNAL_ACCESS_EDGE);
            assert.deepEqual(stack.warnings[0], {
                field: "gcp.ipv6AccessType",
                message:
                    "INTERNAL gives ULA IPv6, which no external load balancer serves: LoadBalancer Services, the Istio gateway's too, get IPv4 only; use EXTERNAL for a dual-stack gateway",
            });
        }
    });
});
