import { InputError } from "./errors";

/**
 * The one "today" every support calendar is read on (EKS versions, Istio end-of-life dates, the
 * calendars' own age). Planners take `today` as a parameter whose default is {@link today}, so a
 * plan is a function of its inputs and this clock only; nothing else in the package reads the wall
 * clock for a decision (lint enforces it).
 *
 * The clock is the real date, unless `DUALSTACK_ISTIO_TODAY=YYYY-MM-DD` names another day (to
 * replay a plan as of a day, and for tests, whose spawned CLIs inherit it), or a caller in this
 * process pinned it with {@link pinToday}.
 */
export const TODAY_VARIABLE = "DUALSTACK_ISTIO_TODAY";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function environmentClock(): Date {
    const day = process.env[TODAY_VARIABLE];
    if (day === undefined || day === "") {
        return new Date();
    }
    const date = new Date(`${day}T00:00:00Z`);
    if (!ISO_DAY.test(day) || Number.isNaN(date.getTime()) || isoDay(date) !== day) {
        throw new InputError(TODAY_VARIABLE, `${JSON.stringify(day)} is not a day; give YYYY-MM-DD, or unset it for the real date`);
    }
    return date;
}

let clock: () => Date = environmentClock;

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

/** A date as an ISO day, `YYYY-MM-DD` (UTC), the form every calendar's dates are written in. */
export function isoDay(date: Date): string {
    return date.toISOString().slice(0, 10);
}
