import * as semver from "semver";
import { InputError, type InputWarning } from "../errors";
import type { IstioRelease } from "./versions";

/**
 * The gateway chart's values.schema.json (`additionalProperties: false`) does not list a key its
 * own values.yaml holds: `defaults` from 1.21.0-beta.0, `_internal_defaults_do_not_set` from 1.24.
 * Helm before 3.18.5 let that pass; Helm 3.18.5 and newer refuse the chart ("additional
 * properties 'defaults' not allowed", istio/istio#57354, helm/helm#31160), whatever values are
 * given, and the Release has no switch to skip the schema. The schema was relaxed by #57457 and its
 * backports, first tagged in 1.25.5, 1.26.4 and 1.27.1, with no 1.21 to 1.24 patch: `helm template`
 * (Helm 3.21.4) of the chart at 1.20.8 renders, at 1.21.0-beta.0, 1.21.6, 1.22.8, 1.23.6, 1.24.6,
 * 1.25.4, 1.26.3 and 1.27.0 is refused, at 1.25.5, 1.26.4 and 1.27.1 renders.
 */
const GATEWAY_SCHEMA_FIXED: Readonly<Record<number, string>> = { 21: "1.25.5", 22: "1.25.5", 23: "1.25.5", 24: "1.25.5", 25: "1.25.5", 26: "1.26.4", 27: "1.27.1" };

/** The release field {@link IstioRelease.gatewaySchemaRejectedUntil} for `version`. */
export function gatewaySchemaHazard(version: semver.SemVer): { gatewaySchemaRejectedUntil?: string } {
    const fixed = version.major === 1 ? GATEWAY_SCHEMA_FIXED[version.minor] : undefined;
    return fixed !== undefined && semver.lt(version, fixed) ? { gatewaySchemaRejectedUntil: fixed } : {};
}

/** How the charts will be installed: by the component's Helm Releases, by `helm install`, or by istioctl (its own gateway chart). */
export type Installer = "release" | "helm" | "istioctl";

/**
 * A gateway on a release whose gateway chart Helm refuses: refused for the Release (which cannot
 * skip the schema), warned with the flag for `helm install`, fine for istioctl (whose
 * `gateways/istio-ingress` chart has no such schema).
 */
export function checkGatewayChartSchema(release: IstioRelease, installer: Installer, warnings: InputWarning[]): void {
    const fixed = release.gatewaySchemaRejectedUntil;
    if (fixed === undefined || installer === "istioctl") {
        return;
    }
    const why = `Istio ${release.label}'s gateway chart is refused by Helm 3.18.5 and newer: its values.schema.json forbids its own values (istio/istio#57354)`;
    if (installer === "release") {
        throw new InputError("gateway.enabled", `${why}, and the Kubernetes provider runs such a Helm; use Istio ${fixed} or newer for the gateway, or install it another way`);
    }
    warnings.push({ field: "gateway.enabled", message: `${why}: install it with helm install --skip-schema-validation (Helm 3.16 or newer), or use Istio ${fixed} or newer` });
}
