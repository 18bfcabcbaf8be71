import { allConfigKeys, type KeySchema } from "./keys";

/** How a key's accepted values are written in the docs: `string`, `true|false`, `EXTERNAL|INTERNAL`. */
function describeKeyType(schema: KeySchema): string {
    if (schema.enum) {
        return schema.enum.join(" \\| ");
    }
    switch (schema.type) {
        case "array":
            return `list of ${schema.items ? describeKeyType(schema.items) : "values"}`;
        case "boolean":
            return "true \\| false";
        case "integer":
            return "whole number";
        case "object":
            return "section";
        default:
            return schema.type ?? "value";
    }
}

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
