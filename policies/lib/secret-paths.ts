/** Secrets in the engine's wire form (pulumi/pulumi sdk/go/common/resource/plugin/rpc.go): `{ <sig>: <secret sig>, value }`. */

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isWireSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && !Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The paths ("a.b.0") of the secrets in a property map in wire form; a secret inside a secret is one path. */
export function wireSecretPaths(value: unknown): Set<string> {
    const paths = new Set<string>();
    const walk = (item: unknown, path: string[], depth: number): void => {
        if (depth > 64 || item === null || typeof item !== "object") return;
        if (Array.isArray(item)) {
            item.forEach((element, index) => walk(element, [...path, String(index)], depth + 1));
            return;
        }
        const record = item as Record<string, unknown>;
        if (isWireSecret(record)) {
            paths.add(path.join("."));
            walk(record.value, path, depth + 1);
            return;
        }
        if (record[SIG_KEY] !== undefined) return; // assets, archives, resource references
        for (const [key, element] of Object.entries(record)) walk(element, [...path, key], depth + 1);
    };
    walk(value, [], 0);
    return paths;
}
