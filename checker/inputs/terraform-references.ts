/**
 * The joins of a Terraform plan: which resource instances each attribute's value comes from.
 *
 * A plan's `configuration` holds every expression unevaluated, with the references it makes
 * (`"references": ["aws_sqs_queue.jobs.arn", "aws_sqs_queue.jobs"]`, hashicorp/terraform
 * internal/command/jsonconfig/expression.go). Those references are followed the way Terraform evaluates
 * them: through module outputs (`module.dlq.arn` -> the output's expression in the child module),
 * module input variables (`var.queue_arn` -> the calling module block's argument), data sources (to the
 * resources their arguments name), and `count` / `for_each` instances (`each.value` and `count.index`
 * pick the instance with the same key). Locals are not in the configuration representation; a
 * reference to one is kept as an unresolved marker (`?local.name`).
 */
import { isRecord } from "./input-error";

export type InstanceKey = string | number;

export interface ModuleStep {
    call: string;
    key?: InstanceKey;
}

interface Expression {
    constant_value?: unknown;
    references?: string[];
}

interface ConfigResource {
    address: string;
    mode: string;
    type: string;
    name: string;
    provider_config_key?: string;
    expressions?: Record<string, unknown>;
    count_expression?: Expression;
    for_each_expression?: Expression;
    depends_on?: string[];
}

interface ConfigModule {
    resources: Map<string, ConfigResource>;
    outputs: Record<string, { expression?: Expression }>;
    calls: Record<string, ModuleCall>;
}

interface ModuleCall {
    source?: string;
    expressions: Record<string, unknown>;
    count_expression?: Expression;
    for_each_expression?: Expression;
    depends_on?: string[];
    module: ConfigModule;
}

/** A managed resource instance of the plan, as the references name it. */
export interface PlannedInstance {
    address: string;
    modulePath: ModuleStep[];
    /** `type.name` inside its module. */
    local: string;
    key?: InstanceKey;
}

function keySuffix(key: InstanceKey | undefined): string {
    if (key === undefined) return "";
    return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

export function moduleAddress(path: readonly ModuleStep[]): string {
    return path.map((s) => `module.${s.call}${keySuffix(s.key)}`).join(".");
}

const MODULE_STEP = /module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\])?/g;

/** `module.a["x"].module.b[0]` into its steps. */
export function parseModuleAddress(address: string | undefined): ModuleStep[] {
    const steps: ModuleStep[] = [];
    if (!address) return steps;
    for (const match of address.matchAll(MODULE_STEP)) {
        const step: ModuleStep = { call: match[1] };
        if (match[2] !== undefined) step.key = JSON.parse(`"${match[2]}"`);
        else if (match[3] !== undefined) step.key = Number(match[3]);
        steps.push(step);
    }
    return steps;
}

type Part = { attr: string } | { key: InstanceKey };

/** A reference string (`module.x["a"].out`, `aws_sqs_queue.q[0].arn`) into its root and steps. */
function parseReference(text: string): { root: string; parts: Part[] } | undefined {
    const match = /^([A-Za-z_][A-Za-z0-9_-]*)/.exec(text);
    if (!match) return undefined;
    const parts: Part[] = [];
    let rest = text.slice(match[0].length);
    while (rest.length > 0) {
        const attr = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest);
        if (attr) {
            parts.push({ attr: attr[1] });
            rest = rest.slice(attr[0].length);
            continue;
        }
        const key = /^\[(?:"((?:[^"\\]|\\.)*)"|(-?\d+))\]/.exec(rest);
        if (key) {
            parts.push({ key: key[1] !== undefined ? JSON.parse(`"${key[1]}"`) : Number(key[2]) });
            rest = rest.slice(key[0].length);
            continue;
        }
        break;
    }
    return { root: match[1], parts };
}

const attrAt = (parts: Part[], i: number) => (parts[i] && "attr" in parts[i] ? (parts[i] as { attr: string }).attr : undefined);
const keyAt = (parts: Part[], i: number) => (parts[i] && "key" in parts[i] ? (parts[i] as { key: InstanceKey }).key : undefined);

/** Every `references` list inside an expression or a block of expressions (nested blocks included). */
export function referencesIn(node: unknown, into: string[] = [], depth = 0): string[] {
    if (depth > 40) return into;
    if (Array.isArray(node)) {
        for (const item of node) referencesIn(item, into, depth + 1);
    } else if (isRecord(node)) {
        if (Array.isArray(node.references)) {
            for (const ref of node.references) if (typeof ref === "string") into.push(ref);
        }
        for (const [key, value] of Object.entries(node)) if (key !== "references" && key !== "constant_value") referencesIn(value, into, depth + 1);
    }
    return into;
}

function moduleFrom(raw: unknown): ConfigModule {
    const module: ConfigModule = { resources: new Map(), outputs: {}, calls: {} };
    if (!isRecord(raw)) return module;
    for (const resource of Array.isArray(raw.resources) ? raw.resources : []) {
        if (isRecord(resource) && typeof resource.address === "string") module.resources.set(resource.address, resource as unknown as ConfigResource);
    }
    if (isRecord(raw.outputs)) module.outputs = raw.outputs as ConfigModule["outputs"];
    if (isRecord(raw.module_calls)) {
        for (const [name, call] of Object.entries(raw.module_calls)) {
            if (!isRecord(call)) continue;
            module.calls[name] = {
                source: typeof call.source === "string" ? call.source : typeof call.resolved_source === "string" ? call.resolved_source : undefined,
                expressions: isRecord(call.expressions) ? call.expressions : {},
                count_expression: call.count_expression as Expression | undefined,
                for_each_expression: call.for_each_expression as Expression | undefined,
                depends_on: Array.isArray(call.depends_on) ? (call.depends_on as string[]) : undefined,
                module: moduleFrom(call.module),
            };
        }
    }
    return module;
}

interface Context {
    modulePath: ModuleStep[];
    /** The instance key of the resource or module call being evaluated (`each.key`, `count.index`). */
    key?: InstanceKey;
    /** Its `for_each` / `count` expression, where `each.value` comes from. */
    repetition?: Expression;
}

export class References {
    private readonly root: ConfigModule;
    /** `<module address>|<type.name>` -> its instances. */
    private readonly instances = new Map<string, PlannedInstance[]>();
    /** Module instance address -> managed instances inside it (at any depth). */
    private readonly inModule = new Map<string, PlannedInstance[]>();
    /** `<parent module address>|<call>` -> the instance keys of that module call seen in the plan. */
    private readonly moduleKeys = new Map<string, Set<InstanceKey | undefined>>();

    constructor(configuration: unknown, planned: readonly PlannedInstance[]) {
        this.root = moduleFrom(isRecord(configuration) ? configuration.root_module : undefined);
        for (const instance of planned) {
            const at = `${moduleAddress(instance.modulePath)}|${instance.local}`;
            (this.instances.get(at) ?? this.instances.set(at, []).get(at)!).push(instance);
            for (let depth = 1; depth <= instance.modulePath.length; depth++) {
                const prefix = instance.modulePath.slice(0, depth);
                const address = moduleAddress(prefix);
                (this.inModule.get(address) ?? this.inModule.set(address, []).get(address)!).push(instance);
                const callAt = `${moduleAddress(prefix.slice(0, -1))}|${prefix[depth - 1].call}`;
                (this.moduleKeys.get(callAt) ?? this.moduleKeys.set(callAt, new Set()).get(callAt)!).add(prefix[depth - 1].key);
            }
        }
    }

    /** The configuration of the module a module instance path runs (keys ignored). */
    moduleConfig(path: readonly ModuleStep[]): ConfigModule | undefined {
        let module: ConfigModule | undefined = this.root;
        for (const step of path) module = module?.calls[step.call]?.module;
        return module;
    }

    /** The `source` of each module call along the path, outermost first. */
    moduleSources(path: readonly ModuleStep[]): string[] {
        const sources: string[] = [];
        let module: ConfigModule | undefined = this.root;
        for (const step of path) {
            const call: ModuleCall | undefined = module?.calls[step.call];
            if (call?.source) sources.push(call.source);
            module = call?.module;
        }
        return sources;
    }

    configOf(instance: PlannedInstance): ConfigResource | undefined {
        return this.moduleConfig(instance.modulePath)?.resources.get(instance.local);
    }

    /**
     * For one planned instance: per top-level attribute of its configuration, the addresses its value comes
     * from; and the addresses of `depends_on`, `count` and `for_each`.
     */
    ofInstance(instance: PlannedInstance): { attributes: Map<string, Set<string>>; others: Set<string>; configured: Set<string> } {
        const config = this.configOf(instance);
        const attributes = new Map<string, Set<string>>();
        const others = new Set<string>();
        const configured = new Set<string>();
        if (!config) return { attributes, others, configured };
        const repetition = config.for_each_expression ?? config.count_expression;
        const ctx: Context = { modulePath: instance.modulePath, key: instance.key, repetition };
        for (const [attribute, expression] of Object.entries(config.expressions ?? {})) {
            configured.add(attribute);
            const found = this.resolve(referencesIn(expression), ctx, new Set());
            if (found.size > 0) attributes.set(attribute, found);
        }
        for (const address of this.resolve(config.depends_on ?? [], ctx, new Set())) others.add(address);
        for (const address of this.resolve(repetition?.references ?? [], { modulePath: instance.modulePath }, new Set())) others.add(address);
        // A module's depends_on applies to everything inside it.
        for (let depth = instance.modulePath.length; depth > 0; depth--) {
            const call = this.moduleConfig(instance.modulePath.slice(0, depth - 1))?.calls[instance.modulePath[depth - 1].call];
            for (const address of this.resolve(call?.depends_on ?? [], { modulePath: instance.modulePath.slice(0, depth - 1) }, new Set())) others.add(address);
        }
        return { attributes, others, configured };
    }

    private instancesOf(path: readonly ModuleStep[], local: string): PlannedInstance[] {
        return this.instances.get(`${moduleAddress(path)}|${local}`) ?? [];
    }

    /** The instances a resource reference selects: the keyed ones, the one matching our key, or all. */
    private select(all: PlannedInstance[], keys: Set<InstanceKey>, ctx: Context, matchKey: boolean): PlannedInstance[] {
        if (keys.size > 0) return all.filter((i) => i.key !== undefined && keys.has(i.key));
        if (matchKey && ctx.key !== undefined) {
            const same = all.filter((i) => i.key === ctx.key);
            if (same.length > 0) return same;
        }
        return all;
    }

    private resolve(refs: readonly string[], ctx: Context, seen: Set<string>, matchKey = false): Set<string> {
        const found = new Set<string>();
        const resources = new Map<string, Set<InstanceKey>>();
        const data = new Map<string, Set<InstanceKey>>();
        const modules = new Map<string, { keys: Set<InstanceKey>; outputs: Map<string, Set<InstanceKey>> }>();
        const variables = new Set<string>();
        let eachValue = false;
        /** `each.value.arn`: the attribute read from each value (a module's output when for_each is a module). */
        let eachAttribute: string | undefined;
        let repeated = matchKey;
        for (const text of refs) {
            const ref = parseReference(text);
            if (!ref) continue;
            const { root, parts } = ref;
            if (root === "var") {
                const name = attrAt(parts, 0);
                if (name) variables.add(name);
            } else if (root === "local") {
                const name = attrAt(parts, 0);
                if (name) found.add(`?local.${name}`);
            } else if (root === "each") {
                repeated = true;
                if (attrAt(parts, 0) === "value") {
                    eachValue = true;
                    eachAttribute ??= attrAt(parts, 1);
                }
            } else if (root === "count") {
                repeated = true;
            } else if (root === "self" || root === "path" || root === "terraform") {
                // Values Terraform knows itself: nothing to join.
            } else if (root === "module") {
                const call = attrAt(parts, 0);
                if (!call) continue;
                const entry = modules.get(call) ?? modules.set(call, { keys: new Set(), outputs: new Map() }).get(call)!;
                const key = keyAt(parts, 1);
                if (key !== undefined) entry.keys.add(key);
                const output = attrAt(parts, key !== undefined ? 2 : 1);
                if (output) {
                    const keys = entry.outputs.get(output) ?? entry.outputs.set(output, new Set()).get(output)!;
                    if (key !== undefined) keys.add(key);
                }
            } else if (root === "data") {
                const type = attrAt(parts, 0);
                const name = attrAt(parts, 1);
                if (!type || !name) continue;
                const keys = data.get(`data.${type}.${name}`) ?? data.set(`data.${type}.${name}`, new Set()).get(`data.${type}.${name}`)!;
                const key = keyAt(parts, 2);
                if (key !== undefined) keys.add(key);
            } else {
                const name = attrAt(parts, 0);
                if (!name) continue;
                const keys = resources.get(`${root}.${name}`) ?? resources.set(`${root}.${name}`, new Set()).get(`${root}.${name}`)!;
                const key = keyAt(parts, 1);
                if (key !== undefined) keys.add(key);
            }
        }
        const guard = (what: string) => {
            const mark = `${moduleAddress(ctx.modulePath)}|${ctx.key ?? ""}|${what}`;
            if (seen.has(mark)) return false;
            seen.add(mark);
            return true;
        };
        const add = (addresses: Iterable<string>) => {
            for (const address of addresses) found.add(address);
        };
        for (const [local, keys] of resources) {
            for (const instance of this.select(this.instancesOf(ctx.modulePath, local), keys, ctx, repeated)) found.add(instance.address);
        }
        for (const [local, keys] of data) {
            if (!guard(local)) continue;
            const config = this.moduleConfig(ctx.modulePath)?.resources.get(local);
            const before = found.size;
            if (config) {
                const inner: Context = { modulePath: ctx.modulePath, key: keys.size === 1 ? [...keys][0] : undefined, repetition: config.for_each_expression ?? config.count_expression };
                add(this.resolve([...referencesIn(config.expressions), ...(config.depends_on ?? [])], inner, seen));
            }
            if (found.size === before) found.add(`?${local}`);
        }
        for (const [call, { keys, outputs }] of modules) {
            const known = [...(this.moduleKeys.get(`${moduleAddress(ctx.modulePath)}|${call}`) ?? [])];
            const pick = (wanted: Set<InstanceKey>) => {
                if (wanted.size > 0) return known.filter((k) => k !== undefined && wanted.has(k));
                if (repeated && ctx.key !== undefined && known.includes(ctx.key)) return [ctx.key];
                return known;
            };
            const child = this.moduleConfig(ctx.modulePath)?.calls[call]?.module;
            if (outputs.size > 0) {
                for (const [output, outputKeys] of outputs) {
                    const expression = child?.outputs[output]?.expression;
                    for (const key of pick(outputKeys.size > 0 ? outputKeys : keys)) {
                        const path = [...ctx.modulePath, key === undefined ? { call } : { call, key }];
                        if (!guard(`${moduleAddress(path)}.${output}`)) continue;
                        add(this.resolve(expression?.references ?? [], { modulePath: path }, seen));
                    }
                }
            } else {
                for (const key of pick(keys)) {
                    const path = [...ctx.modulePath, key === undefined ? { call } : { call, key }];
                    for (const instance of this.inModule.get(moduleAddress(path)) ?? []) found.add(instance.address);
                }
            }
        }
        if (variables.size > 0 && ctx.modulePath.length > 0) {
            const parentPath = ctx.modulePath.slice(0, -1);
            const step = ctx.modulePath[ctx.modulePath.length - 1];
            const call = this.moduleConfig(parentPath)?.calls[step.call];
            for (const name of variables) {
                if (!call || !guard(`var.${name}`)) continue;
                const parent: Context = { modulePath: parentPath, key: step.key, repetition: call.for_each_expression ?? call.count_expression };
                add(this.resolve(referencesIn(call.expressions[name]), parent, seen));
            }
        }
        if (eachValue && ctx.repetition && guard("each.value")) {
            // for_each = module.queues with each.value.arn: the `arn` output of the module instance with our key.
            const repetition = (ctx.repetition.references ?? []).map((ref) => (eachAttribute && /^module\.[A-Za-z_][A-Za-z0-9_-]*$/.test(ref) ? `${ref}.${eachAttribute}` : ref));
            add(this.resolve(repetition, { modulePath: ctx.modulePath, key: ctx.key }, seen, true));
        }
        return found;
    }
}
