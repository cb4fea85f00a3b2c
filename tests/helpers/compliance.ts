import { checkProgram, expectNoViolations, type AnalysisResult, type ProgramCallback } from "../../testing";

/**
 * The key test of a component: the program's resources give zero violations from the pack through the engine
 * protocol, in a first preview (unknown values) and in update mode. At preview, a policy that needs a value
 * unknown until the resources exist (a role document built from their ARNs) says "can't run during preview", as a
 * real preview does; in update mode every policy must judge. `inspect` adds the test's own checks on the result.
 */
export function passesThePackInBothModes(program: ProgramCallback, inspect?: (result: AnalysisResult) => void) {
    test("zero violations in a first preview (unknown values)", async () => {
        const result = await checkProgram(program, { preview: true });
        expectNoViolations(result);
        inspect?.(result);
    });

    test("zero violations in update mode, every policy judged", async () => {
        const result = await checkProgram(program, { preview: false });
        expectNoViolations(result, { includeUnknownAtPreview: true });
        inspect?.(result);
    });
}
