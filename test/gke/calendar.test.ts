import assert from "node:assert/strict";
import { isoDay } from "../../components/clock";
import { InputError } from "../../components/errors";
import { checkGkeVersion, GKE_CALENDAR, GKE_CALENDAR_PROVENANCE, GKE_SUPPORT_WARNING_DAYS, type GkeChannel, RECOMMENDED_GKE_VERSION } from "../../components/gke/calendar";
import { CALENDAR_MAX_AGE_DAYS } from "../../components/support-calendar";
import { refusal as refusalOf } from "../support/fixtures";

const FIELD = "kubernetesVersion";
const on = (day: string) => new Date(`${day}T00:00:00Z`);
const check = (version: string, channel: GkeChannel, day: string) => checkGkeVersion(version, channel, FIELD, on(day));
const messages = (version: string, channel: GkeChannel, day: string) => check(version, channel, day).map((warning) => warning.message);
const refusal = (version: string, channel: GkeChannel, day: string) => refusalOf(() => check(version, channel, day));

// Days within CALENDAR_MAX_AGE_DAYS of the calendar's checkedOn (2026-12-02) unless a test says otherwise.
const STALE = (days: number) =>
    `the GKE Kubernetes release schedule was last checked on 2026-12-02 (${days} days ago) and may be stale: ` +
    "upgrade pulumi-dualstack-istio, or update components/gke/calendar.ts from https://cloud.google.com/kubernetes-engine/docs/release-schedule";

describe("GKE version calendar", () => {
    it("accepts the recommended version on every channel, and a full GKE version of it, with no warning", () => {
        for (const channel of ["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"] as const) {
            assert.deepEqual(check(RECOMMENDED_GKE_VERSION, channel, "2026-05-01"), [], channel);
        }
        assert.deepEqual(check("1.35.1-gke.1396000", "REGULAR", "2026-05-01"), []);
    });

    describe("refuses, in one line naming the field and saying what to use", () => {
        it("a minor past standard support on a standard channel, pointing at EXTENDED while it lasts", () => {
            assert.equal(
                refusal("1.33", "REGULAR", "2026-08-03"),
                "kubernetesVersion: Kubernetes 1.33 left GKE standard support on 2026-08-03; GKE no longer creates it on the REGULAR channel, use 1.35 " +
                    "(the EXTENDED channel keeps it until 2027-06-03, at extra cost)",
            );
            assert.equal(
                refusal("1.33.5-gke.1080000", "UNSPECIFIED", "2026-09-01"),
                "kubernetesVersion: Kubernetes 1.33.5-gke.1080000 left GKE standard support on 2026-08-03; GKE no longer creates it on clusters without a release channel, " +
                    "use 1.35 (the EXTENDED channel keeps it until 2027-06-03, at extra cost)",
            );
            assert.equal(
                refusal("1.30", "STABLE", "2026-08-01"),
                "kubernetesVersion: Kubernetes 1.30 left GKE standard support on 2025-09-30; GKE no longer creates it on the STABLE channel, use 1.35",
            );
        });

        it("a minor past extended support on EXTENDED", () => {
            assert.equal(
                refusal("1.30", "EXTENDED", "2026-07-30"),
                "kubernetesVersion: Kubernetes 1.30 left GKE extended support on 2026-07-30; GKE no longer creates it, use 1.35",
            );
        });

        it("a minor older than the calendar", () => {
            assert.equal(refusal("1.28", "REGULAR", "2026-05-01"), "kubernetesVersion: GKE no longer offers Kubernetes 1.28; use 1.35");
            assert.equal(refusal("1.24.17-gke.2472000", "EXTENDED", "2026-05-01"), "kubernetesVersion: GKE no longer offers Kubernetes 1.24.17-gke.2472000; use 1.35");
        });

        it("a minor the schedule does not yet offer on the channel, naming where it is offered and the newest offered here", () => {
            assert.equal(
                refusal("1.35", "STABLE", "2026-03-01"),
                "kubernetesVersion: Kubernetes 1.35 is not yet available on the STABLE channel (GKE schedules it for 2026-04-07); " +
                    "available on RAPID, REGULAR, EXTENDED; use 1.34, or one of those channels",
            );
            assert.equal(
                refusal("1.35", "UNSPECIFIED", "2026-01-05"),
                "kubernetesVersion: Kubernetes 1.35 is not yet available on clusters without a release channel (GKE schedules it for 2026-02-11); " +
                    "available on RAPID; use 1.34, or one of those channels",
            );
            assert.equal(
                refusal("1.35", "STABLE", "2025-12-01"),
                "kubernetesVersion: Kubernetes 1.35 is not yet available on the STABLE channel (GKE schedules it for 2026-04-07); no GKE channel offers it yet, use 1.33",
            );
            assert.deepEqual(check("1.35", "STABLE", "2026-04-07"), []);
        });

        it("what is not a Kubernetes version, with the shared parser's message", () => {
            assert.equal(
                refusal("v1.35", "REGULAR", "2026-05-01"),
                "kubernetesVersion: 'v1.35' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH without the leading 'v', e.g. 1.33",
            );
        });

        it("as an InputError on the given field", () => {
            assert.throws(
                () => checkGkeVersion("1.33", "STABLE", "cluster.version", on("2026-09-01")),
                (error: unknown) => {
                    assert.ok(error instanceof InputError);
                    assert.equal(error.field, "cluster.version");
                    assert.doesNotMatch(error.message, /\n/);
                    return true;
                },
            );
        });
    });

    describe("warns", () => {
        it(`when the minor leaves standard support within ${GKE_SUPPORT_WARNING_DAYS} days, saying the date`, () => {
            assert.deepEqual(messages("1.33", "REGULAR", "2026-05-04"), []);
            assert.deepEqual(messages("1.33", "REGULAR", "2026-05-05"), [
                "Kubernetes 1.33 leaves GKE standard support on 2026-08-03 (in 90 days, then GKE upgrades the cluster); use 1.35",
            ]);
            assert.deepEqual(messages("1.33", "STABLE", "2026-08-02"), [
                "Kubernetes 1.33 leaves GKE standard support on 2026-08-03 (in 1 day, then GKE upgrades the cluster); use 1.35",
            ]);
        });

        it("on EXTENDED after standard support ends (extra cost), with the end of extended support and its nearness", () => {
            assert.deepEqual(messages("1.33", "EXTENDED", "2026-08-02"), []);
            assert.deepEqual(messages("1.33", "EXTENDED", "2026-08-03"), ["Kubernetes 1.33 is in GKE extended support (paid extra per cluster) until 2027-06-03; use 1.35"]);
            assert.deepEqual(messages("1.31", "EXTENDED", "2026-08-01"), [
                "Kubernetes 1.31 is in GKE extended support (paid extra per cluster) until 2026-10-22 (in 82 days, then GKE upgrades the cluster); use 1.35",
            ]);
        });

        it("when the minor is newer than the calendar, or has no date on the channel", () => {
            assert.deepEqual(messages("1.38", "REGULAR", "2026-05-01"), [
                "Kubernetes 1.38 is newer than the GKE calendar this package knows (up to 1.37); GKE refuses it until it offers it on the REGULAR channel",
            ]);
            assert.deepEqual(messages("1.37.0-gke.1000000", "STABLE", "2026-05-01"), [
                "Kubernetes 1.37.0-gke.1000000 has no date for the STABLE channel in the GKE calendar this package knows; GKE refuses it there until it offers it",
            ]);
        });
    });

    describe("the calendar's age", () => {
        it(`is trusted for ${CALENDAR_MAX_AGE_DAYS} days after it was checked, then every check says it may be stale`, () => {
            assert.equal(GKE_CALENDAR_PROVENANCE.checkedOn, "2026-12-02");
            const inExtendedSupport =
                "Kubernetes 1.35 is in GKE extended support (paid extra per cluster) until 2028-02-11; use a newer version GKE offers on the EXTENDED channel (this package's calendar, last checked on 2026-12-02, knows none)";
            assert.deepEqual(messages("1.35", "EXTENDED", "2027-06-03"), [inExtendedSupport]);
            assert.deepEqual(messages("1.35", "EXTENDED", "2027-06-04"), [inExtendedSupport, STALE(184)]);
        });

        it("is named in the same line as a refusal drawn from a stale calendar", () => {
            assert.equal(
                refusal("1.33", "REGULAR", "2027-06-04"),
                "kubernetesVersion: Kubernetes 1.33 left GKE standard support on 2026-08-03; GKE no longer creates it on the REGULAR channel, use a newer version GKE offers on the REGULAR channel " +
                    `(this package's calendar, last checked on 2026-12-02, knows none) (${STALE(184)})`,
            );
        });

        it("on the day it was checked, warns of 1.34 leaving standard support and points at a newer minor", () => {
            assert.deepEqual(messages("1.34", "REGULAR", "2026-12-02"), [
                "Kubernetes 1.34 leaves GKE standard support on 2027-01-25 (in 54 days, then GKE upgrades the cluster); use 1.35",
            ]);
        });

        it("far in the future, refuses every dated minor on every channel and has nothing to recommend", () => {
            for (const { minor, endOfStandardSupport, endOfExtendedSupport } of GKE_CALENDAR) {
                if (endOfStandardSupport === undefined || endOfExtendedSupport === undefined) {
                    continue;
                }
                for (const channel of ["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"] as const) {
                    const end = channel === "EXTENDED" ? `extended support on ${endOfExtendedSupport}` : `standard support on ${endOfStandardSupport}`;
                    const message = refusal(`1.${minor}`, channel, "2100-01-01");
                    assert.ok(message.startsWith(`kubernetesVersion: Kubernetes 1.${minor} left GKE ${end}; `), message);
                    assert.match(message, /use a newer version GKE offers on .* \(this package's calendar, last checked on 2026-12-02, knows none\)/);
                }
            }
        });
    });

    describe("the data", () => {
        const ISO = /^\d{4}-\d{2}-\d{2}$/;
        const dates = (row: (typeof GKE_CALENDAR)[number]) => [...Object.values(row.available ?? {}), row.endOfStandardSupport, row.endOfExtendedSupport];

        it("holds only real ISO days", () => {
            for (const row of GKE_CALENDAR) {
                for (const date of dates(row).filter((value) => value !== undefined)) {
                    assert.match(date, ISO, `1.${row.minor}`);
                    assert.equal(isoDay(on(date)), date, `1.${row.minor}`);
                }
            }
        });

        it("is ordered: rows ascend by minor and by end dates, and each row runs available, Rapid ≤ Regular ≤ Stable, standard end < extended end", () => {
            for (const [index, row] of GKE_CALENDAR.entries()) {
                const { available = {}, endOfStandardSupport: standard, endOfExtendedSupport: extended } = row;
                const label = `1.${row.minor}`;
                if (standard !== undefined && extended !== undefined) {
                    assert.ok(standard < extended, label);
                }
                for (const day of Object.values(available)) {
                    assert.ok(standard === undefined || day < standard, label);
                }
                if (available.RAPID !== undefined && available.REGULAR !== undefined && available.STABLE !== undefined) {
                    assert.ok(available.RAPID <= available.REGULAR && available.REGULAR <= available.STABLE, label);
                }
                const previous = GKE_CALENDAR[index - 1];
                if (previous !== undefined) {
                    assert.equal(row.minor, previous.minor + 1, label);
                    for (const key of ["endOfStandardSupport", "endOfExtendedSupport"] as const) {
                        const before = previous[key];
                        const after = row[key];
                        if (before !== undefined && after !== undefined) {
                            assert.ok(before < after, `${label} ${key}`);
                        }
                    }
                }
            }
        });

        it("recommends a version offered on every channel on the day it was last compared (2026-12-02), not leaving support within the warning window", () => {
            for (const channel of ["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"] as const) {
                assert.deepEqual(
                    messages(RECOMMENDED_GKE_VERSION, channel, "2026-12-02").filter((message) => !message.includes("may be stale")),
                    [],
                    channel,
                );
            }
        });
    });
});
