import "./pulumi-promise-stacks";
import { openAnalysis, type AnalysisSession } from "../../checker/analyze";
import { capture } from "../../checker/capture";
import { defaultPackDir } from "../../checker/cli";
import { expectNoViolations, type AnalysisResult, type ProgramCallback } from "../../testing";

/** The serverless-guardrails pack, started at the suite's first use and closed after its last test. */
export type SuitePack = () => Promise<AnalysisSession>;

/**
 * Call at the suite's top level. Its programs are judged one after another by one started and configured pack, each
 * capture in a run of its own (ConfigureStack, Remediate, Analyze, AnalyzeStack), as `checkProgram` judges one.
 */
export function packForTheSuite(): SuitePack {
    let session: Promise<AnalysisSession> | undefined;
    afterAll(async () => {
        const opened = await session?.catch(() => undefined);
        await opened?.close();
    });
    return () => (session ??= openAnalysis({ packs: [{ dir: defaultPackDir() }] }));
}

/**
 * The key test of a component: the program's resources give zero violations from the pack through the engine
 * protocol, in a first preview (unknown values) and in update mode. At preview, a policy that needs a value
 * unknown until the resources exist (a role document built from their ARNs) says "can't run during preview", as a
 * real preview does; in update mode every policy must judge. `inspect` adds the test's own checks on the result.
 */
export function passesThePackInBothModes(pack: SuitePack, program: ProgramCallback, inspect?: (result: AnalysisResult) => void) {
    test("zero violations in a first preview (unknown values)", async () => {
        const result = await (await pack()).run(await capture(program, { preview: true }));
        expectNoViolations(result);
        inspect?.(result);
    });

    test("zero violations in update mode, every policy judged", async () => {
        const result = await (await pack()).run(await capture(program, { preview: false }));
        expectNoViolations(result, { includeUnknownAtPreview: true });
        inspect?.(result);
    });
}
