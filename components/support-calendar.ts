import { isoDay } from "./clock";
import { InputError, type InputWarning } from "./errors";

/**
 * Where a table of dated support facts (a version calendar) comes from, and when it was last
 * checked against that source. Every such table in the package carries one, so that advice drawn
 * from it can say when it has grown old instead of going silently stale.
 */
export interface CalendarProvenance {
    /** What the table is, for messages: `the EKS Kubernetes version calendar`. */
    readonly table: string;
    /** The source file in this package that holds it. */
    readonly file: string;
    /** The primary source it is copied from. */
    readonly source: string;
    /** The day (ISO, UTC) it was last compared with the source. */
    readonly checkedOn: string;
}

/** How long a calendar is trusted after it was last checked; past it, plans warn. */
export const CALENDAR_MAX_AGE_DAYS = 183;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One warning, under `field`, when `calendar` was last checked more than
 * {@link CALENDAR_MAX_AGE_DAYS} days before `today`; none otherwise.
 */
export function staleCalendarWarnings(calendar: CalendarProvenance, today: Date, field: string): InputWarning[] {
    const ageDays = Math.floor((Date.parse(isoDay(today)) - Date.parse(calendar.checkedOn)) / DAY_MS);
    if (ageDays <= CALENDAR_MAX_AGE_DAYS) {
        return [];
    }
    return [
        {
            field,
            message:
                `${calendar.table} was last checked on ${calendar.checkedOn} (${ageDays} days ago) and may be stale: ` +
                `upgrade pulumi-dualstack-istio, or update ${calendar.file} from ${calendar.source}`,
        },
    ];
}

/**
 * Runs a check drawn from `calendar` on `today`: its warnings, then the calendar's own age warning;
 * a refusal drawn from a stale calendar says so in the same line.
 */
export function checkedOnCalendar(calendar: CalendarProvenance, today: Date, field: string, check: () => InputWarning[]): InputWarning[] {
    const stale = staleCalendarWarnings(calendar, today, field);
    try {
        return [...check(), ...stale];
    } catch (error) {
        if (error instanceof InputError && stale.length > 0) {
            throw new InputError(error.field, `${error.problem} (${stale[0].message})`);
        }
        throw error;
    }
}
