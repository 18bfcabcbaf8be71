import { isDualStack } from "../target/cluster-facts";
import { GatewayServiceType, type ResolvedIstioSettings } from "./settings";
import { type HelmValues, ISTIO_NAMESPACE, IstioChart, istiodValues, releaseName } from "./values";

/**
 * The same installation as an `IstioOperator`, for `istioctl install -f`. Built from the same
 * resolved settings and istiod values as the Helm releases, so both ways of installing carry the
 * same switches, images and Service families.
 */
export function istioOperator(settings: ResolvedIstioSettings): HelmValues {
    const dualStack = isDualStack(settings.ipFamilies);
    const families = { ipFamilyPolicy: "RequireDualStack", ipFamilies: [...settings.ipFamilies] };
    const istiodChartValues = istiodValues(settings) as { pilot: HelmValues; global: HelmValues; meshConfig?: HelmValues };

    // Values istioctl passes to its embedded charts: the same keys the Helm releases get
    // (hub and tag travel as spec.hub/spec.tag instead).
    const pilot: HelmValues = {};
    for (const key of ["env", "ipFamilyPolicy", "ipFamilies", "autoscaleEnabled", "replicaCount"]) {
        if (istiodChartValues.pilot[key] !== undefined) {
            pilot[key] = istiodChartValues.pilot[key];
        }
    }
    const global: HelmValues = {
        imagePullPolicy: settings.imagePullPolicy,
        imagePullSecrets: [...settings.imagePullSecrets],
    };
    if (istiodChartValues.global.defaultPodDisruptionBudget !== undefined) {
        global.defaultPodDisruptionBudget = istiodChartValues.global.defaultPodDisruptionBudget;
    }
    const values: HelmValues = { global, pilot };

    // Where the charts have no family keys, istioctl's Service overlay sets them instead.
    const pilotComponent: HelmValues = { enabled: true };
    if (dualStack && !settings.release.istiodServiceFamilyKeys) {
        pilotComponent.k8s = { service: families };
    }
    const gatewayService: HelmValues = { type: settings.gateway.serviceType };
    if (dualStack) {
        if (settings.release.istiodServiceFamilyKeys) {
            values.gateways = { "istio-ingressgateway": families };
        } else {
            Object.assign(gatewayService, families);
        }
    }
    const gateway: HelmValues = { name: releaseName(IstioChart.Gateway, ""), enabled: settings.gateway.enabled };
    if (settings.gateway.enabled) {
        gateway.k8s = { service: gatewayService };
        if (settings.loadBalancer && settings.gateway.serviceType === GatewayServiceType.LoadBalancer) {
            (gateway.k8s as HelmValues).serviceAnnotations = { ...settings.loadBalancer.serviceAnnotations };
        }
    }

    const spec: HelmValues = { profile: "default", hub: settings.hub, tag: settings.tag };
    if (settings.revision) {
        spec.revision = settings.revision;
    }
    if (istiodChartValues.meshConfig !== undefined) {
        spec.meshConfig = istiodChartValues.meshConfig;
    }
    spec.components = {
        // Only a control plane beside another says so; the default (base installed) stays implicit.
        ...(settings.base.enabled ? {} : { base: { enabled: false } }),
        pilot: pilotComponent,
        cni: { enabled: settings.cni.enabled },
        ingressGateways: [gateway],
    };
    spec.values = values;
    return {
        apiVersion: "install.istio.io/v1alpha1",
        kind: "IstioOperator",
        metadata: { name: releaseName(IstioChart.Istiod, settings.revision), namespace: ISTIO_NAMESPACE },
        spec,
    };
}
