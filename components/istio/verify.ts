import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { type IpFamily } from "../target/cluster-facts";
import { GATEWAY_NAMESPACE, type HelmValues, IstioChart, releaseName } from "./values";
import { IstioMode, type ResolvedIstioSettings } from "./settings";
import { verifyNamespace } from "./verify-settings";

// The post-install proof (`istio.verify`), planned as plain Kubernetes objects: an echo server in
// a meshed namespace behind a Service of the cluster's families, and one client Job per family and
// path, whose success or failure is the update's. Nothing here registers anything.

/** The echo server's Deployment, Service and ConfigMap. */
export const ECHO_NAME = "echo";
/** The Host the gateway route answers: reserved (RFC 2606), so it can never shadow a real route. */
export const VERIFY_HOST = "verify.dualstack-istio.invalid";
/** What the echo server answers; the client checks for it, so another server's 200 is no proof. */
export const ECHO_ANSWER = "dualstack-istio verify: echo";

const ECHO_PORT = 80;
const ECHO_CONTAINER_PORT = 8080;
/** The pod-template annotation that ties a Job to what it proves: a change replaces, and reruns, it. */
export const FINGERPRINT_ANNOTATION = "dualstack-istio.io/verifies";

/** A Kubernetes object's fields as given to its Pulumi resource (no apiVersion/kind). */
export type ObjectFields = {
    readonly metadata: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
} & HelmValues;

/** One client Job: a path (to the echo Service, or through the ingress gateway) by one family. */
export interface PlannedProbe {
    /** The resource name, which a failed update names: `verify-ipv6`, `verify-gateway-ipv4`. */
    readonly name: string;
    readonly family: IpFamily;
    readonly via: "service" | "gateway";
    /** The URL the client asks, with `curl -4`/`-6` picking the family from the name's A or AAAA record. */
    readonly url: string;
    readonly job: ObjectFields;
}

/** The gateway route's custom resources, in the networking API the release serves. */
export interface PlannedGatewayRoute {
    readonly apiVersion: string;
    readonly gateway: ObjectFields;
    readonly virtualService: ObjectFields;
}

/** Everything the proof creates, in order: namespace, echo (ConfigMap, Deployment, Service), route, Jobs. */
export interface PlannedVerification {
    readonly namespace: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
    readonly echoConfig: ObjectFields;
    readonly echoDeployment: ObjectFields;
    readonly echoService: ObjectFields;
    readonly gatewayRoute?: PlannedGatewayRoute;
    readonly probes: readonly PlannedProbe[];
    /** Seconds Pulumi waits for each Job: its own deadline, plus time to schedule and pull. */
    readonly awaitSeconds: number;
}

/** How the namespace joins the mesh: enrolled in ambient, or labelled for injection by this istiod. */
export function meshLabels(settings: ResolvedIstioSettings): Record<string, string> {
    if (settings.mode === IstioMode.Ambient) {
        return { "istio.io/dataplane-mode": "ambient", ...(settings.revision ? { "istio.io/rev": settings.revision } : {}) };
    }
    return settings.revision ? { "istio.io/rev": settings.revision } : { "istio-injection": "enabled" };
}

/**
 * Envoy's static configuration for the echo server: one HTTP listener per family of the cluster
 * on the same port (IPv6 with `ipv4_compat: false`, so the two sockets do not collide), each
 * answering {@link ECHO_ANSWER}. No admin listener; nothing is written to disk.
 */
export function echoEnvoyConfig(families: readonly IpFamily[]): HelmValues {
    return {
        static_resources: {
            listeners: families.map((family) => ({
                name: `echo-${family.toLowerCase()}`,
                address: {
                    socket_address: { address: family === "IPv6" ? "::" : "0.0.0.0", port_value: ECHO_CONTAINER_PORT, ...(family === "IPv6" ? { ipv4_compat: false } : {}) },
                },
                filter_chains: [
                    {
                        filters: [
                            {
                                name: "envoy.filters.network.http_connection_manager",
                                typed_config: {
                                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                                    stat_prefix: "echo",
                                    route_config: {
                                        virtual_hosts: [
                                            {
                                                name: "echo",
                                                domains: ["*"],
                                                routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: `${ECHO_ANSWER}\n` } } }],
                                            },
                                        ],
                                    },
                                    http_filters: [
                                        { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
                                    ],
                                },
                            },
                        ],
                    },
                ],
            })),
        },
    };
}

/**
 * The client: asks `url` by one family until the echo answers or the deadline passes, then
 * writes the outcome to the termination log (which the Job's pod status carries). In sidecar
 * mode it then stops its sidecar (pilot-agent's /quitquitquit), so the Job can complete.
 * Arguments: family (4 or 6), URL, Host header. Environment: `DEADLINE` (seconds of retries);
 * `RETRY_DELAY` and `TERMINATION_LOG` for a test that runs it outside a pod.
 */
export const CLIENT_SCRIPT = [
    'family="$1"; url="$2"; host="$3"; errors="${TMPDIR:-/tmp}/curl.err"',
    'report() { printf "%s\\n" "$1" | tee "${TERMINATION_LOG:-/dev/termination-log}"; }',
    // Retried here rather than with curl's --retry-all-errors, which older curls lack.
    "end=$(( $(date +%s) + ${DEADLINE:-300} ))",
    "while :; do",
    '  body="$(curl --silent --show-error --fail -"$family" --max-time 5 -H "Host: $host" "$url" 2>"$errors")"; status=$?',
    '  if [ "$status" -eq 0 ] || [ "$(date +%s)" -ge "$end" ]; then break; fi',
    '  sleep "${RETRY_DELAY:-3}"',
    "done",
    "curl --silent --max-time 2 -X POST http://localhost:15020/quitquitquit >/dev/null 2>&1 || true",
    'if [ "$status" -ne 0 ]; then report "IPv$family: no answer from $url (host $host): $(tail -n 1 "$errors") (curl exit $status)"; exit 1; fi',
    `case "$body" in *"${ECHO_ANSWER}"*) report "IPv$family: $url answered" ;; *) report "IPv$family: $url answered, but not as the echo server: $(printf "%s" "$body" | head -c 200)"; exit 1 ;; esac`,
].join("\n");

function familyFlag(family: IpFamily): "4" | "6" {
    return family === "IPv4" ? "4" : "6";
}

/** A short digest of what the proof proves: every release's chart, version and values, and the proof's own settings. */
export function verificationFingerprint(
    releases: readonly { readonly chart: string; readonly version?: string; readonly values: HelmValues }[],
    settings: ResolvedIstioSettings,
): string {
    const facts = JSON.stringify({
        releases: releases.map((release) => [release.chart, release.version ?? "", release.values]),
        verify: settings.verify,
        families: settings.ipFamilies,
    });
    return createHash("sha256").update(facts).digest("hex").slice(0, 16);
}

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    // Not 1337, the proxy's own user: a sidecar's redirection lets that user's traffic bypass it.
    runAsUser: 10001,
    runAsGroup: 10001,
    seccompProfile: { type: "RuntimeDefault" },
};

/**
 * Plans the proof, or nothing when `verify.enabled` is off. `releases` are the planned releases
 * (their values make the fingerprint).
 */
export function planVerification(
    settings: ResolvedIstioSettings,
    releases: readonly { readonly chart: string; readonly version?: string; readonly values: HelmValues }[],
): PlannedVerification | undefined {
    if (!settings.verify.enabled) {
        return undefined;
    }
    const families = settings.ipFamilies;
    const namespace = verifyNamespace(settings.revision);
    const serverImage = `${settings.hub}/proxyv2:${settings.tag}`;
    const pullSecrets = settings.imagePullSecrets.map((name) => ({ name }));
    const fingerprint = verificationFingerprint(releases, settings);
    const appLabels = { app: ECHO_NAME };
    const resources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } };

    const echoConfig: ObjectFields = {
        metadata: { name: ECHO_NAME, namespace },
        data: { "envoy.yaml": stringify(echoEnvoyConfig(families)) },
    };
    const echoDeployment: ObjectFields = {
        metadata: { name: ECHO_NAME, namespace, labels: appLabels },
        spec: {
            replicas: 1,
            selector: { matchLabels: appLabels },
            template: {
                metadata: { labels: appLabels },
                spec: {
                    ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets } : {}),
                    containers: [
                        {
                            name: ECHO_NAME,
                            image: serverImage,
                            imagePullPolicy: settings.imagePullPolicy,
                            // Envoy alone, not pilot-agent: a static server. No hot restart, so it
                            // shares no memory with a sidecar's Envoy in the same pod.
                            command: ["/usr/local/bin/envoy"],
                            args: ["--config-path", "/etc/echo/envoy.yaml", "--disable-hot-restart", "--log-level", "warn"],
                            ports: [{ name: "http", containerPort: ECHO_CONTAINER_PORT }],
                            readinessProbe: { tcpSocket: { port: ECHO_CONTAINER_PORT }, periodSeconds: 2 },
                            resources,
                            securityContext: RESTRICTED_CONTAINER,
                            volumeMounts: [
                                { name: "config", mountPath: "/etc/echo", readOnly: true },
                                { name: "tmp", mountPath: "/tmp" },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "config", configMap: { name: ECHO_NAME } },
                        { name: "tmp", emptyDir: {} },
                    ],
                },
            },
        },
    };
    const echoService: ObjectFields = {
        metadata: { name: ECHO_NAME, namespace, labels: appLabels },
        spec: {
            // The single-family guard: a single-stack cluster gets a single-stack Service.
            ipFamilyPolicy: families.length > 1 ? "RequireDualStack" : "SingleStack",
            ipFamilies: [...families],
            selector: appLabels,
            ports: [{ name: "http", port: ECHO_PORT, targetPort: ECHO_CONTAINER_PORT }],
        },
    };

    const gatewayRoute: PlannedGatewayRoute | undefined = settings.gateway.enabled
        ? {
              apiVersion: settings.release.networkingV1 ? "networking.istio.io/v1" : "networking.istio.io/v1beta1",
              gateway: {
                  metadata: { name: ECHO_NAME, namespace },
                  spec: {
                      // The gateway chart labels its pods istio: <release name without "istio-">.
                      selector: { istio: releaseName(IstioChart.Gateway, settings.revision).replace(/^istio-/, "") },
                      servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: [VERIFY_HOST] }],
                  },
              },
              virtualService: {
                  metadata: { name: ECHO_NAME, namespace },
                  spec: {
                      hosts: [VERIFY_HOST],
                      gateways: [`${namespace}/${ECHO_NAME}`],
                      http: [{ route: [{ destination: { host: `${ECHO_NAME}.${namespace}.svc.cluster.local`, port: { number: ECHO_PORT } } }] }],
                  },
              },
          }
        : undefined;

    const paths: { via: PlannedProbe["via"]; url: string; host: string }[] = [
        // Short names: the search path completes them whatever the cluster's domain.
        { via: "service", url: `http://${ECHO_NAME}.${namespace}.svc:${ECHO_PORT}/`, host: `${ECHO_NAME}.${namespace}.svc` },
        ...(gatewayRoute ? [{ via: "gateway" as const, url: `http://${releaseName(IstioChart.Gateway, settings.revision)}.${GATEWAY_NAMESPACE}.svc:80/`, host: VERIFY_HOST }] : []),
    ];
    const deadline = settings.verify.timeoutSeconds;
    const probes = paths.flatMap((path) =>
        families.map((family): PlannedProbe => {
            const name = `verify-${path.via === "gateway" ? "gateway-" : ""}${family.toLowerCase()}`;
            const labels = { app: "verify-client", "dualstack-istio.io/probe": name };
            return {
                name,
                family,
                via: path.via,
                url: path.url,
                job: {
                    // No name: Pulumi autonames it, so it never meets a Job of that name made otherwise.
                    // replaceUnready: the next update replaces, and so reruns, a Job that failed.
                    metadata: { namespace, labels, annotations: { "pulumi.com/replaceUnready": "true" } },
                    spec: {
                        backoffLimit: 0,
                        // The client's own retries, plus time to pull its image and start a sidecar.
                        activeDeadlineSeconds: deadline + 120,
                        template: {
                            metadata: {
                                labels,
                                annotations: {
                                    [FINGERPRINT_ANNOTATION]: fingerprint,
                                    // The client must not start before its sidecar can carry its traffic.
                                    ...(settings.mode === IstioMode.Sidecar ? { "proxy.istio.io/config": '{"holdApplicationUntilProxyStarts":true}' } : {}),
                                },
                            },
                            spec: {
                                restartPolicy: "Never",
                                ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets } : {}),
                                containers: [
                                    {
                                        name: "client",
                                        image: settings.verify.clientImage,
                                        imagePullPolicy: settings.imagePullPolicy,
                                        command: ["sh", "-c", CLIENT_SCRIPT, "verify-client", familyFlag(family), path.url, path.host],
                                        env: [{ name: "DEADLINE", value: String(deadline) }],
                                        resources,
                                        securityContext: RESTRICTED_CONTAINER,
                                        terminationMessagePolicy: "File",
                                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                    },
                                ],
                                volumes: [{ name: "tmp", emptyDir: {} }],
                            },
                        },
                    },
                },
            };
        }),
    );
    return {
        namespace: { name: namespace, labels: meshLabels(settings) },
        echoConfig,
        echoDeployment,
        echoService,
        ...(gatewayRoute ? { gatewayRoute } : {}),
        probes,
        awaitSeconds: deadline + 240,
    };
}

/**
 * The proof as complete manifests, in the order they are created, for `kubectl apply -f` where
 * Istio was installed without Pulumi: the Jobs take their resource names (`verify-ipv4`, …).
 */
export function verificationManifests(planned: PlannedVerification): HelmValues[] {
    const manifest = (apiVersion: string, kind: string, fields: ObjectFields, name?: string): HelmValues => ({
        apiVersion,
        kind,
        ...fields,
        metadata: { ...(name !== undefined ? { name } : {}), ...fields.metadata },
    });
    return [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: planned.namespace.name, labels: { ...planned.namespace.labels } } },
        manifest("v1", "ConfigMap", planned.echoConfig),
        manifest("apps/v1", "Deployment", planned.echoDeployment),
        manifest("v1", "Service", planned.echoService),
        ...(planned.gatewayRoute
            ? [
                  manifest(planned.gatewayRoute.apiVersion, "Gateway", planned.gatewayRoute.gateway),
                  manifest(planned.gatewayRoute.apiVersion, "VirtualService", planned.gatewayRoute.virtualService),
              ]
            : []),
        ...planned.probes.map((probe) => manifest("batch/v1", "Job", probe.job, probe.name)),
    ];
}
