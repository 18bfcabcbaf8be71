/** The signals a fleet run answers. */
type FleetSignal = "SIGINT" | "SIGTERM";

/** Where signals come from: the process, or a test's emitter. */
export interface SignalSource {
    on(event: FleetSignal, listener: () => void): unknown;
    off(event: FleetSignal, listener: () => void): unknown;
}

/** What a fleet run is told by the signals it gets. */
export interface Cancellation {
    /** Aborted by the first SIGINT, or a SIGTERM: no tenant starts. */
    readonly stopNew: AbortSignal;
    /** Aborted with {@link stopNew}: each running `pulumi` is sent one SIGINT, and stops at a safe point. */
    readonly stopRunning: AbortSignal;
    /** Aborted by the second SIGINT, just before the exit: each running `pulumi` is sent another, and stops at once. */
    readonly stopNow: AbortSignal;
    /** Stops listening. */
    dispose(): void;
}

/** Where {@link cancelOnSignals} listens, writes and exits; the process's own by default. */
export interface CancellationOptions {
    readonly source?: SignalSource;
    readonly write?: (text: string) => void;
    readonly exit?: (code: number) => void;
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
 * - SIGTERM (CI cancelling the job): as the first SIGINT.
 */
export function cancelOnSignals(options: CancellationOptions = {}): Cancellation {
    const source = options.source ?? process;
    const write = options.write ?? ((text: string) => process.stderr.write(text));
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const stopNew = new AbortController();
    const stopRunning = new AbortController();
    const stopNow = new AbortController();
    const cancel = () => {
        stopNew.abort();
        stopRunning.abort();
    };
    const onInterrupt = () => {
        if (stopNew.signal.aborted) {
            stopNow.abort();
            write("\nstopping now; check each running tenant with pulumi stack (and pulumi cancel if it is locked)\n");
            exit(INTERRUPTED);
            return;
        }
        write("\ncancelling: no new tenant starts; running ones stop at a safe point (Ctrl-C again to stop at once)\n");
        cancel();
    };
    source.on("SIGINT", onInterrupt);
    source.on("SIGTERM", cancel);
    return {
        stopNew: stopNew.signal,
        stopRunning: stopRunning.signal,
        stopNow: stopNow.signal,
        dispose: () => {
            source.off("SIGINT", onInterrupt);
            source.off("SIGTERM", cancel);
        },
    };
}
