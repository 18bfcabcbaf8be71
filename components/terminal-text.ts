/**
 * Characters that a terminal acts on rather than shows: C0 controls (ESC starts colour, cursor
 * and title sequences; NUL, BEL, backspace and CR rewrite what was shown), DEL, C1 controls
 * (8-bit CSI and OSC, NEL), the Unicode line and paragraph separators, and the bidirectional
 * overrides that reorder a line as displayed.
 * Tab and newline are kept in documents; a one-line message escapes newlines too.
 */
const TERMINAL_CONTROLS = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
const UNPRINTABLE = new RegExp(`[${TERMINAL_CONTROLS}]`, "g");
const UNPRINTABLE_IN_A_LINE = new RegExp(`[\\t\\n${TERMINAL_CONTROLS}]`, "g");
/** The same characters, for a test (a global expression would carry its position from one test to the next). */
const ANY_UNPRINTABLE_IN_A_LINE = new RegExp(UNPRINTABLE_IN_A_LINE.source);

/** `\u001b`: a character as its escape, so it is seen instead of obeyed. */
function escaped(character: string): string {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Text for a terminal or a log: every control character that could rewrite what the reader
 * sees (from a config value, a file name, a flag) shown as its `\uXXXX` escape instead.
 */
export function printable(text: string): string {
    return text.replace(UNPRINTABLE, escaped);
}

/** One line for a terminal: as {@link printable}, with tabs and newlines escaped too. */
export function printableLine(text: string): string {
    return text.replace(UNPRINTABLE_IN_A_LINE, escaped);
}

/** True when `text` is one line with nothing a terminal would obey: what a one-line flag or value must be. */
export function isPrintableLine(text: string): boolean {
    return !ANY_UNPRINTABLE_IN_A_LINE.test(text);
}
