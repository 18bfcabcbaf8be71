import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveChartSource, resolveIstioSettings } from "../../components/istio/settings";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const RETIRED_CHARTS = "is retired by Istio in December 2026; use https://blob.istio.io/istio-release/charts or oci://ghcr.io/istio/release/charts";
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((text) => `Pw${text}`);

describe("Istio chart and image locations", () => {
    it("refuses the retired chart bucket however it is spelt (property)", () => {
        const spelling = fc.record({
            scheme: fc.constantFrom("https", "HTTPS", "http", "oci"),
            host: fc.constantFrom(
                "istio-release.storage.googleapis.com/",
                "storage.googleapis.com/istio-release/",
                "storage.cloud.google.com/istio-release/",
                "commondatastorage.googleapis.com/istio-release/",
                "istio-release.commondatastorage.googleapis.com/",
            ),
            upper: fc.boolean(),
            dot: fc.boolean(),
            port: fc.boolean(),
        });
        fc.assert(
            fc.property(spelling, ({ scheme, host, upper, dot, port }) => {
                const [name, ...path] = host.split("/");
                const url = `${scheme}://${upper ? name.toUpperCase() : name}${dot ? "." : ""}${port ? (scheme === "http" ? ":80" : ":443") : ""}/${path.join("/")}charts`;
                assert.equal(
                    refusal(() => resolveChartSource({ chartRepository: url })),
                    `chartRepository: '${url}' ${RETIRED_CHARTS}`,
                );
            }),
        );
    });

    it("refuses the retired image hubs however their host is spelt", () => {
        for (const hub of ["gcr.io:443/istio-release", "us.gcr.io/istio-release", "asia.gcr.io/istio-release/sub", "registry.istio.io:443/release"]) {
            assert.equal(
                refusal(() => resolveIstioSettings({ hub }, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" }, NOW)),
                `hub: '${hub}' is retired by Istio in December 2026; use docker.io/istio or your own registry`,
            );
        }
    });

    it("refuses credentials in a chart repository or hub with the safe alternative, never echoing them (property)", () => {
        fc.assert(
            fc.property(fc.constantFrom("https://", "oci://"), secret, fc.boolean(), (scheme, password, inQuery) => {
                const url = inQuery ? `${scheme}charts.example.com/istio?access_token=${password}` : `${scheme}deploy:${password}@charts.example.com/istio`;
                const message = refusal(() => resolveChartSource({ chartRepository: url }));
                assert.ok(message.startsWith("chartRepository: carries a credential"), message);
                assert.ok(message.endsWith("use an oci:// registry after `helm registry login <host>` where pulumi runs, or the charts in a folder (chartsDir)"), message);
                assert.ok(!message.includes(password));
                const hub = refusal(() => resolveIstioSettings({ hub: `deploy:${password}@registry.example.com/istio` }, { ipFamilies: ["IPv4"], kubernetesVersion: "1.33" }, NOW));
                assert.ok(
                    hub.startsWith("hub: carries a credential") && hub.endsWith("the pull credentials as a Secret named in imagePullSecrets") && !hub.includes(password),
                    hub,
                );
            }),
        );
    });

    it("refuses a chart repository with a line break or space, which URL parsing would silently drop", () => {
        assert.equal(
            refusal(() => resolveChartSource({ chartRepository: "https://charts.example.com/\nistio" })),
            "chartRepository: contains a space, line break or other control character; give one URL, https://… or oci://…",
        );
    });
});
