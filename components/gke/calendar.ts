import { isoDay, today as currentDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { checkedOnCalendar, type CalendarProvenance } from "../support-calendar";
import { parseKubernetesVersion } from "../target/cluster-facts";

/** The release channels a GKE cluster can be created on; `UNSPECIFIED` is no channel. */
export type GkeChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED" | "UNSPECIFIED";

/** The channels the release schedule has columns for. */
type ScheduledChannel = Exclude<GkeChannel, "UNSPECIFIED">;

/** One Kubernetes minor's life on GKE, as Google's release schedule gives it. */
interface GkeVersionSupport {
    readonly minor: number;
    /**
     * The "Available" date (ISO) on each channel: when GKE first offers the minor there for new
     * clusters. Only exact dates; the schedule's month or quarter estimates are left out.
     */
    readonly available?: Readonly<Partial<Record<ScheduledChannel, string>>>;
    /** End of standard support (ISO); after it GKE upgrades clusters on every channel but EXTENDED. */
    readonly endOfStandardSupport?: string;
    /** End of extended support (ISO); after it GKE upgrades EXTENDED clusters too. */
    readonly endOfExtendedSupport?: string;
}

// Primary source, read from its stored copy "Last updated 2026-04-10 UTC":
// https://cloud.google.com/kubernetes-engine/docs/release-schedule (the "Estimated schedule for release
// channels" table: Available and Auto Upgrade per channel, End of standard support, End of extended support).
const GKE_RELEASE_SCHEDULE = "https://cloud.google.com/kubernetes-engine/docs/release-schedule";

/**
 * The GKE Kubernetes release schedule ({@link GKE_RELEASE_SCHEDULE}), oldest first.
 *
 * To update it: open the schedule's "Estimated schedule for release channels" table; for each minor
 * copy the exact `Available` dates of Rapid, Regular, Stable and Extended, `End of standard support`
 * and `End of extended support`. Leave out dates given only as a month or quarter (`2026-06`,
 * `2027-Q2`): they are Google's estimates. Add a new minor as it appears, keep the retired ones until
 * their end of extended support is well past, move {@link GKE_CALENDAR_PROVENANCE}'s `checkedOn` to
 * the date of the schedule you compared with, and review {@link RECOMMENDED_GKE_VERSION}.
 */
export const GKE_CALENDAR: readonly GkeVersionSupport[] = [
    // Retired: past end of extended support (2026-01-25). Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 29,
        available: { RAPID: "2024-01-05", REGULAR: "2024-01-26", STABLE: "2024-06-11", EXTENDED: "2024-01-25" },
        endOfStandardSupport: "2025-04-12",
        endOfExtendedSupport: "2026-01-25",
    },
    // Retired: past end of extended support (2026-07-30). Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 30,
        available: { RAPID: "2024-04-30", REGULAR: "2024-07-30", STABLE: "2024-08-13", EXTENDED: "2024-07-30" },
        endOfStandardSupport: "2025-09-30",
        endOfExtendedSupport: "2026-07-30",
    },
    // Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 31,
        available: { RAPID: "2024-08-20", REGULAR: "2024-10-22", STABLE: "2025-01-28", EXTENDED: "2024-10-22" },
        endOfStandardSupport: "2026-01-16",
        endOfExtendedSupport: "2026-10-22",
    },
    // Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 32,
        available: { RAPID: "2024-12-17", REGULAR: "2025-02-11", STABLE: "2025-03-04", EXTENDED: "2025-02-11" },
        endOfStandardSupport: "2026-04-27",
        endOfExtendedSupport: "2027-02-11",
    },
    // Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 33,
        available: { RAPID: "2025-05-07", REGULAR: "2025-06-04", STABLE: "2025-07-22", EXTENDED: "2025-06-04" },
        endOfStandardSupport: "2026-08-03",
        endOfExtendedSupport: "2027-06-03",
    },
    // Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 34,
        available: { RAPID: "2025-09-02", REGULAR: "2025-11-26", STABLE: "2026-02-18", EXTENDED: "2025-12-03" },
        endOfStandardSupport: "2027-01-25",
        endOfExtendedSupport: "2027-11-25",
    },
    // Source: GKE_RELEASE_SCHEDULE.
    {
        minor: 35,
        available: { RAPID: "2025-12-24", REGULAR: "2026-02-11", STABLE: "2026-04-07", EXTENDED: "2026-02-11" },
        endOfStandardSupport: "2027-04-11",
        endOfExtendedSupport: "2028-02-11",
    },
    // Not yet in the stored schedule; GKE's release notes list 1.36 on Rapid, Regular and Extended and
    // 1.37 on Rapid only ("Current versions" table, https://cloud.google.com/kubernetes-engine/docs/release-notes),
    // without dates. Undated here until the schedule gives them.
    { minor: 36 },
    { minor: 37 },
];

/** Where {@link GKE_CALENDAR} comes from and when the schedule it was compared with was dated. */
export const GKE_CALENDAR_PROVENANCE: CalendarProvenance = {
    table: "the GKE Kubernetes release schedule",
    file: "components/gke/calendar.ts",
    source: GKE_RELEASE_SCHEDULE,
    // Compared on 2026-12-02 with the newest copy of the schedule this project could read, which
    // Google last updated on 2026-04-10 (its footer), and with the release notes' "Current versions"
    // table of about August 2026, which agrees on every channel's minors. Refresh both from the live
    // pages at the next update: 1.36 and 1.37 are undated here.
    checkedOn: "2026-12-02",
};

/**
 * The version new clusters get: the newest minor in standard support with its whole schedule known,
 * available on every channel (Stable since 2026-04-07, standard support until 2027-04-11, per
 * {@link GKE_RELEASE_SCHEDULE}).
 */
export const RECOMMENDED_GKE_VERSION = "1.35";

/** How close an end of support must be for a plan to warn about it. */
export const GKE_SUPPORT_WARNING_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;
const SCHEDULED_CHANNELS: readonly ScheduledChannel[] = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];

/**
 * Checks a GKE Kubernetes version (`1.35` or a full GKE version such as `1.35.1-gke.1396000`) for a
 * cluster on `channel` against the GKE release schedule on `today`. Refuses a minor GKE no longer
 * creates on that channel (past standard support, or past extended support on EXTENDED), and one the
 * schedule says is not yet available there. Warns when the minor leaves support within
 * {@link GKE_SUPPORT_WARNING_DAYS} days, when it is in paid extended support on EXTENDED, when the
 * calendar does not know the minor (or its date on the channel), and when the calendar itself is
 * older than its trusted age.
 */
export function checkGkeVersion(version: string, channel: GkeChannel, field: string, today: Date = currentDay()): InputWarning[] {
    return checkedOnCalendar(GKE_CALENDAR_PROVENANCE, today, field, () => checkGkeVersionOnCalendar(version, channel, field, today));
}

function checkGkeVersionOnCalendar(version: string, channel: GkeChannel, field: string, today: Date): InputWarning[] {
    const { minor } = parseKubernetesVersion(version, field);
    const day = isoDay(today);
    const oldest = GKE_CALENDAR[0];
    const newest = GKE_CALENDAR[GKE_CALENDAR.length - 1];
    if (minor < oldest.minor) {
        throw new InputError(field, `GKE no longer offers Kubernetes ${version}; ${advice(channel, today, minor, true)}`);
    }
    if (minor > newest.minor) {
        return [
            {
                field,
                message: `Kubernetes ${version} is newer than the GKE calendar this package knows (up to 1.${newest.minor}); GKE refuses it until it offers it on ${where(channel)}`,
            },
        ];
    }
    const support = GKE_CALENDAR.find((entry) => entry.minor === minor) as GkeVersionSupport;
    const extended = channel === "EXTENDED";
    const end = extended ? support.endOfExtendedSupport : support.endOfStandardSupport;
    if (end !== undefined && day >= end) {
        if (extended) {
            throw new InputError(field, `Kubernetes ${version} left GKE extended support on ${end}; GKE no longer creates it, ${advice(channel, today, minor, true)}`);
        }
        const stillExtended =
            support.endOfExtendedSupport !== undefined && day < support.endOfExtendedSupport
                ? ` (the EXTENDED channel keeps it until ${support.endOfExtendedSupport}, at extra cost)`
                : "";
        throw new InputError(
            field,
            `Kubernetes ${version} left GKE standard support on ${end}; GKE no longer creates it on ${where(channel)}, ${advice(channel, today, minor, true)}${stillExtended}`,
        );
    }
    const available = availableOn(support, channel);
    if (available === undefined) {
        return [
            {
                field,
                message: `Kubernetes ${version} has no date for ${where(channel)} in the GKE calendar this package knows; GKE refuses it there until it offers it`,
            },
        ];
    }
    if (day < available) {
        const elsewhere = SCHEDULED_CHANNELS.filter((other) => {
            const date = support.available?.[other];
            return date !== undefined && date <= day;
        });
        const instead =
            elsewhere.length > 0
                ? `available on ${elsewhere.join(", ")}; ${advice(channel, today, minor)}, or one of those channels`
                : `no GKE channel offers it yet, ${advice(channel, today, minor)}`;
        throw new InputError(field, `Kubernetes ${version} is not yet available on ${where(channel)} (GKE schedules it for ${available}); ${instead}`);
    }
    if (extended && support.endOfStandardSupport !== undefined && day >= support.endOfStandardSupport) {
        return [
            {
                field,
                message: `Kubernetes ${version} is in GKE extended support (paid extra per cluster) until ${until(end, today)}; ${advice(channel, today, minor, true)}`,
            },
        ];
    }
    if (end !== undefined && daysUntil(end, today) <= GKE_SUPPORT_WARNING_DAYS) {
        const kind = extended ? "extended" : "standard";
        return [{ field, message: `Kubernetes ${version} leaves GKE ${kind} support on ${until(end, today)}; ${advice(channel, today, minor, true)}` }];
    }
    return [];
}

/**
 * The day the minor became available on `channel`. Clusters without a channel get the Regular
 * channel's date ("Available date: The same available date ... on the Regular Channel", schedule for
 * clusters with no channel, {@link GKE_RELEASE_SCHEDULE}).
 */
function availableOn(support: GkeVersionSupport, channel: GkeChannel): string | undefined {
    return support.available?.[channel === "UNSPECIFIED" ? "REGULAR" : channel];
}

function where(channel: GkeChannel): string {
    return channel === "UNSPECIFIED" ? "clusters without a release channel" : `the ${channel} channel`;
}

function daysUntil(end: string, today: Date): number {
    return Math.round((Date.parse(end) - Date.parse(isoDay(today))) / DAY_MS);
}

/**
 * An end date, with how near it is when within {@link GKE_SUPPORT_WARNING_DAYS}. At the end of
 * support "GKE auto-upgrades the cluster" (note 3 of {@link GKE_RELEASE_SCHEDULE}).
 */
function until(end: string | undefined, today: Date): string {
    if (end === undefined) {
        return "a date GKE has not announced";
    }
    const days = daysUntil(end, today);
    return days <= GKE_SUPPORT_WARNING_DAYS ? `${end} (in ${days} ${days === 1 ? "day" : "days"}, then GKE upgrades the cluster)` : end;
}

/**
 * What to use instead on `channel` on `today`, never the minor being refused (`besides`), and newer
 * than it where its support is ending (`newer`): the recommended version when GKE offers it there,
 * else the newest minor the calendar dates as offered there and in standard support.
 */
function advice(channel: GkeChannel, today: Date, besides: number, newer = false): string {
    const day = isoDay(today);
    const offered = GKE_CALENDAR.filter((entry) => {
        const available = availableOn(entry, channel);
        const standardEnd = entry.endOfStandardSupport;
        return entry.minor !== besides && (!newer || entry.minor > besides) && available !== undefined && available <= day && (standardEnd === undefined || day < standardEnd);
    });
    if (offered.some((entry) => `1.${entry.minor}` === RECOMMENDED_GKE_VERSION)) {
        return `use ${RECOMMENDED_GKE_VERSION}`;
    }
    const newest = offered[offered.length - 1];
    if (newest !== undefined) {
        return `use 1.${newest.minor}`;
    }
    return `use a newer version GKE offers on ${where(channel)} (this package's calendar, last checked on ${GKE_CALENDAR_PROVENANCE.checkedOn}, knows none)`;
}
