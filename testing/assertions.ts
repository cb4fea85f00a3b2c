/**
 * Assertions over an analysis: plain functions that throw an Error listing what was found, so they
 * read well in Jest and in any other runner.
 */
import type { AnalysisResult, EnforcementLevel, Violation } from "../checker/types";

/** What `expectNoViolations` (and `toHaveNoViolations`) counts. */
export interface NoViolationsOptions {
    /** Count violations at this level or stricter: "advisory" (default) counts every violation, "mandatory" only mandatory ones. */
    level?: Extract<EnforcementLevel, "advisory" | "mandatory">;
    /** Also fail on the engine's "can't run policy ... during preview" advisories (default false: they are not verdicts). */
    includeUnknownAtPreview?: boolean;
}

function resourceName(result: AnalysisResult, urn: string | undefined): string {
    if (!urn) return "(stack)";
    const resource = result.resources.find((r) => r.urn === urn);
    return resource ? resource.name : urn.split("::").pop() ?? urn;
}

function describe(result: AnalysisResult, v: Violation): string {
    const note = v.unknownAtPreview ? " (could not run: a value is unknown at preview)" : "";
    return `  - [${v.enforcementLevel}] ${v.policy} on ${resourceName(result, v.urn)}${note}: ${v.message}`;
}

function listing(result: AnalysisResult, violations: Violation[]): string {
    return violations.length === 0 ? "  (none)" : violations.map((v) => describe(result, v)).join("\n");
}

/** True when `name` is the resource's name or its URN (undefined matches any resource). */
function onResource(result: AnalysisResult, v: Violation, name: string | undefined): boolean {
    if (name === undefined) return true;
    return v.urn === name || (v.urn !== undefined && resourceName(result, v.urn) === name);
}

const verdicts = (result: AnalysisResult) => result.violations.filter((v) => !v.unknownAtPreview);

/** The violations of `policy` on the resource named `resource` (a name or URN; any resource when omitted). */
export function violationsOf(result: AnalysisResult, policy: string, resource?: string): Violation[] {
    return verdicts(result).filter((v) => v.policy === policy && onResource(result, v, resource));
}

/** Fails unless there is no violation at `level` or stricter. */
export function expectNoViolations(result: AnalysisResult, options: NoViolationsOptions = {}): void {
    const level = options.level ?? "advisory";
    const found = result.violations.filter(
        (v) =>
            (options.includeUnknownAtPreview || !v.unknownAtPreview) &&
            (level === "advisory" ? v.enforcementLevel === "advisory" || v.enforcementLevel === "mandatory" : v.enforcementLevel === "mandatory"),
    );
    if (found.length > 0) {
        throw new Error(`expected no ${level === "mandatory" ? "mandatory " : ""}violations, found ${found.length}:\n${listing(result, found)}`);
    }
}

/** Fails unless `policy` reports a violation on `resource` (name or URN; any resource when omitted). Returns the matches. */
export function expectViolation(result: AnalysisResult, policy: string, resource?: string): Violation[] {
    const matches = violationsOf(result, policy, resource);
    if (matches.length === 0) {
        const target = resource === undefined ? "" : ` on ${resource}`;
        const couldNotRun = result.violations.filter((v) => v.unknownAtPreview && v.policy === policy && onResource(result, v, resource));
        const hint = couldNotRun.length > 0 ? `\n${policy} could not run at preview here (try capture with { preview: false }):\n${listing(result, couldNotRun)}` : "";
        throw new Error(`expected a violation of ${policy}${target}; the violations found:\n${listing(result, result.violations)}${hint}`);
    }
    return matches;
}

/** Fails if `policy` reports a violation on `resource` (name or URN). */
export function expectNoViolation(result: AnalysisResult, policy: string, resource: string): void {
    const matches = violationsOf(result, policy, resource);
    if (matches.length > 0) {
        throw new Error(`expected no violation of ${policy} on ${resource}, found:\n${listing(result, matches)}`);
    }
}
