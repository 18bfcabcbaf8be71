/**
 * Lets a component take a plan already made for its arguments, so the stack plan's checked plan
 * is what the component builds from (planned once) while its public constructor keeps taking
 * plain arguments. The plan rides along with the very arguments object it was made from; any
 * other object is planned by the component itself.
 * @internal
 */
export class PlannedArgs<Args extends object, Plan> {
    private readonly plans = new WeakMap<Args, Plan>();

    /** `args`, remembered as planned by `plan`. */
    attach(args: Args, plan: Plan): Args {
        this.plans.set(args, plan);
        return args;
    }

    /** The plan attached to `args`, else a new one. */
    planOf(args: Args, plan: () => Plan): Plan {
        return this.plans.get(args) ?? plan();
    }
}
