/**
 * What the engine takes from a RegisterResourceRequest besides the properties: the resource options it
 * sends analyzers (pulumi/pulumi pkg/resource/deploy/step_generator.go AnalyzerResourceOptions), with
 * aliases resolved to URNs and custom timeouts (Go durations such as "10m") in seconds.
 */
import type { CapturedOptions } from "./types";

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration ("1h30m", "90s", "2.5m"); undefined when empty or malformed. */
export function durationSeconds(text: string): number | undefined {
    if (!text) return undefined;
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
    return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNITS[unit], 0);
}

export interface AliasContext {
    stack: string;
    project: string;
    type: string;
    name: string;
    parent: string;
    /** The URN a resource of `type` named `name` under `parent` gets. */
    urnOf(parent: string, type: string, name: string): string;
}

function aliasUrns(req: any, at: AliasContext): string[] {
    const urns: string[] = [...(req.getAliasurnsList?.() ?? [])];
    for (const alias of req.getAliasesList?.() ?? []) {
        const urn: string = alias.getUrn?.() ?? "";
        if (urn) {
            urns.push(urn);
            continue;
        }
        const spec = alias.getSpec?.();
        if (!spec) continue;
        const parent = spec.getNoparent?.() ? "" : spec.getParenturn?.() || at.parent;
        const base = at.urnOf(parent, spec.getType?.() || at.type, spec.getName?.() || at.name);
        const stack = spec.getStack?.() || at.stack;
        const project = spec.getProject?.() || at.project;
        urns.push(base.replace(/^urn:pulumi:[^:]*::[^:]*::/, `urn:pulumi:${stack}::${project}::`));
    }
    return [...new Set(urns)];
}

/** The options of a registration, only those the program set (absent ones stay absent). */
export function optionsOf(req: any, at: AliasContext): CapturedOptions {
    const options: CapturedOptions = {};
    if (req.getProtect?.()) options.protect = true;
    const ignoreChanges: string[] = req.getIgnorechangesList?.() ?? [];
    if (ignoreChanges.length > 0) options.ignoreChanges = [...ignoreChanges];
    if (req.getDeletebeforereplacedefined?.()) options.deleteBeforeReplace = Boolean(req.getDeletebeforereplace?.());
    const secretOutputs: string[] = req.getAdditionalsecretoutputsList?.() ?? [];
    if (secretOutputs.length > 0) options.additionalSecretOutputs = [...secretOutputs];
    const aliases = aliasUrns(req, at);
    if (aliases.length > 0) options.aliases = aliases;
    const timeouts = req.getCustomtimeouts?.();
    if (timeouts) {
        const customTimeouts: CapturedOptions["customTimeouts"] = {};
        for (const [key, text] of [["create", timeouts.getCreate?.()], ["update", timeouts.getUpdate?.()], ["delete", timeouts.getDelete?.()]] as const) {
            const seconds = durationSeconds(text ?? "");
            if (seconds !== undefined) customTimeouts[key] = seconds;
        }
        if (Object.keys(customTimeouts).length > 0) options.customTimeouts = customTimeouts;
    }
    return options;
}
