/**
 * A `terraform show -json` resource value under Pulumi's names, the way the Terraform bridge names the
 * same schema (pulumi-terraform-bridge pkg/tfbridge/names.go and schema.go):
 * - attribute names go from snake_case to camelCase (`memory_size` -> `memorySize`);
 * - a block with at most one item becomes one object (`tracing_config = [{ mode }]` -> `tracingConfig: { mode }`);
 * - other lists keep a list, under a plural name where the Pulumi name is plural (`attribute` -> `attributes`,
 *   `metric_query` -> `metricQueries`).
 * Which case applies is read from @pulumi/aws's declarations (aws-shapes.generated.ts); the names the
 * provider renames beyond these rules (`function_name` -> `name`) come from its bridge metadata
 * (NAME_EXCEPTIONS in terraform-types.generated.ts).
 * Every path `after_unknown` marks becomes the engine's unknown sentinel.
 */
import { UNKNOWN_SENTINEL } from "../mocks";
import { AWS_SHAPES } from "./aws-shapes.generated";
import { isRecord } from "./input-error";
import { NAME_EXCEPTIONS } from "./terraform-types.generated";

export { NAME_EXCEPTIONS };

/** "s": a scalar (string, number, boolean, asset, enum, document); { o }: an object; { l }: a list; { m }: a map. */
export type Shape = "s" | { o: Record<string, Shape> } | { l: Shape } | { m: Shape };

export interface ResourceShape {
    /** Every property of the state (inputs and outputs), with its shape. */
    props: Record<string, Shape>;
    /** The properties the program can set (the `<Name>Args` interface). */
    inputs: string[];
}

export function camelCase(name: string): string {
    return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The singular forms a plural Pulumi name may come from: `rules` <- `rule`, `metricQueries` <- `metricQuery`. */
function singulars(name: string): string[] {
    const forms: string[] = [];
    if (name.endsWith("ies")) forms.push(name.slice(0, -3) + "y");
    if (name.endsWith("es")) forms.push(name.slice(0, -2));
    if (name.endsWith("s")) forms.push(name.slice(0, -1));
    return forms;
}

/** Looks a Terraform attribute up among an object's Pulumi properties. */
class NameIndex {
    private readonly byName = new Map<string, string>();

    constructor(readonly props: Readonly<Record<string, Shape>>) {
        for (const name of Object.keys(props)) this.byName.set(name, name);
        for (const name of Object.keys(props)) {
            for (const singular of singulars(name)) if (!this.byName.has(singular)) this.byName.set(singular, name);
        }
    }

    /** The Pulumi name of a Terraform attribute, if the declarations have it. */
    find(tfName: string): string | undefined {
        return this.byName.get(camelCase(tfName));
    }
}

const indexes = new WeakMap<object, NameIndex>();

function indexOf(props: Readonly<Record<string, Shape>>): NameIndex {
    let index = indexes.get(props);
    if (!index) indexes.set(props, (index = new NameIndex(props)));
    return index;
}

export function shapeOf(token: string): ResourceShape | undefined {
    return AWS_SHAPES[token];
}

/** The Pulumi name of a top-level Terraform attribute of `token`. */
export function propertyName(token: string, tfName: string): string {
    const exception = NAME_EXCEPTIONS[token]?.[tfName];
    if (exception) return exception;
    const shape = AWS_SHAPES[token];
    return (shape && indexOf(shape.props).find(tfName)) ?? camelCase(tfName);
}

const MAX_DEPTH = 40;

function isEmpty(value: unknown): boolean {
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** One value under its shape; `unknown` is the matching part of `after_unknown`. Undefined: absent. */
function convert(value: unknown, unknown: unknown, shape: Shape | undefined, depth: number): unknown {
    if (unknown === true) return UNKNOWN_SENTINEL;
    if (depth > MAX_DEPTH) return value ?? undefined;
    if (shape !== undefined && shape !== "s" && "o" in shape) {
        // A block of at most one item: the list's first element, as one object.
        if (Array.isArray(value) || Array.isArray(unknown)) {
            const items = Array.isArray(value) ? value : [];
            const marks = Array.isArray(unknown) ? unknown : [];
            if (items.length === 0 && marks.length === 0) return undefined;
            return convert(items[0] ?? null, marks[0], shape, depth + 1);
        }
        if (isRecord(value) || isRecord(unknown)) return convertObject(isRecord(value) ? value : {}, unknown, shape.o, undefined, depth + 1);
        return value ?? undefined;
    }
    if (shape !== undefined && shape !== "s" && "m" in shape) {
        if (!isRecord(value) && !isRecord(unknown)) return value ?? undefined;
        const source = isRecord(value) ? value : {};
        const marks = isRecord(unknown) ? unknown : {};
        const result: Record<string, unknown> = {};
        for (const key of new Set([...Object.keys(source), ...Object.keys(marks)])) {
            const item = convert(source[key], marks[key], shape.m, depth + 1);
            if (item !== undefined) result[key] = item;
        }
        return result;
    }
    const element = shape !== undefined && shape !== "s" && "l" in shape ? shape.l : shape === "s" ? "s" : undefined;
    if (Array.isArray(value) || Array.isArray(unknown)) {
        const items = Array.isArray(value) ? value : [];
        const marks = Array.isArray(unknown) ? unknown : [];
        const length = Math.max(items.length, marks.length);
        const result: unknown[] = [];
        for (let i = 0; i < length; i++) result.push(convert(items[i] ?? null, marks[i], element, depth + 1) ?? null);
        return result;
    }
    // An object the declarations do not shape (a JSON value, a type deeper than the table): names by the rule.
    if (shape === undefined && (isRecord(value) || isRecord(unknown))) {
        return convertObject(isRecord(value) ? value : {}, unknown, {}, undefined, depth + 1);
    }
    return value ?? undefined;
}

/** An object's attributes under Pulumi names; nulls and empty blocks left out, unknowns as the sentinel. */
export function convertObject(
    value: Record<string, unknown>,
    unknown: unknown,
    props: Readonly<Record<string, Shape>>,
    exceptions: Readonly<Record<string, string>> | undefined,
    depth = 0,
): Record<string, unknown> {
    const marks = isRecord(unknown) ? unknown : {};
    const index = indexOf(props);
    const result: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(value), ...Object.keys(marks)])) {
        const name = exceptions?.[key] ?? index.find(key) ?? camelCase(key);
        const item = convert(value[key], marks[key], props[name], depth);
        if (item === undefined || (isEmpty(item) && props[name] !== undefined && props[name] !== "s" && "o" in (props[name] as object))) continue;
        if (item === null) continue;
        result[name] = item;
    }
    return result;
}

/** A resource's `change.after` with `after_unknown`, under the names and shapes of `token`. */
export function resourceValues(token: string, after: unknown, afterUnknown: unknown): Record<string, unknown> {
    const shape = AWS_SHAPES[token];
    return convertObject(isRecord(after) ? after : {}, afterUnknown, shape?.props ?? {}, NAME_EXCEPTIONS[token]);
}

function isFalsy(value: unknown): boolean {
    return value === false || value === 0 || value === "" || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);
}

/**
 * What Analyze sees of a planned resource, as the provider's Check would return it: the outputs without the
 * properties only the provider sets (not in the type's Args), without unknowns the configuration did not set
 * (computed at create), and without falsy values it did not set (the bridge fills no falsy defaults since 3.127).
 */
export function inputsOf(token: string, outputs: Record<string, unknown>, configured: ReadonlySet<string>): Record<string, unknown> {
    const shape = AWS_SHAPES[token];
    const settable = shape ? new Set(shape.inputs) : undefined;
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(outputs)) {
        if (settable && !settable.has(name)) continue;
        if (!configured.has(name) && (value === UNKNOWN_SENTINEL || isFalsy(value))) continue;
        inputs[name] = value;
    }
    return inputs;
}
