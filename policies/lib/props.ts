import { UnknownValueError } from "@pulumi/policy";

/**
 * Reading resource properties the way the engine delivers them: possibly unknown at preview,
 * possibly malformed. Nothing here throws except `known`, which throws the engine's own
 * UnknownValueError so that the engine reports "can't run policy during preview".
 */

/** Marks a value that is not known until the resource is created (a preview of a new resource). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

const unknownSentinels = new Set<unknown>([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The engine's sentinel for an unknown string; used by tests and by the mocks of the checker. */
export const UNKNOWN_STRING_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && unknownSentinels.has(value);
}

/** The plain object behind @pulumi/policy's unknown-checking proxy (or the value itself). */
export function unwrap(props: unknown): unknown {
    if (props !== null && typeof props === "object" && (props as any).__isSpecialProxy === true) {
        return (props as any).__getSpecialProxyTarget;
    }
    return props;
}

function splitPath(path: string | readonly string[]): readonly string[] {
    return typeof path === "string" ? path.split(".") : path;
}

/**
 * The value at `path` ("a.b.0.c"): UNKNOWN when it or a block on the way is unknown, undefined when
 * a block on the way is missing or not an object. Never throws.
 */
export function peek(props: unknown, path: string | readonly string[]): unknown {
    let value = unwrap(props);
    for (const key of splitPath(path)) {
        if (isUnknown(value)) return UNKNOWN;
        if (value === null || typeof value !== "object") return undefined;
        value = Object.prototype.hasOwnProperty.call(value, key) ? (value as any)[key] : undefined;
    }
    return isUnknown(value) ? UNKNOWN : value;
}

/** True when the property is present and not null, known or not. */
export function isSet(props: unknown, path: string | readonly string[]): boolean {
    const value = peek(props, path);
    return value !== undefined && value !== null && value !== "";
}

/**
 * The value at `path`, which the caller needs to know to give a verdict: throws the engine's
 * UnknownValueError when it is unknown, so the engine reports the policy as not runnable at preview.
 */
export function known(props: unknown, path: string | readonly string[]): unknown {
    const value = peek(props, path);
    if (value === UNKNOWN) {
        const keys = splitPath(path);
        throw new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", [...keys]);
    }
    return value;
}

export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === "true") return true;
    if (value === "false") return false;
    return undefined;
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

/** Parses a JSON document given as a string (IAM policies, redrive policies); objects pass through. */
export function asJson(value: unknown): unknown {
    if (typeof value !== "string") return value;
    if (isUnknown(value)) return UNKNOWN;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}
