import { constants } from "node:os";

/**
 * The signals that would end the CLI at once unless handled (SIGKILL cannot be): handled, so
 * that each running `pulumi` is told first. Each `pulumi` runs in its own process group, so
 * nothing else would tell it, and Node runs no exit handler when a signal ends it. Not SIGPROF
 * (V8's profiler samples with it), SIGUSR1 (Node's inspector) or the faults (SIGSEGV, …), which
 * Node cannot hand to JavaScript safely; SIGPIPE and SIGXFSZ Node ignores.
 */
const STOP_NOW_SIGNALS = ["SIGQUIT", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGXCPU", "SIGPWR", "SIGBREAK"].filter((name): name is NodeJS.Signals => name in constants.signals);

/** Where signals come from: the process, or a test's emitter. */
export interface SignalSource {
    on(event: NodeJS.Signals, listener: () => void): unknown;
    off(event: NodeJS.Signals, listener: () => void): unknown;
}

/** What a fleet run is told by the signals it gets. */
export interface Cancellation {
    /** Aborted by the first SIGINT, a SIGTERM or a SIGHUP: no tenant starts. */
    readonly stopNew: AbortSignal;
    /** Aborted with {@link stopNew}: each running `pulumi` is sent one SIGINT, and stops at a safe point. */
    readonly stopRunning: AbortSignal;
    /**
     * Aborted by the second SIGINT, or a signal that ends the CLI (SIGQUIT, …), just before the
     * exit: each running `pulumi` is sent another SIGINT, and stops at once.
     */
    readonly stopNow: AbortSignal;
    /** Stops listening. */
    dispose(): void;
}

/** Where {@link cancelOnSignals} listens, writes and exits; the process's own by default. */
export interface CancellationOptions {
    readonly source?: SignalSource;
    readonly write?: (text: string) => void;
    readonly exit?: (code: number) => void;
    /**
     * Called on SIGHUP, before the run goes on to cancel: the terminal is gone, so writing to it
     * fails (EIO, EPIPE), which must not end the CLI while its `pulumi` children stop.
     * @default ignores write errors on stdout and stderr
     */
    readonly hungUp?: () => void;
}

/** The exit code of a run stopped by SIGINT (128 + its number), as a shell reports it. */
const INTERRUPTED = 130;

/**
 * A fleet run's answer to signals. Every `pulumi` the fleet starts runs in its own process group,
 * so a terminal's Ctrl-C (sent to the CLI's group) and a supervisor's forwarded SIGINT (sent to
 * the CLI alone) reach only the CLI, and each is one interrupt; the CLI decides what each `pulumi`
 * gets.
 *
 * - SIGINT once: no new tenant starts, and each running `pulumi` is sent exactly one SIGINT, so it
 *   stops at a safe point and saves its state; the run ends with its summary and exit code 130.
 * - SIGINT again: each running `pulumi` is sent a second SIGINT (Pulumi's "stop at once", which can
 *   leave pending operations in the state), and the CLI exits 130 at once.
 * - SIGTERM (CI cancelling the job) and SIGHUP (the terminal closed, an ssh session dropped): as
 *   the first SIGINT, without a word (after SIGHUP, nothing written can be read).
 * - SIGQUIT, and any other signal that would end the CLI: as the second SIGINT, exiting 128 + its
 *   number.
 */
export function cancelOnSignals(options: CancellationOptions = {}): Cancellation {
    const source = options.source ?? process;
    const write = options.write ?? ((text: string) => process.stderr.write(text));
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const hungUp = options.hungUp ?? ignoreOutputErrors;
    const stopNew = new AbortController();
    const stopRunning = new AbortController();
    const stopNow = new AbortController();
    const cancel = () => {
        stopNew.abort();
        stopRunning.abort();
    };
    const stopAtOnce = (code: number) => {
        // In this order, so that a `pulumi` not yet told to cancel gets both of its interrupts.
        cancel();
        stopNow.abort();
        write("\nstopping now; check each running tenant with pulumi stack (and pulumi cancel if it is locked)\n");
        exit(code);
    };
    const onInterrupt = () => {
        if (stopNew.signal.aborted) {
            stopAtOnce(INTERRUPTED);
            return;
        }
        write("\ncancelling: no new tenant starts; running ones stop at a safe point (Ctrl-C again to stop at once)\n");
        cancel();
    };
    const onHangUp = () => {
        hungUp();
        cancel();
    };
    const listeners = new Map<NodeJS.Signals, () => void>([
        ["SIGINT", onInterrupt],
        ["SIGTERM", cancel],
        ["SIGHUP", onHangUp],
        ...STOP_NOW_SIGNALS.map((signal) => [signal, () => stopAtOnce(128 + constants.signals[signal])] as const),
    ]);
    for (const [signal, listener] of listeners) {
        source.on(signal, listener);
    }
    return {
        stopNew: stopNew.signal,
        stopRunning: stopRunning.signal,
        stopNow: stopNow.signal,
        dispose: () => {
            for (const [signal, listener] of listeners) {
                source.off(signal, listener);
            }
        },
    };
}

function ignoreOutputErrors(): void {
    for (const stream of [process.stdout, process.stderr]) {
        stream.on("error", () => undefined);
    }
}
