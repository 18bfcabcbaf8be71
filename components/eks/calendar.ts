import { isoDay, today as currentDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { checkedOnCalendar, type CalendarProvenance } from "../support-calendar";
import { parseKubernetesVersion } from "../target/cluster-facts";

/** One Kubernetes minor's life on EKS: 14 months of standard support, then 12 of extended. */
interface EksVersionSupport {
    readonly minor: number;
    /** End of standard support (ISO date); after it EKS charges extended-support fees. */
    readonly endOfStandardSupport?: string;
    /** End of extended support (ISO date); after it EKS upgrades the cluster itself. */
    readonly endOfExtendedSupport?: string;
}

const EKS_CALENDAR_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";

/**
 * The Amazon EKS Kubernetes release calendar ({@link EKS_CALENDAR_SOURCE}), oldest first.
 * Dates not yet announced are left out. When AWS announces a date or a new minor: add it here,
 * move {@link EKS_CALENDAR_PROVENANCE}'s `checkedOn` to the day you compared, and review
 * {@link RECOMMENDED_EKS_VERSION}.
 */
export const EKS_CALENDAR: readonly EksVersionSupport[] = [
    { minor: 29, endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    { minor: 30, endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { minor: 31, endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { minor: 32, endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { minor: 33, endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { minor: 34, endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { minor: 35, endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    { minor: 36 },
];

/** Where {@link EKS_CALENDAR} comes from and when it was last compared with its source. */
export const EKS_CALENDAR_PROVENANCE: CalendarProvenance = {
    table: "the EKS Kubernetes version calendar",
    file: "components/eks/calendar.ts",
    source: EKS_CALENDAR_SOURCE,
    checkedOn: "2026-12-02",
};

/** The version new clusters get: the newest in standard support with its whole calendar announced. */
export const RECOMMENDED_EKS_VERSION = "1.35";

const EKS_VERSION = /^1\.\d+$/;

/**
 * Checks an EKS Kubernetes version against the calendar on `today`: refuses a version EKS does not
 * take (a patch version, one never offered or past extended support), and warns about a version in
 * paid extended support or newer than the calendar knows, and about the calendar itself once it is
 * older than its trusted age.
 */
export function checkEksVersion(version: string, field: string, today: Date = currentDay()): InputWarning[] {
    return checkedOnCalendar(EKS_CALENDAR_PROVENANCE, today, field, () => checkEksVersionOnCalendar(version, field, today));
}

function checkEksVersionOnCalendar(version: string, field: string, today: Date): InputWarning[] {
    if (!EKS_VERSION.test(version)) {
        parseKubernetesVersion(version, field);
        throw new InputError(field, `'${version}' is not an EKS version; EKS takes MAJOR.MINOR only, e.g. 1.35`);
    }
    const { minor } = parseKubernetesVersion(version, field);
    const oldest = EKS_CALENDAR[0];
    const newest = EKS_CALENDAR[EKS_CALENDAR.length - 1];
    if (minor < oldest.minor) {
        throw new InputError(field, `EKS no longer offers Kubernetes ${version}; ${advice(today)} (or at least 1.${oldest.minor})`);
    }
    if (minor > newest.minor) {
        return [
            {
                field,
                message: `Kubernetes ${version} is newer than the EKS calendar this package knows (up to 1.${newest.minor}); EKS refuses it until it offers it`,
            },
        ];
    }
    const support = EKS_CALENDAR.find((entry) => entry.minor === minor) as EksVersionSupport;
    const day = isoDay(today);
    if (support.endOfExtendedSupport !== undefined && day >= support.endOfExtendedSupport) {
        throw new InputError(field, `Kubernetes ${version} left EKS extended support on ${support.endOfExtendedSupport}; EKS no longer creates it, ${advice(today)}`);
    }
    if (support.endOfStandardSupport !== undefined && day >= support.endOfStandardSupport) {
        return [
            {
                field,
                message: `Kubernetes ${version} is in EKS extended support (paid per cluster hour) until ${support.endOfExtendedSupport}; ${advice(today)}`,
            },
        ];
    }
    return [];
}

/**
 * What to use instead on `today`: the recommended version while it is in standard support, else the
 * newest the calendar knows in standard support.
 */
function advice(today: Date): string {
    const day = isoDay(today);
    const standard = EKS_CALENDAR.filter((entry) => entry.endOfStandardSupport === undefined || day < entry.endOfStandardSupport);
    if (standard.some((entry) => `1.${entry.minor}` === RECOMMENDED_EKS_VERSION)) {
        return `use ${RECOMMENDED_EKS_VERSION}`;
    }
    const newest = standard[standard.length - 1];
    if (newest !== undefined) {
        return `use 1.${newest.minor}`;
    }
    return `use a newer version EKS offers (this package's calendar, last checked on ${EKS_CALENDAR_PROVENANCE.checkedOn}, knows none in standard support)`;
}
