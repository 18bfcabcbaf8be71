import assert from "node:assert/strict";
import { isoDay, pinToday, today, TODAY_VARIABLE } from "../../components/clock";
import { TEST_TODAY } from "../support/clock";
import { runBin } from "../support/run-cli";

describe("the one clock", () => {
    it("is pinned for the whole suite, here and in every CLI a test spawns", () => {
        assert.equal(isoDay(today()), isoDay(TEST_TODAY));
        assert.equal(process.env[TODAY_VARIABLE], isoDay(TEST_TODAY));
    });

    it("pinToday nests and restores the clock that was in force", () => {
        const restoreOuter = pinToday(new Date("2031-05-06T12:00:00Z"));
        const restoreInner = pinToday(new Date("2040-01-01T00:00:00Z"));
        assert.equal(isoDay(today()), "2040-01-01");
        restoreInner();
        assert.equal(isoDay(today()), "2031-05-06");
        restoreOuter();
        assert.equal(isoDay(today()), isoDay(TEST_TODAY));
    });

    // These spawn the CLI: the variable is read by a process's own clock, and the clock of this
    // process is pinned by test/support/clock.ts, so in-process runs would never read it.
    describe(`${TODAY_VARIABLE}`, () => {
        const plan = (day: string) => runBin(["plan", "--config", "examples/eks/stack-config.yaml", "--set", "kubernetesVersion=1.33"], { [TODAY_VARIABLE]: day });

        it("dates the CLI's calendar checks: the same config warns, then is refused with advice that moved on too", () => {
            const before = plan("2026-07-28");
            assert.equal(before.status, 0, before.stderr);
            assert.doesNotMatch(before.stdout, /extended support/);
            const paid = plan("2026-07-29");
            assert.equal(paid.status, 0, paid.stderr);
            assert.match(paid.stdout, /kubernetesVersion: Kubernetes 1\.33 is in EKS extended support \(paid per cluster hour\) until 2027-07-29; use 1\.35/);
            const gone = plan("2027-07-29");
            assert.equal(gone.status, 2);
            // By then the calendar itself is stale (checked on 2026-12-02), and the refusal says so in its line.
            assert.equal(
                gone.stderr,
                "error: kubernetesVersion: Kubernetes 1.33 left EKS extended support on 2027-07-29; EKS no longer creates it, use 1.36 " +
                    "(the EKS Kubernetes version calendar was last checked on 2026-12-02 (239 days ago) and may be stale: upgrade pulumi-dualstack-istio, " +
                    "or update components/eks/calendar.ts from https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html)\n",
            );
        });

        it("is refused as itself, not under the config key it was read for, on every command", () => {
            const message = `error: ${TODAY_VARIABLE}: "bogus" is not a day; give YYYY-MM-DD, or unset it for the real date\n`;
            for (const args of [["plan"], ["plan", "--config", "Pulumi.example.yaml"], ["values"], ["fleet", "plan", "examples/fleet/tenants.yaml"]]) {
                const result = runBin(args, { [TODAY_VARIABLE]: "bogus" });
                assert.equal(result.status, 2, args.join(" "));
                assert.equal(result.stderr, message, args.join(" "));
            }
        });

        for (const day of ["2026-02-30", "yesterday", "2026-1-5", "2026-01-05T00:00:00Z", "\u001b[31m"]) {
            it(`refuses ${JSON.stringify(day)} with one line naming the variable, exit 2`, () => {
                const result = plan(day);
                assert.equal(result.status, 2);
                assert.equal(result.stdout, "");
                assert.equal(result.stderr, `error: ${TODAY_VARIABLE}: ${JSON.stringify(day)} is not a day; give YYYY-MM-DD, or unset it for the real date\n`);
            });
        }
    });
});
