import { today as currentDay } from "../components/clock";
import { cloudModule, requireCloudSdk } from "../components/config/clouds";
import type { StackConfig } from "../components/config/parse";
import type { InputWarning } from "../components/errors";
import { type IstioInstallPlan, planIstioInstall } from "../components/istio/plan";
import type { ClusterFacts } from "../components/target/cluster-facts";
import type { CloudPlan } from "../components/target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../components/target/config-keys";

/**
 * Everything a stack will create, decided from its config before anything is registered: the
 * one plan the components build from (nothing is planned again) and the `plan` report reads.
 */
export interface StackPlan {
    readonly config: StackConfig;
    /** The cluster's facts, as its component will report them in its target. */
    readonly facts: ClusterFacts;
    /** The cloud's plan of the cluster, which its component consumes as it is. */
    readonly cluster: CloudPlan;
    readonly istio: IstioInstallPlan;
    /** Warnings, each naming its config key. */
    readonly warnings: readonly InputWarning[];
}

/** Istio's arguments are the `istio.*` keys, and its target's facts are the top-level ones. */
const ISTIO_KEYS: ConfigKeyMap = { "*": "istio", target: "" };

/**
 * Checks a stack config all the way down, through the cluster's and Istio's own rules, and
 * returns the plan. Every error and warning names the config key (`gcp.project`,
 * `istio.hub`), whichever component's rule it came from. `today` is read once, before any of
 * them, so one plan sees one day (and a bad DUALSTACK_ISTIO_TODAY is named as itself).
 */
export function planStack(config: StackConfig, today: Date = currentDay()): StackPlan {
    const module = cloudModule(config.cloud);
    requireCloudSdk(module);
    const cluster = module.plan(config, today) as CloudPlan;
    const istio = withConfigKeys(ISTIO_KEYS, () => planIstioInstall(config.istio, cluster.facts, today));
    return {
        config,
        facts: cluster.facts,
        cluster,
        istio,
        warnings: [...cluster.warnings, ...relabelWarnings(istio.warnings, ISTIO_KEYS)],
    };
}
