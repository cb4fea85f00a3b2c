/** The JSON report (schema version 1, documented in the README's checker section; fields are only ever added). */
import type { NotApplicable, PropertyChange, Violation } from "../types";
import { describeWhere, Finding, Location, Mode, Part, ReportModel } from "./model";
import { ReportSummary, summarize } from "./summary";

/** The `schemaVersion` the JSON report carries. */
export const REPORT_SCHEMA_VERSION = 1;

/** Where a finding is: the resource it is about and where the program made it. */
interface Where {
    /** The resource's type token; absent for a finding about the whole stack. */
    resourceType?: string;
    /** The resource's name; absent for a finding about the whole stack. */
    resourceName?: string;
    /** Which run gave it: the engine-faithful preview, or the update part (mode both, or mode update). */
    part: Part;
    /** Where the program made the resource (for a resource in a component: the component's construction site). */
    location: {
        /** Relative to the program folder, with `/`. */
        file: string;
        /** 1-based line. */
        line: number;
        /** 1-based column. */
        column: number;
    };
    /** The enclosing components (or parent resources), outermost first. */
    components?: {
        /** The enclosing resource's type token. */
        type: string;
        /** The enclosing resource's name. */
        name: string;
    }[];
    /** Where the resource itself was made, when that is elsewhere in the program. */
    madeAt?: {
        /** Relative to the program folder, with `/`. */
        file: string;
        /** 1-based line. */
        line: number;
        /** 1-based column. */
        column: number;
    };
    /** "`failed-queue` in `DeadLetterQueue` `failed`, app/index.ts:12:5" */
    where: string;
}

/** A violation or can't-run notice in the JSON report: the violation as the engine reported it, and where it is. */
export type JsonViolation = Violation &
    Where & {
        /** A can't-run notice, mode both: the update part judged this (policy, resource). */
        judgedByUpdate?: boolean;
    };

/** The JSON report (`--format json`), schema version `REPORT_SCHEMA_VERSION`. */
export interface JsonReport {
    /** `REPORT_SCHEMA_VERSION`. */
    schemaVersion: number;
    /** preview, update or both. */
    mode: Mode;
    /** True when no violation is mandatory (the CLI exits 0). */
    ok: boolean;
    /** The counts the other formats show. */
    summary: ReportSummary;
    /** The packs that ran. */
    policyPacks: {
        /** The pack's name. */
        name: string;
        /** Its version. */
        version: string;
        /** Its policies that run. */
        policies: number;
        /** Its policies the config disabled. */
        disabled: number;
    }[];
    /** Verdicts and can't-run notices (`unknownAtPreview: true`), in report order. */
    violations: JsonViolation[];
    /** Policies not applicable with a reason starting "waived:". */
    waivers: (Omit<NotApplicable, "urn"> & {
        /** The resource; absent for a waiver of the whole stack. */
        urn?: string;
    } & Where)[];
    /** The remediations the packs made. */
    remediations: ({
        /** Name of the policy pack. */
        policyPack: string;
        /** Name of the remediating policy. */
        policy: string;
        /** The resource it remediated. */
        urn: string;
        /** Not set by this version: a remediation that could not run is reported as an advisory violation instead. */
        diagnostic?: string;
        /** What it changed, leaf by leaf. */
        changes?: PropertyChange[];
    } & Where)[];
    /** Multi-language components whose children their plugin builds at a real preview: not checked offline. */
    notChecked: {
        /** The component's URN. */
        urn: string;
        /** Its type token. */
        type: string;
        /** Its name. */
        name: string;
        /** The plugin that builds its children: the type token's package (`awsx`). */
        plugin: string;
        /** Where the program made it. */
        location: {
            /** Relative to the program folder, with `/`. */
            file: string;
            /** 1-based line. */
            line: number;
            /** 1-based column. */
            column: number;
        };
    }[];
    /** Config keys whose `secure:` value ran as a placeholder string. */
    placeholders: string[];
}

const at = (l: Location) => ({ file: l.file, line: l.line, column: l.column });

function where(f: Finding): Where {
    const w: Where = { part: f.part, location: at(f.location), where: describeWhere(f) };
    if (f.subject.type && !(f.subject.stack && !f.subject.urn)) w.resourceType = f.subject.type;
    if (f.subject.name && !(f.subject.stack && !f.subject.urn)) w.resourceName = f.subject.name;
    if (f.subject.ancestors.length > 0) w.components = f.subject.ancestors;
    if (f.madeAt) w.madeAt = at(f.madeAt);
    return w;
}

export function jsonReport(model: ReportModel): JsonReport {
    const violations: JsonViolation[] = [];
    const waivers: JsonReport["waivers"] = [];
    const remediations: JsonReport["remediations"] = [];
    for (const f of model.findings) {
        if (f.kind === "violation" || f.kind === "cant-run") {
            const v: JsonViolation = { ...f.violation!, ...where(f) };
            if (f.kind === "cant-run" && f.subject.urn && !v.urn) {
                // A stack policy's notice, tied to the resource whose value was unknown.
                v.urn = f.subject.urn;
            }
            if (f.judgedByUpdate) v.judgedByUpdate = true;
            violations.push(v);
        } else if (f.kind === "waiver") {
            const w: JsonReport["waivers"][number] = { policyPack: f.policyPack, policy: f.policy, reason: `waived: ${f.message}`, ...where(f) };
            if (f.subject.urn && !f.subject.stack) w.urn = f.subject.urn;
            waivers.push(w);
        } else {
            const r: JsonReport["remediations"][number] = { policyPack: f.policyPack, policy: f.policy, urn: f.subject.urn ?? "", ...where(f) };
            if (f.changes) r.changes = f.changes;
            remediations.push(r);
        }
    }
    return {
        schemaVersion: REPORT_SCHEMA_VERSION,
        mode: model.mode,
        ok: model.ok,
        summary: summarize(model),
        policyPacks: model.packs.map((p) => ({ name: p.name, version: p.version, policies: p.policies, disabled: p.allPolicies - p.policies })),
        violations,
        waivers,
        remediations,
        notChecked: model.notChecked.map((n) => ({ urn: n.urn, type: n.type, name: n.name, plugin: n.plugin, location: at(n.location) })),
        placeholders: model.placeholders,
    };
}
