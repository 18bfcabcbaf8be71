import { InputError } from "../errors";
import type { GkeMaintenanceWindow } from "./args";

/** A maintenance window with every time given. */
export type GkeMaintenanceWindowTimes = Required<Omit<GkeMaintenanceWindow, "enabled">>;

// RFC 3339 with seconds and a zone, as the provider's recurringWindow takes it (it refuses a time without seconds).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
// The RRULEs a maintenance window is written with: daily, or weekly on listed days.
const RECURRENCE = /^FREQ=(DAILY|WEEKLY;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*))$/;
const HOUR_MS = 60 * 60 * 1000;
/** GKE's floor: 48 hours of windows of 4 hours or more in any 32 days (see {@link GkeMaintenanceWindow}). */
const MIN_WINDOW_HOURS = 4;
const MIN_HOURS_PER_32_DAYS = 48;

/** Checks a maintenance window against GKE's rules, so that the create is not refused for it. */
export function checkMaintenanceWindow(window: GkeMaintenanceWindowTimes): GkeMaintenanceWindowTimes {
    for (const key of ["startTime", "endTime"] as const) {
        if (!RFC3339.test(window[key]) || Number.isNaN(Date.parse(window[key]))) {
            throw new InputError(`maintenanceWindow.${key}`, `'${window[key]}' is not an RFC 3339 time with a zone; expected e.g. 2025-01-04T00:00:00Z`);
        }
    }
    const recurrence = RECURRENCE.exec(window.recurrence);
    if (!recurrence) {
        throw new InputError("maintenanceWindow.recurrence", `'${window.recurrence}' is not a recurrence this package takes; expected FREQ=DAILY or FREQ=WEEKLY;BYDAY=SA,SU`);
    }
    const hours = (Date.parse(window.endTime) - Date.parse(window.startTime)) / HOUR_MS;
    if (hours < MIN_WINDOW_HOURS || hours >= 24) {
        throw new InputError(
            "maintenanceWindow.endTime",
            `the window lasts ${hours} hours; GKE counts only windows of ${MIN_WINDOW_HOURS} hours or more, and a window must end within a day of its start`,
        );
    }
    // In any 32 days a daily window recurs 32 times, a weekly one at least 4 times per listed day.
    const occurrences = recurrence[2] === undefined ? 32 : 4 * new Set(recurrence[2].split(",")).size;
    if (occurrences * hours < MIN_HOURS_PER_32_DAYS) {
        throw new InputError(
            "maintenanceWindow.recurrence",
            `gives ${occurrences * hours} hours of maintenance in 32 days; GKE needs at least ${MIN_HOURS_PER_32_DAYS}: lengthen the window or add days`,
        );
    }
    return window;
}
