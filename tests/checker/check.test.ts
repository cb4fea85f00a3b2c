/**
 * The three modes of a check (checker/check.ts): `preview` is the faithful mirror of `pulumi preview`;
 * `both` adds, for each (policy, resource) the preview could not judge, the verdict of an update-mode run.
 */
import { check, merge, unjudgedBy, updateScope } from "../../checker/check";
import { runProgram } from "../../checker/program-process";
import { hasMandatoryViolation } from "../../checker/report";
import type { AnalysisResult, CapturedResource, Violation } from "../../checker/types";
import { checkFixture, packDir, programDir, thing } from "./helpers";

const names = (result: AnalysisResult, list: Violation[] = result.violations) => {
    const byUrn = new Map(result.resources.map((r) => [r.urn, r.name]));
    return list.map((v) => `${v.policy} ${v.unknownAtPreview ? "can't-run" : v.enforcementLevel} ${byUrn.get(v.urn ?? "") ?? "(stack)"}`).sort();
};

describe("check modes", () => {
    it("preview: what the engine reports, the stack policy's can't-run notice included, and nothing else", async () => {
        const { outcome } = await checkFixture("positions", "preview", ["report"]);
        expect(outcome.update).toBeUndefined();
        expect(names(outcome.result)).toEqual([
            "label-is-word can't-run (stack)",
            "plain-note advisory helped",
            "plain-note advisory helped",
            "plain-note advisory outer-member",
            "plain-note advisory source",
            "plain-note advisory team-group-member",
            // Its remediation copies every property, so it reads the label the preview does not know.
            "size-floor can't-run outer-member",
        ]);
        expect(hasMandatoryViolation(outcome.result)).toBe(false);
    });

    it("both: the preview's verdicts, then the update's verdict where the preview could not judge; its mandatory violation sets the exit code", async () => {
        const { outcome } = await checkFixture("positions", "both", ["report"]);
        const fromUpdate = outcome.result.violations.filter((v) => outcome.parts.fromUpdate?.has(v));
        // label-is-word could not run at preview; on the values of an update, outer-member's label is the source's id.
        expect(names(outcome.result, fromUpdate)).toEqual(["label-is-word mandatory outer-member"]);
        expect(fromUpdate[0].message).toMatch(/`label` "source-\S+" is not one lower-case word/);
        // The preview's own verdicts are kept once, not repeated by the update part.
        expect(names(outcome.result).filter((n) => n.startsWith("plain-note"))).toHaveLength(5);
        expect([...(outcome.parts.judged ?? [])].map((v) => v.policy).sort()).toEqual(["label-is-word", "size-floor"]);
        // The remediation that could not run at preview ran in the update part, on that resource alone.
        const remediated = outcome.result.remediations.filter((r) => outcome.parts.fromUpdate?.has(r)).map((r) => `${r.policy} ${r.urn.split("::").pop()}`);
        expect(remediated).toEqual(["size-floor outer-member"]);
        expect(hasMandatoryViolation(outcome.result)).toBe(true);
    });

    it("both: only the resources with a resource-level notice are analyzed again", async () => {
        const { outcome } = await checkFixture("positions", "both", ["basic"]);
        // known-label could not read outer-member's label (the source's id) at preview.
        expect(names(outcome.preview!).filter((n) => n.includes("can't-run"))).toEqual(["known-label can't-run outer-member"]);
        expect(names(outcome.update!)).toEqual([]); // the id is not "bad": no violation, and nothing else was analyzed
        expect(outcome.update!.remediations).toEqual([]);
        expect(outcome.parts.judged?.size).toBe(1);
        expect(names(outcome.result)).toEqual([
            "known-label can't-run outer-member",
            "known-label mandatory team-group-member",
            "no-public mandatory helped",
        ]);
    });

    it("update: every verdict comes from the update run, with no notice", async () => {
        const { outcome } = await checkFixture("positions", "update", ["report"]);
        expect(outcome.preview).toBeUndefined();
        expect(names(outcome.result).filter((n) => n.startsWith("label-is-word"))).toEqual(["label-is-word mandatory outer-member"]);
        expect(outcome.result.violations.some((v) => v.unknownAtPreview)).toBe(false);
    });

    it("both: with nothing the preview could not judge, the preview's result alone", async () => {
        const { outcome } = await checkFixture("clean", "both", ["basic"]);
        expect(outcome.update).toBeUndefined();
        expect(outcome.result).toBe(outcome.preview);
    });
});

describe("merging the parts", () => {
    const violation = (policy: string, urn?: string, extra: Partial<Violation> = {}): Violation => ({
        policyPack: "p",
        policyPackVersion: "1",
        policy,
        enforcementLevel: "mandatory",
        message: `${policy} says no`,
        ...(urn ? { urn } : {}),
        ...extra,
    });
    const result = (violations: Violation[]): AnalysisResult => ({ resources: [], violations, waivers: [], remediations: [], policyPacks: [] });

    it("takes the update's verdicts only for the (policy, resource) pairs and stack policies the preview could not judge", () => {
        const preview = result([
            violation("resource-rule", "a", { unknownAtPreview: true, enforcementLevel: "advisory" }),
            violation("other-rule", "a"),
            violation("stack-rule", "b"), // reported before the policy met an unknown
            violation("stack-rule", undefined, { unknownAtPreview: true, enforcementLevel: "advisory" }),
        ]);
        const unjudged = unjudgedBy(preview);
        expect(updateScope(unjudged)).toEqual({ analyze: new Set(["a"]), stack: true });
        const update = result([violation("resource-rule", "a"), violation("resource-rule", "c"), violation("other-rule", "a"), violation("stack-rule", "b"), violation("stack-rule", "d")]);
        const { result: merged, parts } = merge(preview, update, unjudged);
        const added = merged.violations.filter((v) => parts.fromUpdate!.has(v)).map((v) => `${v.policy} ${v.urn}`);
        expect(added).toEqual(["resource-rule a", "stack-rule d"]);
        expect(parts.judged!.size).toBe(2);
    });

    it("leaves a notice unjudged when the update could not run the policy either", () => {
        const notice = violation("stack-rule", undefined, { unknownAtPreview: true, enforcementLevel: "advisory" });
        const { parts } = merge(result([notice]), result([{ ...notice }]), unjudgedBy(result([notice])));
        expect(parts.judged!.size).toBe(0);
    });
});

describe("both: an update capture the check does not need is stopped", () => {
    it("the update capture's signal is aborted when the preview judged everything", async () => {
        const signals: (AbortSignal | undefined)[] = [];
        let updateStarted!: () => void;
        const started = new Promise<void>((resolve) => (updateStarted = resolve));
        const capture = (preview: boolean, signal?: AbortSignal): Promise<CapturedResource[]> => {
            if (preview) return Promise.resolve([thing("known", { note: "n", label: "word" })]);
            signals.push(signal);
            updateStarted();
            return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
        };
        const outcome = await check({ mode: "both", packs: [{ dir: packDir("basic") }], capture });
        await started;
        expect(outcome.update).toBeUndefined();
        expect(signals).toHaveLength(1);
        expect(signals[0]?.aborted).toBe(true);
    });

    it("a capture is stopped when the packs fail, and the packs' error is the check's", async () => {
        let signal: AbortSignal | undefined;
        const capture = (_preview: boolean, given?: AbortSignal): Promise<CapturedResource[]> => {
            signal = given;
            return new Promise((_, reject) => given?.addEventListener("abort", () => reject(given.reason)));
        };
        for (const mode of ["preview", "both"] as const) {
            const failure = await check({ mode, packs: [{ dir: packDir("broken-start") }], capture }).catch((e: Error) => e);
            expect(failure).toBeInstanceOf(Error);
            expect((failure as Error).message).toMatch(/broken-start/);
            expect(signal?.aborted).toBe(true);
        }
    });

    it("runProgram ends the program's process when its signal is aborted, and rejects with the signal's reason", async () => {
        const controller = new AbortController();
        const run = runProgram(programDir("hang"), { preview: false, signal: controller.signal, onOutput: () => undefined });
        setTimeout(() => controller.abort(new Error("not needed")), 200);
        // The hang fixture never finishes: only the abort ends it before the time limit (120 s).
        await expect(run).rejects.toThrow("not needed");
        await expect(runProgram(programDir("hang"), { signal: AbortSignal.abort(new Error("aborted before")) })).rejects.toThrow("aborted before");
    }, 20_000);
});
