// What the CLI does only for a person at a terminal: progress lines while long work runs, and
// colour on warnings and errors. Both go to stderr, only when stderr is a TTY; progress never
// with --quiet, colour never with NO_COLOR set (https://no-color.org) or TERM=dumb. Piped or
// redirected output is exactly the plain text.

/** The stream and environment the CLI writes to: process.stderr and process.env, or a test's. */
export interface TerminalSetting {
    readonly stream: { readonly isTTY?: boolean };
    readonly env: NodeJS.ProcessEnv;
}

/** Colour on this stream: a TTY, NO_COLOR unset or empty, TERM not dumb. */
export function colourOn({ stream, env }: TerminalSetting): boolean {
    return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

const RED = "\u001b[31m";
const YELLOW = "\u001b[33m";
const RESET = "\u001b[39m";

/** A printed line with its `error:` or `warning:` label coloured, where colour is on. */
export function coloured(line: string, colour: boolean): string {
    if (!colour) {
        return line;
    }
    return line.replace(/^(error|internal|warning):/, (label: string) => `${label.startsWith("warning") ? YELLOW : RED}${label}${RESET}`);
}

/** One progress line on a TTY, rewritten in place and wiped when the work is done. */
export class Progress {
    private shown = false;
    private readonly write: (text: string) => void;
    private readonly enabled: boolean;

    constructor(write: (text: string) => void, enabled: boolean) {
        this.write = write;
        this.enabled = enabled;
    }

    /** Shows `text` as the line, replacing the previous one. */
    update(text: string): void {
        if (this.enabled) {
            this.write(`\r\u001b[2K${text}`);
            this.shown = true;
        }
    }

    /** Wipes the line, so what is printed next starts clean. */
    done(): void {
        if (this.shown) {
            this.write("\r\u001b[2K");
            this.shown = false;
        }
    }
}

/** Progress on this stream: a TTY and not --quiet. */
export function progressOn({ stream }: TerminalSetting, quiet: boolean | undefined): boolean {
    return stream.isTTY === true && quiet !== true;
}
