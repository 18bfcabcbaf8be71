import { isoDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { checkedOnCalendar, type CalendarProvenance } from "../support-calendar";
import { parseKubernetesVersion } from "../target/cluster-facts";

/** One Kubernetes minor's community support on AKS: GA, then about twelve months to end of life. */
interface AksVersionSupport {
    readonly minor: number;
    /** The last day of community support (ISO date): AKS's "end of the month" dates, made exact. */
    readonly endOfLife: string;
}

const AKS_CALENDAR_SOURCE = "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions";

/**
 * The AKS Kubernetes release calendar ({@link AKS_CALENDAR_SOURCE}, "Unless an explicit date is
 * provided, the End of Life (EOL) date is the last day of the specified month"), oldest first.
 * Long-term support (`AKSLongTermSupport`, Premium tier only) is not offered by this package, so
 * only community support counts. When Microsoft changes a date or adds a minor: edit it here and
 * move {@link AKS_CALENDAR_PROVENANCE}'s `checkedOn` to the day you compared.
 */
export const AKS_CALENDAR: readonly AksVersionSupport[] = [
    { minor: 32, endOfLife: "2026-03-31" },
    { minor: 33, endOfLife: "2026-07-31" },
    { minor: 34, endOfLife: "2026-11-30" },
    { minor: 35, endOfLife: "2027-03-31" },
    { minor: 36, endOfLife: "2027-06-30" },
    { minor: 37, endOfLife: "2027-10-31" },
];

/** Where {@link AKS_CALENDAR} comes from and when it was last compared with its source. */
export const AKS_CALENDAR_PROVENANCE: CalendarProvenance = {
    table: "the AKS Kubernetes version calendar",
    file: "components/aks/calendar.ts",
    source: AKS_CALENDAR_SOURCE,
    checkedOn: "2026-12-02",
};

/** The version new clusters get: GA, with the longest community support left of those proven in the field. */
export const RECOMMENDED_AKS_VERSION = "1.35";

/**
 * Azure CNI Overlay dual-stack with the Cilium dataplane (this package's network policy engine,
 * since Azure and Calico network policies do not support dual-stack) needs 1.29 or newer:
 * https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium ("You must have Kubernetes
 * version 1.29 or greater").
 */
export const AKS_MIN_DUAL_STACK_MINOR = 29;

/** Days before end of life from which a plan warns. */
const WARN_DAYS_BEFORE_END = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Checks an AKS Kubernetes version on `today`: refuses a patch version, one older than Cilium
 * dual-stack, or one past community end of life; warns when end of life is near, when the
 * version is newer than the calendar, and when the calendar itself has grown old.
 */
export function checkAksVersion(version: string, field: string, today: Date): InputWarning[] {
    return checkedOnCalendar(AKS_CALENDAR_PROVENANCE, today, field, () => checkAksVersionOnCalendar(version, field, today));
}

function checkAksVersionOnCalendar(version: string, field: string, today: Date): InputWarning[] {
    if (!/^1\.\d+$/.test(version)) {
        // Not a Kubernetes version at all (a 'v', leading zeros): say so, with the shared check's hint.
        parseKubernetesVersion(version, field);
        throw new InputError(field, `'${version}' is not an AKS version to ask for; give MAJOR.MINOR, e.g. ${RECOMMENDED_AKS_VERSION} (AKS picks the patch and upgrades it)`);
    }
    const { minor } = parseKubernetesVersion(version, field);
    if (minor < AKS_MIN_DUAL_STACK_MINOR) {
        throw new InputError(field, `AKS ${version} cannot run Cilium dual-stack; it needs 1.${AKS_MIN_DUAL_STACK_MINOR} or newer`);
    }
    const day = isoDay(today);
    const entry = AKS_CALENDAR.find((candidate) => candidate.minor === minor);
    if (entry === undefined) {
        if (minor < AKS_CALENDAR[0].minor) {
            throw new InputError(field, `AKS ${version} is past end of life (before ${AKS_CALENDAR[0].endOfLife}); use ${RECOMMENDED_AKS_VERSION}`);
        }
        return [{ field, message: `AKS ${version} is newer than ${AKS_CALENDAR_PROVENANCE.table} (${AKS_CALENDAR_PROVENANCE.file}); check that AKS offers it in your region` }];
    }
    if (day > entry.endOfLife) {
        throw new InputError(field, `AKS ${version} reached end of life on ${entry.endOfLife}; use ${newestSupported(day)}`);
    }
    const daysLeft = Math.floor((Date.parse(entry.endOfLife) - Date.parse(day)) / DAY_MS);
    const ending: InputWarning[] =
        daysLeft <= WARN_DAYS_BEFORE_END
            ? [{ field, message: `AKS ${version} reaches end of life on ${entry.endOfLife} (${daysLeft} days); plan the upgrade to ${upgradeFrom(minor, day)}` }]
            : [];
    return ending;
}

/** The version to move to on `day`: the recommended one while it is supported, else the oldest supported after it. */
function newestSupported(day: string): string {
    return upgradeFrom(Number(RECOMMENDED_AKS_VERSION.split(".")[1]) - 1, day);
}

/** The oldest minor newer than `minor` still supported on `day`: the next step of an upgrade. */
function upgradeFrom(minor: number, day: string): string {
    const next = AKS_CALENDAR.find((entry) => entry.minor > minor && entry.endOfLife >= day);
    return next ? `1.${next.minor}` : "the newest version AKS offers";
}
