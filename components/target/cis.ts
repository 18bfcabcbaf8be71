/**
 * One control of a CIS benchmark that a cluster this package creates has on by default: where it
 * comes from, how a stack turns it off, and whether a given plan has it on. Each cloud keeps its
 * controls as data beside its component (`components/<cloud>/cis.ts`); the README's tables, the
 * plan summary and the tests read them from the registry.
 */
export interface CisControl<Plan> {
    /** The control's number in the benchmark, e.g. `5.6.5`. */
    readonly id: string;
    /** The control's title, shortened. */
    readonly title: string;
    /** What the package sets, in the provider's terms, e.g. `privateClusterConfig.enablePrivateNodes: true`. */
    readonly setting: string;
    /**
     * The stack-config key and the value that turn the control off.
     * @default none: see {@link CisControl.fixed}
     */
    readonly optOut?: { readonly key: string; readonly value: string };
    /**
     * The stack-config key and value that turn on a control that is off by default, where on by
     * default would break the common case (a private-only endpoint cuts off a deployer outside the VPC).
     * @default none: the control is on by default
     */
    readonly optIn?: { readonly key: string; readonly value: string };
    /**
     * Why the control cannot be turned off (dual-stack needs it, or no cluster is better without it).
     * Exactly one of `optOut`, `optIn` and `fixed` is given.
     */
    readonly fixed?: string;
    /** Whether the plan has the control on. */
    readonly on: (plan: Plan) => boolean;
}

/** The controls of one benchmark that a cloud's cluster has on by default. */
export interface CisBenchmark<Plan> {
    /** The benchmark and its version: `CIS GKE Benchmark v1.9.0`. */
    readonly name: string;
    /** Where the control numbers and titles were read. */
    readonly source: string;
    readonly controls: readonly CisControl<Plan>[];
}

/** The benchmark's controls a plan has on, and those it has off, in the benchmark's order. */
export interface CisStatus<Plan> {
    readonly on: readonly CisControl<Plan>[];
    readonly off: readonly CisControl<Plan>[];
}

/** Which of the benchmark's controls `plan` has on. */
export function cisStatus<Plan>(benchmark: CisBenchmark<Plan>, plan: Plan): CisStatus<Plan> {
    const on = benchmark.controls.filter((control) => control.on(plan));
    return { on, off: benchmark.controls.filter((control) => !on.includes(control)) };
}

/**
 * One line for a plan summary: `24 of 27 on; off: 5.6.4 (on with gcp.privateEndpoint: true), 5.6.5
 * (gcp.privateNodes)`: an opted-out control names its key, an opt-in the key and value that turn it on.
 */
export function cisSummary<Plan>(benchmark: CisBenchmark<Plan>, plan: Plan): string {
    const { on, off } = cisStatus(benchmark, plan);
    const offText = off
        .map((control) => {
            const why = control.optIn ? `on with ${control.optIn.key}: ${control.optIn.value}` : control.optOut?.key;
            return why === undefined ? control.id : `${control.id} (${why})`;
        })
        .join(", ");
    return `${on.length} of ${benchmark.controls.length} on${off.length > 0 ? `; off: ${offText}` : ""}`;
}

/** The README's table of a benchmark: control, what the package sets, its default, and the key that changes it. */
export function cisTable(benchmark: CisBenchmark<never>): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|");
    const key = (change: { readonly key: string; readonly value: string }) => `\`${cell(change.key)}: ${cell(change.value)}\``;
    const rows = benchmark.controls.map((control) => {
        const change = control.optOut ? `off with ${key(control.optOut)}` : control.optIn ? `on with ${key(control.optIn)}` : `always: ${cell(control.fixed ?? "")}`;
        return `| ${control.id} | ${cell(control.title)} | ${cell(control.setting)} | ${control.optIn ? "off" : "on"} | ${change} |`;
    });
    return ["| Control | Title | Setting | Default | Opt-out or opt-in |", "|---|---|---|---|---|", ...rows].join("\n");
}
