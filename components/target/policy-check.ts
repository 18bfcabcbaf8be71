import { valueAt } from "../key-path";
import type { CisBenchmark } from "./cis";
import type { IpFamily } from "./cluster-facts";

/**
 * A resource as a policy sees it: its type token, logical name, URN, and its properties as the
 * engine sends them (a resource's inputs; a stack policy gets each resource's outputs, which for
 * the resources read here hold the same fields). During a preview a property may be unknown; the
 * policy SDK then throws from the property read, and reports the policy as not run (advisory).
 */
export interface PolicyResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Readonly<Record<string, unknown>>;
}

/** One violation: the resource it is about, and one line naming the resource, the property path and what is allowed. */
export interface PolicyViolation {
    readonly urn: string;
    readonly message: string;
}

/** A check of one resource type: every violation one resource of that type has. */
export interface ResourceCheck {
    /** The type token the check reads, e.g. `gcp:container/cluster:Cluster`. */
    readonly type: string;
    /** The resource's violations; none when it complies. */
    check(resource: PolicyResourceView): readonly PolicyViolation[];
}

/**
 * What a cloud contributes to the policy pack (`policy/`), which iterates the registry and never
 * names a cloud: how to read the IP families off its cluster resource, the check that its API
 * endpoint is not open to the whole internet, and a selection of its CIS controls as resource checks.
 */
export interface CloudPolicyChecks {
    /** The cloud's cluster resource and how its properties say which IP families the cluster has. */
    readonly cluster: { readonly type: string; families(props: Readonly<Record<string, unknown>>): readonly IpFamily[] };
    /** Violations where the cluster's API endpoint admits any address (`0.0.0.0/0`, `::/0`, or no allow-list). */
    readonly endpoint: readonly ResourceCheck[];
    /** The CIS controls a policy can prove from resource properties (advisory). */
    readonly cis: readonly ResourceCheck[];
}

/** How a violation shows a property's value: JSON for scalars and lists, "not set" when absent. */
export function shown(value: unknown): string {
    if (value === undefined || value === null) {
        return "not set";
    }
    if (Array.isArray(value)) {
        return `[${value.map((item) => shown(item)).join(", ")}]`;
    }
    return typeof value === "object" ? "an object" : JSON.stringify(value);
}

/** One violation of `resource`: `<type> '<name>': <path> is <value>; allowed: <allowed>`. */
export function violation(resource: PolicyResourceView, path: string, value: unknown, allowed: string): PolicyViolation {
    return finding(resource, `${path} is ${shown(value)}`, allowed);
}

/** One violation of `resource` that is not one property's value: `<type> '<name>': <what>; allowed: <allowed>`. */
export function finding(resource: PolicyResourceView, what: string, allowed: string): PolicyViolation {
    return { urn: resource.urn, message: `${resource.type} '${resource.name}': ${what}; allowed: ${allowed}` };
}

/** True for a range that holds every address of its family: any `/0` (`0.0.0.0/0`, `::/0`, `::0/0`). */
export function isWholeInternet(cidr: unknown): boolean {
    return typeof cidr === "string" && /\/0$/.test(cidr.trim());
}

/**
 * Checks an allow-list of source ranges where no list means any address (EKS, AKS): a missing or
 * empty list is a violation naming the list's path, a `/0` in it one naming the entry's.
 */
export function worldOpenRanges(resource: PolicyResourceView, path: string, ranges: unknown, allowed: string): PolicyViolation[] {
    if (!Array.isArray(ranges) || ranges.length === 0) {
        return [violation(resource, path, ranges, allowed)];
    }
    return ranges.flatMap((range, index) => (isWholeInternet(range) ? [violation(resource, `${path}[${index}]`, range, allowed)] : []));
}

/**
 * What proves one or more CIS controls on one resource type: the property, whether its value
 * complies, and what is allowed. Controls a benchmark proves by one property (GKE 4.1.8 and 4.1.9,
 * EKS 4.3.1 and 5.4.4) share one proof, so a bad value is reported once, naming every control.
 */
export interface CisProof {
    /** The controls' ids in the cloud's benchmark (`["5.5.5"]`), at least one. */
    readonly controls: readonly [string, ...string[]];
    readonly type: string;
    /** Applies only to the resources this is true for (the `vpc-cni` add-on). @default every resource of `type` */
    readonly applies?: (props: Readonly<Record<string, unknown>>) => boolean;
    /** The property path, dotted. */
    readonly path: string;
    readonly holds: (value: unknown) => boolean;
    /** What is allowed, for the message. */
    readonly allowed: string;
}

/**
 * Resource checks from a cloud's CIS table and the proofs kept beside it: a violation names the
 * resource, the property, what is allowed, and the controls (`CIS GKE Benchmark v1.9.0 5.5.5:
 * <title>`, or `… 4.1.8: <title>; 4.1.9: <title>` for a proof of two). A proof of a control the
 * table does not have, or two proofs of one property, is a bug, refused at load.
 */
export function cisChecks(benchmark: CisBenchmark<never>, proofs: readonly CisProof[]): ResourceCheck[] {
    const paths = proofs.map((proof) => `${proof.type} ${proof.path}`);
    const twice = paths.find((path, index) => paths.indexOf(path) !== index);
    if (twice !== undefined) {
        throw new Error(`internal: ${benchmark.name} proves ${twice} twice; name every control in one proof`);
    }
    const titled = proofs.map((proof) => {
        const titles = proof.controls.map((id) => {
            const control = benchmark.controls.find((candidate) => candidate.id === id);
            if (control === undefined) {
                throw new Error(`internal: ${benchmark.name} has no control ${id}`);
            }
            return `${id}: ${control.title}`;
        });
        return { ...proof, named: `${benchmark.name} ${titles.join("; ")}` };
    });
    return [...new Set(titled.map((proof) => proof.type))].map((type) => ({
        type,
        check: (resource) =>
            titled
                .filter((proof) => proof.type === type && (proof.applies?.(resource.props) ?? true))
                .flatMap((proof) => {
                    const value = valueAt(resource.props, proof.path);
                    if (proof.holds(value)) {
                        return [];
                    }
                    const found = violation(resource, proof.path, value, proof.allowed);
                    return [{ ...found, message: `${found.message} (${proof.named})` }];
                }),
    }));
}
