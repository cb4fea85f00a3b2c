/** What a remediation changed: the leaves that differ between the inputs before and after it. */
import type { PropertyChange } from "./types";

const SIG = "4dabf18193072939515e22adb298388d";

/** A plain object to descend into (a secret, asset or resource reference in wire form is one value). */
function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(SIG in (value as object));
}

function same(a: unknown, b: unknown): boolean {
    return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function walk(before: unknown, after: unknown, path: string, into: PropertyChange[]) {
    if (same(before, after)) return;
    const bothRecords = isRecord(before) && isRecord(after);
    const bothArrays = Array.isArray(before) && Array.isArray(after);
    if (bothRecords || bothArrays) {
        const b = before as Record<string, unknown>;
        const a = after as Record<string, unknown>;
        for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
            const child = path ? `${path}.${key}` : key;
            if (!(key in a)) into.push({ path: child, before: b[key] });
            else if (!(key in b)) into.push({ path: child, after: a[key] });
            else walk(b[key], a[key], child, into);
        }
        return;
    }
    into.push({ path, before, after });
}

export function propertyChanges(before: Record<string, unknown>, after: Record<string, unknown>): PropertyChange[] {
    const changes: PropertyChange[] = [];
    walk(before ?? {}, after ?? {}, "", changes);
    return changes;
}
