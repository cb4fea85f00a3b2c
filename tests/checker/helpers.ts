/** Shared by the checker tests: fixture paths, throwaway copies of fixture packs, process checks. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { capture } from "../../checker/capture";
import { check, type CheckOutcome } from "../../checker/check";
import { buildReport, type ReportModel } from "../../checker/report";
import type { CapturedResource } from "../../checker/types";
import { sharedCapture } from "../helpers/run-cache";

export const ROOT = path.resolve(__dirname, "../..");
export const FIXTURES = path.join(ROOT, "tests", "fixtures");
export const packDir = (name: string) => path.join(FIXTURES, "packs", name);
export const programDir = (name: string) => path.join(FIXTURES, "programs", name);
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const copies: string[] = [];

/**
 * A private copy of a fixture pack (a name under tests/fixtures/packs, or a folder) in a temp folder (node_modules
 * linked), so process checks see only this test's pack.
 */
export function copyPack(name: string): string {
    const source = path.isAbsolute(name) ? name : packDir(name);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sg-pack-${path.basename(name)}-`));
    for (const file of fs.readdirSync(source)) fs.copyFileSync(path.join(source, file), path.join(dir, file));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    copies.push(dir);
    return dir;
}

/** A temp folder removed by removeCopies. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    copies.push(dir);
    return dir;
}

export function removeCopies() {
    for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Pack processes (run-policy-pack) serving `dir` (our pack copies have unique paths). */
export function packProcesses(dir: string): string[] {
    const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
    return out.split("\n").filter((line) => line.includes("run-policy-pack") && line.includes(dir));
}

export function thing(name: string, inputs: Record<string, unknown>, extra: Partial<CapturedResource> = {}): CapturedResource {
    return {
        urn: `urn:pulumi:dev::fixture::test:index:Thing::${name}`,
        type: "test:index:Thing",
        name,
        custom: true,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: { ...inputs },
        ...extra,
    };
}

/**
 * A check of a fixture program with fixture packs, as the CLI runs it (check.ts), and its report model. The
 * program's captures are shared with the other suites (tests/helpers/run-cache.ts), unless `fresh`: then the
 * check runs the program itself, as a second run of the CLI would.
 */
export async function checkFixture(program: string, mode: "preview" | "update" | "both", packs: string[], { fresh = false } = {}) {
    const dir = programDir(program);
    const captureOf = (preview: boolean) => (fresh ? capture(dir, { preview }) : sharedCapture(dir, { preview }));
    const outcome = await check({ mode, packs: packs.map((p) => ({ dir: packDir(p) })), capture: captureOf });
    return { outcome, model: buildReport(outcome.result, { mode, programDir: dir }, outcome.parts) };
}

/** The report of mode preview for a check of mode both: its preview part is a check of mode preview. */
export function previewModelOf(outcome: CheckOutcome, dir: string): ReportModel {
    return buildReport(outcome.preview!, { mode: "preview", programDir: dir });
}
