import type { StackPlan } from "../program/stack-plan";
import type { ConfigDocument } from "./tenants-file";

/** One tenant, checked all the way down: its merged config and its stack's plan. */
export interface PlannedTenant {
    readonly name: string;
    /** Its position in `tenants:`. */
    readonly index: number;
    /** The merged config as written (no schema defaults): what its Pulumi stack's config holds. */
    readonly document: ConfigDocument;
    /** The checked plan of its stack: config with defaults, cluster facts, Istio, warnings. */
    readonly plan: StackPlan;
}
