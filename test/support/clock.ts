import { isoDay, pinToday, TODAY_VARIABLE } from "../../components/clock";

/**
 * The day the whole suite runs on. Every calendar decision in the package reads the clock of
 * components/clock.ts. Mocha loads this file (.mocharc.json `require`) before any test file, and it
 * pins that clock to this day, in this process and, through DUALSTACK_ISTIO_TODAY (set here, before
 * any test snapshots the environment), in every CLI the tests spawn. So no test depends on the date
 * the suite happens to run; tests that check a calendar at other dates pass them explicitly.
 */
export const TEST_TODAY = new Date("2026-11-25T00:00:00Z");

process.env[TODAY_VARIABLE] = isoDay(TEST_TODAY);
pinToday(TEST_TODAY);
