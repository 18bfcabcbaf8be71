import { allConfigKeys, describeKeyType, type KeySchema } from "./keys";

function defaultText(schema: KeySchema): string {
    if (schema.default === undefined) {
        return "";
    }
    const value = Array.isArray(schema.default) ? `[${schema.default.join(", ")}]` : JSON.stringify(schema.default).replace(/^"|"$/g, "");
    return ` Default \`${value}\`.`;
}

/** The README's config reference: every key of the schema, what it accepts, and its default. */
export function configReferenceTable(): string {
    const rows = allConfigKeys().map(({ path, schema }) => {
        const description = `${schema.description ?? ""}${defaultText(schema)}`.replace(/\|/g, "\\|").trim();
        return `| \`${path}\` | ${describeKeyType(schema)} | ${description} |`;
    });
    return ["| Key | Accepts | Meaning and default |", "|---|---|---|", ...rows].join("\n");
}
