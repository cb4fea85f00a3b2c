/**
 * The Terraform schema defaults the AWS provider's Check fills in before the policy pack sees a resource's
 * inputs, from the generated tables (aws-tables.ts; `npm run generate`). Falsy defaults (`false`, `0`,
 * `""`) are not among them: since pulumi-terraform-bridge 3.127 Check leaves those out. A policy must treat
 * each of these values as "not set". The full Check (auto-names, JSON documents, `__defaults`) is
 * `checkResource` in engine-model.ts.
 */
import { awsTables } from "./aws-tables";

export const providerDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.fromEntries(
    Object.entries(awsTables.resources)
        .filter(([, table]) => Object.keys(table.defaults).length > 0)
        .map(([type, table]) => [type, table.defaults]),
);

/** A resource's inputs over the provider's Check defaults (an argument the program set, even to null, wins). */
export function withProviderDefaults(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const defaults = providerDefaults[type];
    return defaults ? { ...defaults, ...inputs } : { ...inputs };
}
