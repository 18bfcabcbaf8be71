import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parse } from "yaml";
import { planIstioInstall } from "../../components/istio/plan";
import type { IstioSettings } from "../../components/istio/settings";
import { CLIENT_SCRIPT, ECHO_ANSWER, FINGERPRINT_ANNOTATION, type PlannedVerification, verificationManifests } from "../../components/istio/verify";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { TEST_TODAY } from "../support/clock";
import { refusal } from "../support/fixtures";
import { tempFolder } from "../support/plan-output";

const DUAL: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" };
const plan = (settings: IstioSettings, cluster: ClusterFacts = DUAL) => planIstioInstall({ ...settings, verify: { enabled: true, ...settings.verify } }, cluster, TEST_TODAY);
const verification = (settings: IstioSettings, cluster: ClusterFacts = DUAL) => plan(settings, cluster).verification as PlannedVerification;

type Job = {
    metadata: Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { metadata: { annotations: Record<string, string> }; spec: any } };
};

describe("istio.verify: the post-install proof", () => {
    it("plans nothing unless verify.enabled", () => {
        assert.equal(planIstioInstall({}, DUAL, TEST_TODAY).verification, undefined);
        assert.equal(planIstioInstall({ verify: { enabled: false } }, DUAL, TEST_TODAY).verification, undefined);
    });

    it("on a dual-stack cluster with a gateway: a RequireDualStack echo and one Job per family and path", () => {
        const planned = verification({ gateway: { enabled: true } });
        assert.deepEqual(
            planned.probes.map((probe) => [probe.name, probe.family, probe.via, probe.url]),
            [
                ["verify-ipv4", "IPv4", "service", "http://echo.istio-verify.svc:80/"],
                ["verify-ipv6", "IPv6", "service", "http://echo.istio-verify.svc:80/"],
                ["verify-gateway-ipv4", "IPv4", "gateway", "http://istio-ingressgateway.istio-ingress.svc:80/"],
                ["verify-gateway-ipv6", "IPv6", "gateway", "http://istio-ingressgateway.istio-ingress.svc:80/"],
            ],
        );
        assert.deepEqual(planned.echoService.spec, {
            ipFamilyPolicy: "RequireDualStack",
            ipFamilies: ["IPv4", "IPv6"],
            selector: { app: "echo" },
            ports: [{ name: "http", port: 80, targetPort: 8080 }],
        });
        const job = planned.probes[1].job as unknown as Job;
        const client = job.spec.template.spec.containers[0];
        assert.deepEqual(client.command, ["sh", "-c", CLIENT_SCRIPT, "verify-client", "6", "http://echo.istio-verify.svc:80/", "echo.istio-verify.svc"]);
        assert.equal(client.image, "docker.io/istio/proxyv2:1.30.3");
        assert.deepEqual(client.env, [{ name: "DEADLINE", value: "300" }]);
        assert.equal(client.securityContext.runAsUser, 10001, "not 1337, whose traffic a sidecar lets bypass it");
        assert.equal(job.metadata.name, undefined, "autonamed");
        assert.deepEqual([job.spec.backoffLimit, job.spec.activeDeadlineSeconds, job.spec.template.spec.restartPolicy], [0, 420, "Never"]);
        // The next update replaces, and so reruns, a Job that failed.
        assert.deepEqual(job.metadata.annotations, { "pulumi.com/replaceUnready": "true" });
        assert.equal(planned.awaitSeconds, 540);
        // The gateway route answers only its reserved host, so it can never shadow a real route.
        assert.deepEqual(planned.gatewayRoute?.gateway.spec, {
            selector: { istio: "ingressgateway" },
            servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["verify.dualstack-istio.invalid"] }],
        });
        assert.deepEqual((planned.probes[3].job as unknown as Job).spec.template.spec.containers[0].command.slice(4), [
            "6",
            "http://istio-ingressgateway.istio-ingress.svc:80/",
            "verify.dualstack-istio.invalid",
        ]);
    });

    it("on a single-stack cluster: a SingleStack echo of that family, one Job, one Envoy listener (the single-family guard)", () => {
        for (const family of ["IPv4", "IPv6"] as const) {
            const planned = verification({}, { ipFamilies: [family], kubernetesVersion: "1.33" });
            const spec = planned.echoService.spec as { ipFamilyPolicy: string; ipFamilies: string[] };
            assert.deepEqual([spec.ipFamilyPolicy, spec.ipFamilies], ["SingleStack", [family]]);
            assert.deepEqual(
                planned.probes.map((probe) => probe.name),
                [`verify-${family.toLowerCase()}`],
            );
            const envoy = parse((planned.echoConfig.data as { "envoy.yaml": string })["envoy.yaml"]) as { static_resources: { listeners: { name: string; address: unknown }[] } };
            assert.deepEqual(
                envoy.static_resources.listeners.map((listener) => [listener.name, listener.address]),
                [
                    [
                        `echo-${family.toLowerCase()}`,
                        { socket_address: family === "IPv4" ? { address: "0.0.0.0", port_value: 8080 } : { address: "::", port_value: 8080, ipv4_compat: false } },
                    ],
                ],
            );
        }
    });

    it("meshes the namespace as the mode says: injection, the revision's label, or ambient enrolment", () => {
        assert.deepEqual(verification({}).namespace.labels, { "istio-injection": "enabled" });
        assert.deepEqual(verification({ revision: "canary" }).namespace.labels, { "istio.io/rev": "canary" });
        assert.deepEqual(verification({ mode: "ambient" }).namespace.labels, { "istio.io/dataplane-mode": "ambient" });
        assert.deepEqual(verification({ mode: "ambient", revision: "canary" }).namespace.labels, { "istio.io/dataplane-mode": "ambient", "istio.io/rev": "canary" });
        // A sidecar client must not start before its proxy; an ambient one has none.
        const annotations = (mode: "sidecar" | "ambient") => (verification({ mode }).probes[0].job as unknown as Job).spec.template.metadata.annotations;
        assert.equal(annotations("sidecar")["proxy.istio.io/config"], '{"holdApplicationUntilProxyStarts":true}');
        assert.equal(annotations("ambient")["proxy.istio.io/config"], undefined);
    });

    it("routes through networking.istio.io/v1 where the release serves it (1.22 on), v1beta1 before", () => {
        assert.equal(
            verification({ version: "1.20.8", gateway: { enabled: true } }, { ...DUAL, kubernetesVersion: "1.29" }).gatewayRoute?.apiVersion,
            "networking.istio.io/v1beta1",
        );
        assert.equal(verification({ version: "1.25.5", gateway: { enabled: true } }, { ...DUAL, kubernetesVersion: "1.31" }).gatewayRoute?.apiVersion, "networking.istio.io/v1");
    });

    it("gives a canary revision's proof a namespace of its own, so two control planes' proofs never collide", () => {
        assert.equal(verification({}).namespace.name, "istio-verify");
        const canary = verification({ revision: "canary", base: { enabled: false } });
        assert.equal(canary.namespace.name, "istio-verify-canary");
        assert.deepEqual(
            [canary.echoService.metadata.namespace, ...canary.probes.map((probe) => probe.job.metadata.namespace)],
            ["istio-verify-canary", "istio-verify-canary", "istio-verify-canary"],
        );
    });

    it("ties each Job to what it proves: a new tag, values or timeout changes the fingerprint (so the Jobs rerun); the same plan keeps it", () => {
        const fingerprint = (settings: IstioSettings) => (verification(settings).probes[0].job as unknown as Job).spec.template.metadata.annotations[FINGERPRINT_ANNOTATION];
        const base = fingerprint({ hub: "r.example/istio", tag: "1.30.3-a" });
        assert.match(base, /^[0-9a-f]{16}$/);
        assert.equal(fingerprint({ hub: "r.example/istio", tag: "1.30.3-a" }), base);
        assert.notEqual(fingerprint({ hub: "r.example/istio", tag: "1.30.3-b" }), base);
        assert.notEqual(fingerprint({ hub: "r.example/istio", tag: "1.30.3-a", cni: { enabled: true } }), base);
        assert.notEqual(fingerprint({ hub: "r.example/istio", tag: "1.30.3-a", verify: { timeoutSeconds: 120 } }), base);
    });

    it("takes a client image of your choice and your pull secrets, and warns that the secrets must exist in istio-verify", () => {
        const installed = plan({ hub: "r.example/istio", imagePullSecrets: ["pull"], verify: { clientImage: "docker.io/curlimages/curl:8.11.1" } });
        const job = installed.verification?.probes[0].job as unknown as Job;
        assert.equal(job.spec.template.spec.containers[0].image, "docker.io/curlimages/curl:8.11.1");
        assert.deepEqual(job.spec.template.spec.imagePullSecrets, [{ name: "pull" }]);
        assert.equal((installed.verification?.echoDeployment.spec as any).template.spec.containers[0].image, "r.example/istio/proxyv2:1.30.3"); // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.deepEqual(
            installed.warnings.filter((warning) => warning.field === "verify.enabled").map((warning) => warning.message),
            ["the proof's pods pull your images in namespace istio-verify, which this install creates: create the pull Secrets pull there too, or its pods cannot start"],
        );
    });

    it("refuses a client image that is not pinned, a timeout out of range, and a verify that is not a section, each in one line", () => {
        assert.equal(
            refusal(() => plan({ verify: { clientImage: "curlimages/curl" } })),
            "verify.clientImage: 'curlimages/curl' is not a pinned image reference; give <repository>:<tag> or <repository>@sha256:<digest>, e.g. docker.io/curlimages/curl:8.11.1",
        );
        assert.equal(
            refusal(() => plan({ verify: { clientImage: "Docker.io/curl:1" } })),
            "verify.clientImage: 'Docker.io/curl:1' is not an image reference: 'Docker.io/curl' must be lowercase: image repositories are lowercase",
        );
        assert.equal(
            refusal(() => plan({ verify: { clientImage: `docker.io/curl@sha256:${"a".repeat(64)}` } })),
            "(accepted)",
        );
        for (const timeoutSeconds of [29, 3601, 60.5]) {
            assert.equal(
                refusal(() => plan({ verify: { timeoutSeconds } })),
                `verify.timeoutSeconds: '${timeoutSeconds}' is not a whole number of seconds from 30 to 3600`,
            );
        }
        assert.equal(
            refusal(() => planIstioInstall({ verify: true as never }, DUAL, TEST_TODAY)),
            "verify: 'true' is not a section; give verify as a map of enabled, clientImage, timeoutSeconds",
        );
    });

    it("writes the same objects as manifests for kubectl, in creation order, the Jobs named by their probe", () => {
        const manifests = verificationManifests(verification({ gateway: { enabled: true } })) as {
            apiVersion: string;
            kind: string;
            metadata: { name?: string; namespace?: string };
        }[];
        assert.deepEqual(
            manifests.map((manifest) => [manifest.apiVersion, manifest.kind, manifest.metadata.name, manifest.metadata.namespace]),
            [
                ["v1", "Namespace", "istio-verify", undefined],
                ["v1", "ConfigMap", "echo", "istio-verify"],
                ["apps/v1", "Deployment", "echo", "istio-verify"],
                ["v1", "Service", "echo", "istio-verify"],
                ["networking.istio.io/v1", "Gateway", "echo", "istio-verify"],
                ["networking.istio.io/v1", "VirtualService", "echo", "istio-verify"],
                ["batch/v1", "Job", "verify-ipv4", "istio-verify"],
                ["batch/v1", "Job", "verify-ipv6", "istio-verify"],
                ["batch/v1", "Job", "verify-gateway-ipv4", "istio-verify"],
                ["batch/v1", "Job", "verify-gateway-ipv6", "istio-verify"],
            ],
        );
    });

    describe("the client script, run with sh and curl against local servers", () => {
        let work: string;
        const servers: http.Server[] = [];
        before(() => {
            work = tempFolder("verify-client-");
        });
        after(() => {
            for (const server of servers) {
                server.close();
            }
            fs.rmSync(work, { recursive: true, force: true });
        });

        /** A server on `host` answering `body`, recording the Host header it was asked for. */
        async function serve(host: string, body: string): Promise<{ port: number; hosts: string[] }> {
            const hosts: string[] = [];
            const server = http.createServer((request, response) => {
                hosts.push(request.headers.host ?? "");
                response.end(body);
            });
            servers.push(server);
            await new Promise<void>((resolve) => server.listen(0, host, resolve));
            return { port: (server.address() as AddressInfo).port, hosts };
        }

        function client(family: "4" | "6", url: string, host: string): Promise<{ status: number | null; log: string }> {
            const log = path.join(work, `termination-${Math.random().toString(36).slice(2)}`);
            return new Promise((resolve) => {
                const child = spawn("sh", ["-c", CLIENT_SCRIPT, "verify-client", family, url, host], {
                    env: { PATH: process.env.PATH, DEADLINE: "1", RETRY_DELAY: "1", TERMINATION_LOG: log, TMPDIR: work },
                    stdio: "ignore",
                });
                child.on("close", (status) => resolve({ status, log: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "" }));
            });
        }

        it("succeeds by the family asked, sending the Host given, and says so in the termination log", async () => {
            const v4 = await serve("127.0.0.1", `${ECHO_ANSWER}\n`);
            const result = await client("4", `http://localhost:${v4.port}/`, "verify.dualstack-istio.invalid");
            assert.deepEqual(result, { status: 0, log: `IPv4: http://localhost:${v4.port}/ answered\n` });
            assert.deepEqual(v4.hosts, ["verify.dualstack-istio.invalid"]);
        });

        it("fails, naming the family, where nothing answers by that family (the name resolves only to IPv4 here)", async () => {
            const v4 = await serve("127.0.0.1", `${ECHO_ANSWER}\n`);
            const result = await client("6", `http://127.0.0.1:${v4.port}/`, "echo.istio-verify.svc");
            assert.equal(result.status, 1);
            assert.match(result.log, new RegExp(`^IPv6: no answer from http://127\\.0\\.0\\.1:${v4.port}/ \\(host echo\\.istio-verify\\.svc\\): .+ \\(curl exit \\d+\\)\\n$`));
        });

        it("fails where something other than the echo answers (another server's 200 proves nothing)", async () => {
            const other = await serve("127.0.0.1", "default backend\n");
            const result = await client("4", `http://127.0.0.1:${other.port}/`, "echo.istio-verify.svc");
            assert.deepEqual(result, { status: 1, log: `IPv4: http://127.0.0.1:${other.port}/ answered, but not as the echo server: default backend\n` });
        });
    });
});
