import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Waiver {
    /** A resource name or URN; `*` matches any run of characters, `?` one character. */
    resource: string;
    reason: string;
}

/**
 * The longest `resource` a waiver may give. Pulumi URNs of deeply nested components stay well below it; the cap
 * keeps a pasted blob out of every Analyze call.
 */
export const MAX_WAIVER_RESOURCE_LENGTH = 2048;

export const waiversSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Resources this policy does not apply to, each with the reason (kept visible in reports).",
    items: {
        type: "object",
        properties: {
            resource: {
                type: "string",
                minLength: 1,
                maxLength: MAX_WAIVER_RESOURCE_LENGTH,
                description: "resource name or URN; * and ? are wildcards",
            },
            reason: { type: "string", minLength: 1 },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
    },
    default: [],
};

/** Whether `text` matches `part` (a glob piece without `*`) at `at`; `?` matches any one character. */
function matchesAt(text: string, at: number, part: string): boolean {
    if (at + part.length > text.length) return false;
    for (let i = 0; i < part.length; i++) {
        if (part[i] !== "?" && part[i] !== text[at + i]) return false;
    }
    return true;
}

/** The first position in [from, end - part.length] where `part` matches, or -1. */
function findBetween(text: string, from: number, end: number, part: string): number {
    for (let at = from; at + part.length <= end; at++) {
        if (matchesAt(text, at, part)) return at;
    }
    return -1;
}

/**
 * Glob matching without a regular expression. The pattern splits at `*` into pieces; the first must match
 * at the start, the last at the end, and each piece between is taken at its leftmost match after the
 * previous one. Leftmost is always safe for `*`, so nothing is tried twice: the cost is at most
 * pattern length × text length character comparisons, whatever the pattern (a backtracking regular
 * expression built from `*-*-*-...-x` takes exponential time on a long name).
 */
export function globMatches(pattern: string, text: string): boolean {
    const parts = pattern.split("*");
    if (parts.length === 1) return pattern.length === text.length && matchesAt(text, 0, pattern);
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (first.length + last.length > text.length) return false;
    if (!matchesAt(text, 0, first) || !matchesAt(text, text.length - last.length, last)) return false;
    let position = first.length;
    const end = text.length - last.length;
    for (let i = 1; i < parts.length - 1; i++) {
        const part = parts[i];
        if (part === "") continue;
        const at = findBetween(text, position, end, part);
        if (at < 0) return false;
        position = at + part.length;
    }
    return true;
}

/** The waiver that covers a resource (by name or URN), if any. Never throws, whatever the waivers hold. */
export function findWaiver(waivers: unknown, name: string, urn: string): Waiver | undefined {
    if (!Array.isArray(waivers)) return undefined;
    for (const waiver of waivers as Waiver[]) {
        if (!waiver || typeof waiver.resource !== "string") continue;
        if (waiver.resource === name || waiver.resource === urn) return waiver;
        if (/[*?]/.test(waiver.resource) && (globMatches(waiver.resource, name) || globMatches(waiver.resource, urn))) return waiver;
    }
    return undefined;
}
