import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * Settings of one policy that must be in order, `[lower, upper]`: `lower` may not be above `upper`
 * (`minimumMb` 4096 with `maximumMb` 256 leaves no value that complies). JSON Schema cannot compare two
 * properties, and the engine checks each policy's config against its schema only, so the pack checks the
 * order itself and reports a violation that says the config is wrong. The order also travels in the schema
 * as `x-notBelow` on the upper property (JSON Schema validators ignore keywords they do not know), so that
 * the offline checker can report it as a configuration error before anything runs.
 */
export type ConfigOrder = readonly [lower: string, upper: string];

export const NOT_BELOW_KEYWORD = "x-notBelow";

/** The policy's config schema properties, each upper property annotated with the lower ones it may not be below. */
export function annotateOrder(
    properties: Record<string, PolicyConfigJSONSchema>,
    order: readonly ConfigOrder[] | undefined,
): Record<string, PolicyConfigJSONSchema> {
    if (!order || order.length === 0) return properties;
    const result: Record<string, PolicyConfigJSONSchema> = { ...properties };
    for (const [lower, upper] of order) {
        const schema = result[upper] as Record<string, unknown> | undefined;
        if (!schema) continue;
        const below = Array.isArray(schema[NOT_BELOW_KEYWORD]) ? (schema[NOT_BELOW_KEYWORD] as string[]) : [];
        result[upper] = { ...schema, [NOT_BELOW_KEYWORD]: [...below, lower] } as PolicyConfigJSONSchema;
    }
    return result;
}

/** One sentence per pair out of order in `config`; pairs with a value that is not a number are left to the schema. */
export function configContradictions(order: readonly ConfigOrder[] | undefined, config: Record<string, unknown>): string[] {
    const problems: string[] = [];
    for (const [lower, upper] of order ?? []) {
        const low = config[lower];
        const high = config[upper];
        if (typeof low !== "number" || typeof high !== "number" || low <= high) continue;
        problems.push(`\`${lower}\` (${low}) is above \`${upper}\` (${high})`);
    }
    return problems;
}
