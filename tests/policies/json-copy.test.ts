/**
 * The policy harness hands policies their props through jsonCopy (tests/helpers/json-copy.ts): it must give what a
 * JSON round trip gives, on the fuzzer's bags and on every value JSON has a rule for.
 */
import { createRandom, malformedProps, propertyPaths, randomGraph } from "../helpers/fuzz";
import { jsonCopy } from "../helpers/json-copy";

/** Throws where `b` differs from `a`: values (Object.is), prototypes, own keys in order, descriptors. */
function expectSame(a: unknown, b: unknown, at = "value"): void {
    const path: PropertyKey[] = [];
    const fail = (what: string) => {
        throw new Error(`${at}${path.map((key) => `[${String(key)}]`).join("")}: ${what}`);
    };
    const walk = (a: unknown, b: unknown) => {
        if (a === null || typeof a !== "object" || b === null || typeof b !== "object") {
            if (!Object.is(a, b)) fail(`${String(a)} != ${String(b)}`);
            return;
        }
        if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) fail("other prototype");
        if (Array.isArray(a) && Array.isArray(b)) {
            // Dense, with no other keys (a JSON array's only ones): compared item by item.
            if (a.length !== b.length || Reflect.ownKeys(b).length !== b.length + 1 || Object.keys(a).length !== a.length) fail("other array");
            for (let i = 0; i < a.length; i++) {
                path.push(i);
                walk(a[i], b[i]);
                path.pop();
            }
            return;
        }
        const keys = Reflect.ownKeys(a);
        if (keys.map(String).join("\0") !== Reflect.ownKeys(b).map(String).join("\0")) fail(`keys ${keys.map(String)} != ${Reflect.ownKeys(b).map(String)}`);
        for (const key of keys) {
            const [da, db] = [Object.getOwnPropertyDescriptor(a, key)!, Object.getOwnPropertyDescriptor(b, key)!];
            path.push(key);
            if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable) fail("other descriptor");
            walk(da.value, db.value);
            path.pop();
        }
    };
    walk(a, b);
}

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("jsonCopy: a JSON round trip without the text", () => {
    test("the fuzzer's bags and graphs", () => {
        const rng = createRandom(20261202);
        for (const type of [...Object.keys(propertyPaths), "aws:other/thing:Thing"]) {
            for (let i = 0; i < 8; i++) {
                const bag = malformedProps(rng, type);
                expectSame(roundTrip(bag), jsonCopy(bag), `${type} #${i}`);
            }
        }
        const graph = randomGraph(rng, 30);
        expectSame(roundTrip(graph), jsonCopy(graph), "graph");
    });

    test("undefined, functions, symbols, non-finite numbers, -0, holes, __proto__ keys", () => {
        const value: Record<string, unknown> = {
            missing: undefined,
            fn: () => 1,
            symbol: Symbol("s"),
            list: [undefined, () => 1, Symbol("t"), NaN, -0, Infinity, -Infinity, , 1],
            zero: -0,
            nested: { a: [{ b: null, c: "" }] },
            10: "index-like keys first",
        };
        Object.defineProperty(value, "__proto__", { value: { polluted: [1] }, enumerable: true, writable: true, configurable: true });
        Object.defineProperty(value, "hidden", { value: 1, enumerable: false });
        const copy = jsonCopy(value);
        expectSame(roundTrip(value), copy);
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    });

    test("toJSON (given its key), class instances, null prototypes, other realms", () => {
        const bare = Object.assign(Object.create(null), { a: 1 });
        const value = {
            date: new Date(0),
            keyed: { toJSON: (key: string) => `key ${key}` },
            inList: [{ toJSON: (key: string) => `key ${key}` }],
            vanishing: { toJSON: () => undefined },
            vanishingInList: [{ toJSON: () => undefined }],
            map: new Map([[1, 2]]),
            buffer: Buffer.from("ab"),
            instance: new (class Point {
                x = 1;
            })(),
            bare,
            otherRealm: structuredClone({ a: [1, { b: 2 }] }),
        };
        expectSame(roundTrip(value), jsonCopy(value));
    });

    test("what JSON cannot carry throws as JSON throws; undefined stays undefined", () => {
        const cycle: Record<string, unknown> = { a: {} };
        (cycle.a as Record<string, unknown>).back = cycle;
        expect(() => jsonCopy(cycle)).toThrow(/circular/);
        expect(() => jsonCopy({ big: 1n })).toThrow(TypeError);
        expect(() => jsonCopy(() => 1)).toThrow(SyntaxError);
        expect(jsonCopy(undefined)).toBeUndefined();
    });
});
