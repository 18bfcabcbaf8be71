import { isoDay, pinToday, TODAY_VARIABLE } from "../../components/clock";

/**
 * The day the whole suite runs on. Every calendar decision in the package reads the clock of
 * components/clock.ts, which the root hook below pins to this day, in this process and (through
 * DUALSTACK_ISTIO_TODAY, which they inherit) in every CLI the tests spawn, so no test depends on
 * the date the suite happens to run; tests that check a calendar at other dates pass them explicitly.
 */
export const TEST_TODAY = new Date("2026-11-25T00:00:00Z");

let restore: (() => void) | undefined;
let previousVariable: string | undefined;

/** Mocha root hooks (registered in .mocharc.json). */
export const mochaHooks = {
    beforeAll(): void {
        previousVariable = process.env[TODAY_VARIABLE];
        process.env[TODAY_VARIABLE] = isoDay(TEST_TODAY);
        restore = pinToday(TEST_TODAY);
    },
    afterAll(): void {
        restore?.();
        if (previousVariable === undefined) {
            delete process.env[TODAY_VARIABLE];
        } else {
            process.env[TODAY_VARIABLE] = previousVariable;
        }
    },
};
