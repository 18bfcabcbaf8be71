import assert from "node:assert/strict";
import { valuesCommand } from "../../cli/values-command";
import { planIstioInstall } from "../../components/istio/plan";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY } from "../support/clock";
import { refusal } from "../support/fixtures";

// The gateway chart's values.schema.json at each tag (manifests/charts/gateway): additionalProperties
// false without `defaults` from 1.21.0-beta.0 and without `_internal_defaults_do_not_set` from 1.24.0,
// to 1.25.4, 1.26.0 to 1.26.3 and at 1.27.0; relaxed at 1.25.5, 1.26.4 and 1.27.1 (#57457 and its
// backports). e2e step 12c shows real Helm refusing the charts of 1.24.2, 1.25.2 and 1.26.2.
const ROWS: { version: string; kubernetes: string; fixedIn?: string }[] = [
    { version: "1.20.8", kubernetes: "1.29" },
    { version: "1.21.0-beta.0", kubernetes: "1.29", fixedIn: "1.25.5" },
    { version: "1.22.8", kubernetes: "1.30", fixedIn: "1.25.5" },
    { version: "1.23.6", kubernetes: "1.30", fixedIn: "1.25.5" },
    { version: "1.24.0", kubernetes: "1.31", fixedIn: "1.25.5" },
    { version: "1.24.6", kubernetes: "1.31", fixedIn: "1.25.5" },
    { version: "1.25.4", kubernetes: "1.32", fixedIn: "1.25.5" },
    { version: "1.25.5", kubernetes: "1.32" },
    { version: "1.26.3", kubernetes: "1.33", fixedIn: "1.26.4" },
    { version: "1.26.4", kubernetes: "1.33" },
    { version: "1.27.0", kubernetes: "1.33", fixedIn: "1.27.1" },
    { version: "1.27.1", kubernetes: "1.33" },
    { version: "1.30.3", kubernetes: "1.33" },
];

describe("gateway charts that the provider's Helm (3.18.5+) refuses", () => {
    for (const { version, kubernetes, fixedIn } of ROWS) {
        it(`Istio ${version}: the gateway ${fixedIn ? `is refused, naming ${fixedIn}` : "installs"}; the rest installs either way`, () => {
            const cluster: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: kubernetes };
            const withGateway = () => planIstioInstall({ version, gateway: { enabled: true } }, cluster, TEST_TODAY);
            if (fixedIn) {
                assert.equal(
                    refusal(withGateway),
                    `gateway.enabled: Istio ${version}'s gateway chart is refused by Helm 3.18.5 and newer: its values.schema.json forbids its own values (istio/istio#57354), and the Kubernetes provider runs such a Helm; use Istio ${fixedIn} or newer for the gateway, or install it another way`,
                );
            } else {
                assert.equal(withGateway().releases.at(-1)?.chart, "gateway");
            }
            assert.deepEqual(
                planIstioInstall({ version }, cluster, TEST_TODAY).releases.map((release) => release.chart),
                ["base", "istiod"],
            );
        });
    }

    it("values: a warning with Helm's switch for helm install, and nothing for istioctl, whose own gateway chart has no such schema", () => {
        const flags = { istioVersion: "1.23.6", kubernetesVersion: "1.30", chart: "gateway" };
        assert.deepEqual(
            valuesCommand(flags, TEST_TODAY).warnings.filter((warning) => warning.startsWith("--chart")),
            [
                "--chart: Istio 1.23.6's gateway chart is refused by Helm 3.18.5 and newer: its values.schema.json forbids its own values (istio/istio#57354): install it with helm install --skip-schema-validation (Helm 3.16 or newer), or use Istio 1.25.5 or newer",
            ],
        );
        const operator = valuesCommand({ ...flags, chart: undefined, format: "istio-operator" }, TEST_TODAY);
        assert.deepEqual(
            operator.warnings.filter((warning) => warning.startsWith("--chart")),
            [],
        );
        assert.match(operator.document, /name: istio-ingressgateway\n\s+enabled: true/);
    });
});
