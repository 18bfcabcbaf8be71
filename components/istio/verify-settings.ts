import { InputError, type InputWarning } from "../errors";
import { checkFlag, checkSection, checkText } from "../target/arg-checks";
import { validateImageReference } from "./image-checks";

/** The post-install proof: an echo Service in the mesh and a client Job per path and family. */
export interface VerifySettings {
    /**
     * After Istio is installed, prove the mesh answers on every IP family of the cluster: an echo
     * server (Envoy from your `proxyv2` image) behind a Service of the cluster's families in the
     * namespace `istio-verify` (sidecar-injected or ambient-enrolled, as `mode` says), and a client
     * Job per family (and per family through the ingress gateway, where it is on). A Job that
     * cannot get the echo's answer fails the update, named by its family (`verify-ipv6`). They are
     * replaced, and so run again, whenever the installed charts or values change; destroy removes them.
     * @default false
     */
    readonly enabled?: boolean;
    /**
     * The client Jobs' image: any image with `sh` and `curl` (7.71 or newer), pinned by tag or digest,
     * e.g. `docker.io/curlimages/curl:8.11.1`. The echo server always runs your `proxyv2` image.
     * @default "<hub>/proxyv2:<tag>", the proxy image of this install (its default variant has both)
     */
    readonly clientImage?: string;
    /**
     * How long each client Job may try, in seconds (30 to 3600): it retries while the mesh
     * converges, then fails.
     * @default 300
     */
    readonly timeoutSeconds?: number;
}

/**
 * The namespace the proof runs in, created by the install and removed on destroy: one per control
 * plane, so a canary revision's proof never meets the default one's.
 */
export function verifyNamespace(revision: string): string {
    return revision ? `istio-verify-${revision}` : "istio-verify";
}

/** {@link VerifySettings} with defaults applied. */
export interface ResolvedVerifySettings {
    readonly enabled: boolean;
    /** `<hub>/proxyv2:<tag>` unless `verify.clientImage` names another. */
    readonly clientImage: string;
    readonly timeoutSeconds: number;
}

/** Bounds of `verify.timeoutSeconds`: long enough for a mesh to converge, short enough to fail an update in time. */
export const VERIFY_TIMEOUT_SECONDS = { min: 30, max: 3600, default: 300 } as const;

/**
 * Checks `verify` and applies its defaults; the client image defaults to this install's proxy
 * image. Adds to `warnings` where the proof's pods cannot pull without Secrets it does not create.
 */
export function resolveVerify(
    verify: VerifySettings | undefined,
    install: { readonly hub: string; readonly tag: string; readonly imagePullSecrets: readonly string[]; readonly namespace: string },
    warnings: InputWarning[],
): ResolvedVerifySettings {
    const { hub, tag, imagePullSecrets, namespace } = install;
    checkSection(verify, ["enabled", "clientImage", "timeoutSeconds"], "verify");
    const enabled = checkFlag(verify?.enabled, "verify.enabled", false);
    checkText(verify?.clientImage, "verify.clientImage");
    if (verify?.clientImage !== undefined) {
        validateImageReference(verify.clientImage, "verify.clientImage");
    } else if (enabled && /distroless/.test(tag)) {
        // Istio names its distroless images' tags <version>-distroless; they have no shell or curl.
        throw new InputError(
            "verify.clientImage",
            `is required with the distroless tag '${tag}': that proxyv2 image has no sh or curl to run the client; give an image with both, e.g. docker.io/curlimages/curl:8.11.1`,
        );
    }
    const clientImage = verify?.clientImage ?? `${hub}/proxyv2:${tag}`;
    const timeoutSeconds = verify?.timeoutSeconds ?? VERIFY_TIMEOUT_SECONDS.default;
    if (typeof timeoutSeconds !== "number" || !Number.isInteger(timeoutSeconds) || timeoutSeconds < VERIFY_TIMEOUT_SECONDS.min || timeoutSeconds > VERIFY_TIMEOUT_SECONDS.max) {
        throw new InputError(
            "verify.timeoutSeconds",
            `'${String(timeoutSeconds)}' is not a whole number of seconds from ${VERIFY_TIMEOUT_SECONDS.min} to ${VERIFY_TIMEOUT_SECONDS.max}`,
        );
    }
    if (enabled && imagePullSecrets.length > 0) {
        warnings.push({
            field: "verify.enabled",
            message: `the proof's pods pull your images in namespace ${namespace}, which this install creates: create the pull Secrets ${imagePullSecrets.join(", ")} there too, or its pods cannot start`,
        });
    }
    return { enabled, clientImage, timeoutSeconds };
}
