/**
 * What the Pulumi engine and the Terraform-bridged AWS provider make of a resource the program
 * registers, as the policy pack sees it (the facts are in ../shared/DESIGN.md, "How the Pulumi engine
 * runs a pack"; the tables in aws-tables.ts):
 *
 * - `checkResource`: the inputs after the provider's Check (pulumi-terraform-bridge
 *   pkg/tfbridge/provider.go Check, schema.go applyDefaults, transforms.go TransformJSONDocument):
 *   the program's inputs, auto-names known at preview, non-falsy Terraform defaults, JSON documents
 *   serialised, and the bridge's `__defaults` bookkeeping key in the resource and in each nested block.
 * - `analyzerProperties`: what an analyzer receives of a property map: the engine marshals Analyze,
 *   AnalyzeStack and provider properties with `SkipInternalKeys` (top-level `__` keys dropped) and
 *   Remediate without it (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go).
 * - `plannedState`: the outputs AnalyzeStack sees at a preview of a new resource: the checked inputs plus
 *   every attribute the provider computes, unknown, when the program did not set it. Terraform's plan knows
 *   two of them: `region` (the provider's) and `tagsAll` (the tags, with the provider's default tags).
 */
import { createHash } from "crypto";
import { BlockShape, ResourceTable, tableOf } from "./aws-tables";

/** The value that stands for an unknown (a computed output at preview) in captured inputs and outputs, as the engine sends it to packs. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The bridge's key listing which properties of an object Check filled in (pulumi-terraform-bridge reservedkeys.Defaults). */
export const DEFAULTS_KEY = "__defaults";

/** A Check failure: the engine stops the preview with it. */
export class CheckFailure extends Error {
    constructor(
        readonly urn: string,
        reason: string,
    ) {
        super(`${urn}: ${reason}`);
        this.name = "CheckFailure";
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN_SENTINEL) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (isRecord(value)) return Object.values(value).some(containsUnknown);
    return false;
}

/**
 * Go's `json.Marshal` of the value (what TransformJSONDocument writes): compact, object keys sorted, and
 * `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029.
 */
export function goJson(value: unknown): string {
    const sorted = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sorted);
        if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted(v[key])]));
        return v;
    };
    return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A JSON-document argument after Check: a string stays, an object or list is serialised, any unknown leaf makes the whole of it unknown. */
function checkedDocument(value: unknown): unknown {
    if (containsUnknown(value)) return UNKNOWN_SENTINEL;
    if (value === null) return "";
    if (typeof value === "string") return value;
    if (Array.isArray(value) || isRecord(value)) return goJson(value);
    return value;
}

/** `__defaults: []` in every nested block object (lists of blocks: in each element). */
function markBlocks(value: unknown, shape: BlockShape): unknown {
    const mark = (item: unknown): unknown => {
        if (!isRecord(item)) return item;
        const result: Record<string, unknown> = { ...item };
        for (const [property, inner] of Object.entries(shape.blocks ?? {})) {
            if (result[property] !== undefined) result[property] = markBlocks(result[property], inner);
        }
        result[DEFAULTS_KEY] = [];
        return result;
    };
    if (shape.list) return Array.isArray(value) ? value.map(mark) : value;
    // A MaxItems=1 block is an object; an array in its place is left as the program gave it.
    return mark(value);
}

/** `<name>-<7 hex>` (pulumi/pulumi sdk/go/common/resource NewUniqueName); the hex derives from the URN, so it is stable across runs. */
function generatedName(table: ResourceTable, resourceName: string, urn: string, inputs: Record<string, unknown>): string {
    const rule = table.autoName!;
    const base = rule.transform === "lowercase" ? resourceName.toLowerCase() : resourceName;
    const prefix = `${base}${rule.separator}`;
    if (rule.maxLength > 0 && prefix.length + 7 > rule.maxLength) {
        throw new CheckFailure(urn, `name '${prefix}' plus 7 random chars is longer than maximum length ${rule.maxLength}`);
    }
    const name = `${prefix}${createHash("sha256").update(urn).digest("hex").slice(0, 7)}`;
    // resources.go PostTransform: `.fifo` only when the flag is the boolean true (an unknown flag adds nothing).
    return rule.fifoSuffixWhen && inputs[rule.fifoSuffixWhen] === true ? `${name}.fifo` : name;
}

/**
 * The inputs as the AWS provider's Check returns them for a new resource `urn` (its last URN segment is
 * the resource name). Types the tables do not cover pass through unchanged. Throws CheckFailure where
 * Check fails (an auto-name that cannot fit).
 */
export function checkResource(type: string, urn: string, given: Record<string, unknown>): Record<string, unknown> {
    const table = tableOf(type);
    if (!table) return { ...given };
    // Check unmarshals the program's inputs with SkipNulls: a null argument is an absent one.
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(given)) if (value !== null && value !== undefined) inputs[key] = value;
    const defaulted: string[] = [];
    if (table.autoName && inputs[table.autoName.property] === undefined) {
        inputs[table.autoName.property] = generatedName(table, urn.split("::").pop() ?? "", urn, inputs);
        defaulted.push(table.autoName.property);
    }
    for (const [property, value] of Object.entries(table.defaults)) {
        if (inputs[property] !== undefined) continue;
        inputs[property] = value;
        defaulted.push(property);
    }
    for (const property of table.documents) {
        if (inputs[property] !== undefined) inputs[property] = checkedDocument(inputs[property]);
    }
    for (const [property, shape] of Object.entries(table.blocks)) {
        if (inputs[property] !== undefined) inputs[property] = markBlocks(inputs[property], shape);
    }
    inputs[DEFAULTS_KEY] = defaulted.sort();
    return inputs;
}

/** A property map as the engine marshals it for Analyze, AnalyzeStack and providers: top-level `__` keys dropped. */
export function analyzerProperties(properties: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(properties)) if (!key.startsWith("__")) result[key] = value;
    return result;
}

/** The checked inputs as they appear in the provider's state: the bridge's `__defaults` keys gone, at every level. */
export function stateOfInputs(value: unknown): any {
    if (Array.isArray(value)) return value.map(stateOfInputs);
    if (!isRecord(value)) return value;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (key !== DEFAULTS_KEY) result[key] = stateOfInputs(item);
    return result;
}

/** `tagsAll` as Terraform's plan knows it (verify.SetTagsDiff): the tags; unknown while they are. */
export function tagsAllOf(checked: Record<string, unknown>): unknown {
    const tags = checked.tags;
    if (containsUnknown(tags)) return UNKNOWN_SENTINEL;
    return isRecord(tags) ? { ...tags } : {};
}

/**
 * The planned state of a new resource (AnalyzeStack's outputs at a preview): checked inputs, plus every
 * computed attribute the program did not set, unknown; `region` and `tagsAll` known from the provider.
 * `id` is unknown. Types the tables do not cover get the inputs and an unknown `id`.
 */
export function plannedState(type: string, checked: Record<string, unknown>, region: string): Record<string, unknown> {
    const state = stateOfInputs(checked) as Record<string, unknown>;
    const table = tableOf(type);
    for (const attribute of Object.keys(table?.computed ?? {})) {
        if (state[attribute] !== undefined) continue;
        if (attribute === "region") state.region = region;
        else if (attribute === "tagsAll") state.tagsAll = tagsAllOf(checked);
        else state[attribute] = UNKNOWN_SENTINEL;
    }
    state.id = UNKNOWN_SENTINEL;
    return state;
}

/** The empty value an attribute of this kind reads as when AWS returned nothing for it (undefined: absent). */
export function emptyValueOf(kind: string): unknown {
    switch (kind) {
        case "string":
        case "document":
            return "";
        case "number":
            return 0;
        case "boolean":
            return false;
        case "array":
        case "blocks":
            return [];
        case "map":
            return {};
        default:
            return undefined;
    }
}
