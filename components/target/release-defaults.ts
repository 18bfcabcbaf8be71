/**
 * Helm Release settings shared by every chart this package installs, Istio's and the clouds' own
 * (see the reference on `helm.v3.Release`).
 */
export const RELEASE_DEFAULTS = {
    /** A failed install is uninstalled and a failed upgrade rolled back, instead of left half-done. */
    atomic: true,
    /** A failed upgrade removes what it created. */
    cleanupOnFail: true,
    /** Pulumi's default is unlimited history; Helm's CLI keeps 10. */
    maxHistory: 10,
} as const;
