/**
 * Renders rows as a plain-text table: columns two spaces apart, each as wide as its widest cell,
 * the columns in `rightAligned` (numbers) padded on the left, no trailing spaces.
 */
export function renderTable(rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string[] {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
    return rows.map((cells) =>
        cells
            .map((cell, column) => (rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
            .join("  ")
            .trimEnd(),
    );
}
