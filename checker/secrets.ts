/**
 * Secrets through the checker as through the engine. The engine sends a secret input to Remediate, Analyze and
 * AnalyzeStack still marked secret (pulumi/pulumi analyzer_plugin.go marshals with KeepSecrets), and the pack
 * then shows `[secret]` instead of its value. The capture reads values plainly (mocks and reports need them), so
 * it keeps the paths that were secret, and these put the marks back on what is sent to a pack.
 */

// The pack's policies/lib/secret-paths.ts reads the same marks; capture.ts loads this module in the program's child
// process, whose ts-node compiles the checker's folder only, so the few lines are kept here too.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isWireSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && !Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** What a report shows instead of a secret value. */
export const SECRET_PLACEHOLDER = "[secret]";

/** The paths ("a.b.0") of the values marked secret in a registration's properties in wire form. */
export function secretPaths(wire: unknown): string[] {
    const paths: string[] = [];
    const walk = (item: unknown, path: string[], depth: number): void => {
        if (depth > 64 || item === null || typeof item !== "object") return;
        if (Array.isArray(item)) return item.forEach((element, index) => walk(element, [...path, String(index)], depth + 1));
        const record = item as Record<string, unknown>;
        if (isWireSecret(record)) {
            paths.push(path.join("."));
            return; // a secret inside a secret is covered by this one
        }
        if (record[SIG_KEY] !== undefined) return; // assets, archives, resource references
        for (const [key, element] of Object.entries(record)) walk(element, [...path, key], depth + 1);
    };
    walk(wire, [], 0);
    return paths;
}

/** A copy of `props` with the value at each path marked secret in wire form (paths that no longer exist are skipped). */
export function withSecrets(props: Record<string, unknown>, paths: readonly string[] | undefined): Record<string, unknown> {
    if (!paths || paths.length === 0) return props;
    const root = { value: structuredClone(props) as unknown };
    for (const path of paths) {
        let holder: any = root;
        let key: string = "value";
        let ok = true;
        for (const part of path === "" ? [] : path.split(".")) {
            const value = holder[key];
            if (value === null || typeof value !== "object" || isWireSecret(value) || !(part in value)) {
                ok = false;
                break;
            }
            holder = value;
            key = part;
        }
        if (ok && holder[key] !== undefined && !isWireSecret(holder[key])) holder[key] = { [SIG_KEY]: SECRET_SIG, value: holder[key] };
    }
    return root.value as Record<string, unknown>;
}

/** A value for a report: every secret in wire form replaced by "[secret]". */
export function redactSecrets(value: unknown): unknown {
    if (isWireSecret(value)) return SECRET_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(redactSecrets);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, redactSecrets(item)]));
}

/** A remediation's change for a report, with secret values replaced by "[secret]" (absent sides stay absent). */
export function redactChange<C extends { before?: unknown; after?: unknown }>(change: C): C {
    const redacted = { ...change };
    if ("before" in change) redacted.before = redactSecrets(change.before);
    if ("after" in change) redacted.after = redactSecrets(change.after);
    return redacted;
}
