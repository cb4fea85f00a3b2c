/**
 * The checker's file inputs, beside Pulumi programs: `--stack-state FILE` (`pulumi stack export`) and
 * `--terraform-plan FILE` (`terraform show -json <planfile>`). Both end as CapturedResource[] and go through
 * the same analysis as a program's capture; neither applies remediations (`pulumi policy analyze` reports
 * them without changing the state, and a plan is fixed once written).
 */
import * as path from "path";
import type { CapturedResource } from "../types";
import { readStackState } from "./stack-state";
import { readTerraformPlan } from "./terraform-plan";
import { SourceFinder } from "./terraform-source";

export { InputError } from "./input-error";
export { readStackState, stackStateFrom, withoutPropertyDependencies } from "./stack-state";
export type { StackState, StackStateOptions } from "./stack-state";
export { readTerraformPlan, terraformPlanFrom } from "./terraform-plan";
export type { NotJudged, PlanOptions, TerraformPlan } from "./terraform-plan";

export interface FileInput {
    /** A plan is judged as a first preview is; a stack's state as an update's. */
    mode: "preview" | "update";
    /** The folder reports give file positions relative to. */
    dir: string;
    /** Where reports place findings about the stack: a plan's root module file (default: the project's Pulumi.yaml). */
    stackFile?: string;
    /** The resources read from the file. */
    capture: () => Promise<CapturedResource[]>;
}

/** Reads now; the capture hands the same resources to each run. */
function read(load: () => CapturedResource[]): () => Promise<CapturedResource[]> {
    const resources = load();
    return async () => resources;
}

const shown = (list: string[], most = 10) => (list.length > most ? `${list.slice(0, most).join(", ")} and ${list.length - most} more` : list.join(", "));

/**
 * The input a `--stack-state` or `--terraform-plan` flag names; undefined for a program folder. `dir` is the folder
 * given beside the flag: a plan's root module (default: the plan file's folder), or the project a state's source
 * positions are relative to (default: the current folder). The file is read at once, so that a file that is not what
 * the flag says fails (InputError) before any pack starts.
 */
export function fileInput(flags: { stackState?: string; terraformPlan?: string; dir?: string }, log: (line: string) => void): FileInput | undefined {
    if (flags.terraformPlan) {
        const file = path.resolve(flags.terraformPlan);
        const rootDir = path.resolve(flags.dir ?? path.dirname(file));
        return {
            mode: "preview",
            dir: rootDir,
            stackFile: new SourceFinder(rootDir).rootPosition()?.file,
            capture: read(() => {
                const plan = readTerraformPlan(file, { rootDir });
                const judged = plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length;
                log(
                    `serverless-guardrails: ${file}: Terraform ${plan.terraformVersion ?? "?"} plan (format ${plan.formatVersion}), ${judged} resources to judge` +
                        (plan.skipped.deleted + plan.skipped.dataSources > 0 ? `; skipped ${plan.skipped.deleted} deletes and ${plan.skipped.dataSources} data source reads` : ""),
                );
                if (plan.notJudged.length > 0) {
                    log(`serverless-guardrails: not judged (${plan.notJudged.length}, no policy reads their types): ${shown(plan.notJudged.map((n) => n.address))}`);
                }
                return plan.resources;
            }),
        };
    }
    if (flags.stackState) {
        const file = path.resolve(flags.stackState);
        const projectDir = path.resolve(flags.dir ?? ".");
        return {
            mode: "update",
            dir: projectDir,
            capture: read(() => {
                const state = readStackState(file, { projectDir });
                log(`serverless-guardrails: ${file}: stack export with ${state.resources.length} resources, analyzed as \`pulumi policy analyze\` does`);
                if (state.encryptedSecrets > 0) {
                    log(`warning: ${state.encryptedSecrets} secrets are encrypted and reach the pack as unknowns; export with \`pulumi stack export --show-secrets\` to judge them`);
                }
                return state.resources;
            }),
        };
    }
    return undefined;
}
