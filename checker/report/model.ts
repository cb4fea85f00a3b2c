/**
 * The finding model every report format is written from: one Finding per verdict, can't-run notice,
 * remediation and waiver, each with the part of the check it came from, the resource it is about
 * (with the components around it) and where in the program's code that resource was made.
 */
import type { AnalysisResult, CapturedResource, PolicyDetails, PropertyChange, Violation } from "../types";
import { Locator, shortType } from "./locate";

export { findRepoRoot, shortType } from "./locate";

/** Which run a finding comes from: the engine-faithful preview, or the update-mode run of the same program. */
export type Part = "preview" | "update";
/** How the check ran: as a first preview, as an update, or both (the preview, then an update for what it could not judge). */
export type Mode = "preview" | "update" | "both";

/** Where the program made a resource. Paths use `/`. */
export interface Location {
    /** Relative to the program folder (`app/index.ts`). */
    file: string;
    /** Relative to the repository root (the nearest folder above the program with `.git`), for SARIF and GitHub. */
    repoFile: string;
    /** 1-based line. */
    line: number;
    /** 1-based column. */
    column: number;
}

/** The resource a finding is about, with the resources around it. */
export interface Subject {
    /** Its URN; undefined for a finding about the whole stack. */
    urn?: string;
    /** Its type token, e.g. `aws:lambda/function:Function`. */
    type?: string;
    /** Its name in the program (for a finding about the whole stack, the stack's). */
    name?: string;
    /** The resources it sits in, outermost first (components, or a custom resource given as `parent`). */
    ancestors: {
        /** The enclosing resource's type token. */
        type: string;
        /** The enclosing resource's name. */
        name: string;
    }[];
    /** The stack resource itself, or a finding about the whole stack. */
    stack: boolean;
}

/** A verdict, a notice that a policy could not run at preview, a remediation, or a waiver. */
export type FindingKind = "violation" | "cant-run" | "remediation" | "waiver";

/** One item of a report: a verdict, can't-run notice, remediation or waiver, with what it is about and where. */
export interface Finding {
    /** What it is. */
    kind: FindingKind;
    /** Which run it comes from. */
    part: Part;
    /** Name of the policy pack. */
    policyPack: string;
    /** That pack's version. */
    policyPackVersion: string;
    /** The pack's index in the report's packs, when two packs share a name. */
    packIndex?: number;
    /** Name of the policy. */
    policy: string;
    /** violation: its level; cant-run: "advisory" (as the engine reports it); remediation: "remediate"; waiver: "waived". */
    level: "mandatory" | "advisory" | "remediate" | "waived";
    /** The policy's severity, when it declares one. */
    severity?: string;
    /** What the policy says about this resource, without the policy's description in front. */
    message: string;
    /** The resource it is about (or the stack). */
    subject: Subject;
    /** For a resource inside a component: the component's construction site in the program. Always set. */
    location: Location;
    /** Where the resource itself was made, when that is elsewhere in the program's own code (a component's file). */
    madeAt?: Location;
    /** remediation: what it changed. */
    changes?: PropertyChange[];
    /** cant-run: why it could not run: "`policy` is unknown until the update" (the property, of the resource it names), or the pack's own words. */
    unknownAt?: string;
    /** cant-run, mode both: the update part judged this (policy, resource); its verdicts are the update findings. */
    judgedByUpdate?: boolean;
    /** The violation as the engine reported it, for JSON. */
    violation?: Violation;
}

/** A policy pack in a report: its policies and its findings. */
export interface PackReport {
    /** The pack's name. */
    name: string;
    /** Its version. */
    version: string;
    /** Policies that run (not disabled). */
    policies: number;
    /** Every policy of the pack, disabled ones included. */
    allPolicies: number;
    /** Each policy, with the level the merged config gives it (empty when the pack gave none). */
    details: PolicyDetails[];
    /** This pack's findings, in report order. */
    findings: Finding[];
}

/** What the check ran on, so findings can name files relative to the program and the repository. */
export interface ReportContext {
    /** How the check ran. Default `preview`. */
    mode?: Mode;
    /** The program folder; positions outside it are still shown, relative to it. */
    programDir?: string;
    /** Where findings about the stack (and resources with no position) point; default: the program's Pulumi.yaml, which declares the project. */
    stackFile?: string;
    /** Defaults to the nearest folder above programDir holding `.git`, else programDir. */
    repoRoot?: string;
    /** Config keys whose `secure:` value stood in as a placeholder string (the checker cannot decrypt them). */
    placeholders?: string[];
}

/** A multi-language component (`remote: true`): its provider plugin builds its children at a real preview, so they were not checked. */
export interface NotChecked {
    /** The component's URN. */
    urn: string;
    /** Its type token (`awsx:ec2:Vpc`). */
    type: string;
    /** Its name in the program. */
    name: string;
    /** The plugin that builds it: the type token's package (`awsx`). */
    plugin: string;
    /** Where the program made it. */
    location: Location;
}

/** What every report format is written from (`buildReport`). */
export interface ReportModel {
    /** How the check ran. */
    mode: Mode;
    /** True when no verdict is mandatory (the CLI exits 0). */
    ok: boolean;
    /** The captured resources, in registration order. */
    resources: CapturedResource[];
    /** The packs that ran, each with its findings. */
    packs: PackReport[];
    /** Every finding: violations and can't-run notices, then remediations, then waivers. */
    findings: Finding[];
    /** The multi-language components whose children were not checked. */
    notChecked: NotChecked[];
    /** Config keys whose `secure:` value stood in as a placeholder string. */
    placeholders: string[];
    /** The context, with `programDir` and `repoRoot` resolved. */
    context: Required<Pick<ReportContext, "programDir" | "repoRoot">> & ReportContext;
    /** Where the program made a resource, by the rule findings use (the stack file for the stack). */
    locate(urn: string | undefined): Location;
}

/** The engine's can't-run notice (@pulumi/policy server.js): a prefix, then the UnknownValueError's text. */
const NOTICE_PREFIX = /^can't run (?:policy|remediation) '.*?' from policy pack '.*?' during preview: /;
/** UnknownValueError's own text (proxy.js); a pack may say more, with the path after " at " all the same. */
const UNKNOWN_VALUE = /^\w+ value at \.(\S+) can't be known during preview\s*$/;
const UNKNOWN_PATH = / at \.(\S+)/;

/** The engine's message starts with the policy's description and a newline; the rest is what it says about this resource. */
function ownMessage(v: Violation, description: string | undefined): string {
    const prefix = v.description ?? description;
    if (prefix && v.message.startsWith(prefix + "\n")) return v.message.slice(prefix.length + 1);
    if (prefix && v.message === prefix) return "";
    return v.message;
}

/** Mode both: which items of the merged result the update part gave (by identity), and which notices it judged. */
export interface CheckParts {
    /** The violations, remediations and waivers (the objects themselves) that came from the update part. */
    fromUpdate?: ReadonlySet<object>;
    /** Can't-run notices of the preview that the update part judged. */
    judged?: ReadonlySet<Violation>;
}

/**
 * Builds the model from an analysis. `result.violations` may mix both parts (see check.ts): a violation
 * in `parts.updateViolations` comes from the update part, every other one from the base part.
 */
export function buildReport(result: AnalysisResult, context: ReportContext = {}, parts: CheckParts = {}): ReportModel {
    const mode: Mode = context.mode ?? "preview";
    const basePart: Part = mode === "update" ? "update" : "preview";
    const locator = new Locator(result.resources, context);
    const detailsOf = new Map<string, PolicyDetails>();
    for (const pack of result.policyPacks) for (const d of pack.details ?? []) detailsOf.set(`${pack.name}\0${d.name}`, d);
    const versionOf = new Map(result.policyPacks.map((p) => [p.name, p.version]));
    const findings: Finding[] = [];

    const base = (item: { policyPack: string; policy: string; packIndex?: number }, urn: string | undefined) => {
        const { location, madeAt } = locator.where(urn);
        const pack = item.packIndex !== undefined ? result.policyPacks[item.packIndex] : undefined;
        const version = pack?.version ?? versionOf.get(item.policyPack) ?? "";
        const finding = { policyPack: item.policyPack, policyPackVersion: version, policy: item.policy, subject: locator.subject(urn), location } as Finding;
        if (item.packIndex !== undefined) finding.packIndex = item.packIndex;
        if (madeAt) finding.madeAt = madeAt;
        return finding;
    };

    for (const v of result.violations) {
        const part: Part = parts.fromUpdate?.has(v) ? "update" : basePart;
        const details = detailsOf.get(`${v.policyPack}\0${v.policy}`);
        if (v.unknownAtPreview) {
            const notice = v.message.replace(NOTICE_PREFIX, "");
            const rawPath = (UNKNOWN_VALUE.exec(notice) ?? UNKNOWN_PATH.exec(notice))?.[1];
            const named = !v.urn && rawPath ? locator.named(rawPath) : undefined;
            const finding: Finding = { ...base(v, v.urn ?? named?.urn), kind: "cant-run", part, level: "advisory", message: v.message, violation: v };
            if (v.severity) finding.severity = v.severity;
            if (UNKNOWN_VALUE.test(notice) && rawPath) {
                // Named by the path's first part: the rest is the resource's property.
                const property = named && rawPath.startsWith(named.name + ".") ? rawPath.slice(named.name.length + 1) : rawPath;
                finding.unknownAt = `\`${property}\` is unknown until the update`;
            } else if (notice !== v.message) {
                finding.unknownAt = notice; // the pack's own explanation
            }
            if (parts.judged?.has(v)) finding.judgedByUpdate = true;
            findings.push(finding);
            continue;
        }
        const finding: Finding = {
            ...base(v, v.urn),
            kind: "violation",
            part,
            level: v.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
            message: ownMessage(v, details?.description),
            violation: v,
        };
        if (v.severity) finding.severity = v.severity;
        findings.push(finding);
    }
    for (const r of result.remediations) {
        if (r.diagnostic) continue; // reported as the engine reports it: an advisory violation, above
        const part: Part = parts.fromUpdate?.has(r) ? "update" : basePart;
        const finding: Finding = { ...base(r, r.urn), kind: "remediation", part, level: "remediate", message: "" };
        if (r.changes) finding.changes = r.changes;
        findings.push(finding);
    }
    for (const w of result.waivers) {
        const part: Part = parts.fromUpdate?.has(w) ? "update" : basePart;
        findings.push({ ...base(w, w.urn), kind: "waiver", part, level: "waived", message: w.reason.replace(/^waived:\s*/, "") });
    }

    const packs: PackReport[] = result.policyPacks.map((p, index) => {
        const details = p.details ?? [];
        const enabled = details.length > 0 ? details.filter((d) => d.enforcementLevel !== "disabled").length : p.policies;
        return { name: p.name, version: p.version, policies: enabled, allPolicies: p.policies, details, findings: findings.filter((f) => (f.packIndex !== undefined ? f.packIndex === index : f.policyPack === p.name)) };
    });
    const notChecked = result.resources
        .filter((r) => r.remote)
        .map((r) => ({ urn: r.urn, type: r.type, name: r.name, plugin: r.type.split(":")[0], location: locator.where(r.urn).location }));
    return {
        mode,
        notChecked,
        placeholders: [...(context.placeholders ?? [])],
        ok: !findings.some((f) => f.kind === "violation" && f.level === "mandatory"),
        resources: result.resources,
        packs,
        findings,
        context: { ...context, mode, programDir: locator.programDir, repoRoot: locator.repoRoot },
        locate: (urn) => locator.where(urn).location,
    };
}

/** "`failed-queue` in `DeadLetterQueue` `failed`" (outermost component first); the stack is "the stack `name`". */
export function describeSubject(subject: Subject): string {
    if (subject.stack) return subject.name ? `the stack \`${subject.name}\`` : "the stack";
    const own = `\`${subject.name ?? subject.urn ?? "?"}\``;
    if (subject.ancestors.length === 0) return own;
    return `${own} in ${subject.ancestors.map((a) => `\`${shortType(a.type)}\` \`${a.name}\``).join(" › ")}`;
}

export function describeLocation(l: Location, file: "file" | "repoFile" = "file"): string {
    return `${l[file]}:${l.line}:${l.column}`;
}

/** "`failed-queue` in `DeadLetterQueue` `failed`, app/index.ts:12:5" */
export function describeWhere(f: Finding): string {
    const made = f.madeAt ? ` (made at ${describeLocation(f.madeAt)})` : "";
    return `${describeSubject(f.subject)}, ${describeLocation(f.location)}${made}`;
}

/** A value as a report shows it: secrets hidden, long values cut. */
export function showValue(value: unknown): string {
    if (value !== null && typeof value === "object" && (value as any)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** "`memorySize` 128 → 1024", "`tracingConfig.mode` set to "Active"", "`x` removed (was 3)". */
export function describeChange(c: PropertyChange): string {
    if (!("before" in c)) return `\`${c.path}\` set to ${showValue(c.after)}`;
    if (!("after" in c)) return `\`${c.path}\` removed (was ${showValue(c.before)})`;
    return `\`${c.path}\` ${showValue(c.before)} → ${showValue(c.after)}`;
}
