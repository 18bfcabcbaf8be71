/**
 * The one "today" every support calendar is read on (EKS versions, Istio end-of-life dates, the
 * calendars' own age). Planners take `today` as a parameter whose default is {@link today}, so a
 * plan is a function of its inputs and this clock only; nothing else in the package reads the wall
 * clock for a decision. Tests pin it (test/support/clock.ts) so that no test depends on the date it
 * runs on.
 */

let clock: () => Date = () => new Date();

/** The date calendars are consulted on: the real date unless pinned. */
export function today(): Date {
    return clock();
}

/**
 * Pins {@link today} to `date` until the returned function is called, which restores the clock
 * that was in force before.
 * @internal For tests and for tools that replay a plan at a given date.
 */
export function pinToday(date: Date): () => void {
    const previous = clock;
    const pinned = new Date(date.getTime());
    clock = () => new Date(pinned.getTime());
    return () => {
        clock = previous;
    };
}

/** `today` as an ISO day, `YYYY-MM-DD` (UTC), the form every calendar's dates are written in. */
export function isoDay(date: Date): string {
    return date.toISOString().slice(0, 10);
}
