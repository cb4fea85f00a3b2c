/**
 * `JSON.parse(JSON.stringify(value))` without the text in between: the same values (keys with undefined,
 * function or symbol values dropped, those in arrays null, non-finite numbers null, -0 as 0, `__proto__` an own
 * key), objects and arrays made in this realm, and strings shared instead of written out and read back. The
 * fuzzed bags hold strings of 20,000 characters and arrays of 2,000 items, and the round trip through text was
 * most of the time of the suites that analyze them.
 * Anything else JSON has rules for (toJSON, a prototype of another realm or class, BigInt, a cycle, nesting
 * deeper than MAX_DEPTH) goes through JSON itself, which gives its result or its error.
 */

const MAX_DEPTH = 500;
const OMIT = Symbol("omit");

// Held once: under Jest every global lookup goes through the sandbox's global proxy, and this runs per value.
const { isArray } = Array;
const { keys, getPrototypeOf, defineProperty, prototype: objectPrototype } = Object;
const { isFinite } = Number;
const { parse, stringify } = JSON;
const hasOwn = (object: object, key: string) => objectPrototype.hasOwnProperty.call(object, key);
const arrayPrototype = Array.prototype;

/** A deep copy of `value` as a JSON round trip gives it (undefined for undefined, as the callers want). */
export function jsonCopy<T>(value: T): T {
    if (value === undefined) return value;
    const copied = copyOf(value, "", 0);
    // What JSON.stringify gives no text for (a function, a symbol) makes JSON.parse throw: let it.
    return (copied === OMIT ? parse(stringify(value)) : copied) as T;
}

/** The copy of the value at `key`, or OMIT where JSON.stringify writes nothing (null in an array, no key in an object). */
function copyOf(value: unknown, key: string | number, depth: number): unknown {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            return isFinite(value) ? value + 0 : null;
        case "undefined":
        case "function":
        case "symbol":
            return OMIT;
        case "object":
            if (value === null) return null;
            if (depth < MAX_DEPTH) {
                const prototype = getPrototypeOf(value);
                if (prototype === arrayPrototype) return copyOfArray(value as unknown[], depth);
                if ((prototype === objectPrototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
                    return copyOfObject(value as Record<string, unknown>, depth);
                }
            }
            return throughJson(value, key);
        default:
            return throughJson(value, key);
    }
}

function copyOfArray(array: unknown[], depth: number): unknown[] {
    const length = array.length;
    const result: unknown[] = [];
    for (let i = 0; i < length; i++) {
        const item = copyOf(array[i], i, depth + 1);
        result.push(item === OMIT ? null : item);
    }
    return result;
}

function copyOfObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const key of keys(object)) {
        const item = copyOf(object[key], key, depth + 1);
        if (item === OMIT) continue;
        if (key === "__proto__") defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
        else result[key] = item;
    }
    return result;
}

/** The value as JSON carries it, under its own key (toJSON is given the key). */
function throughJson(value: unknown, index: string | number): unknown {
    const key = String(index);
    const parsed = parse(stringify({ [key]: value })) as Record<string, unknown>;
    return hasOwn(parsed, key) ? parsed[key] : OMIT;
}
