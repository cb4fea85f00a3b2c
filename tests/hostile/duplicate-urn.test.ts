/**
 * Two resources with the same URN (`new aws.sqs.Queue("q")` twice): the engine refuses the second registration
 * with "Duplicate resource URN '<urn>'; try giving it a unique name" (pulumi/pulumi sdk/go/common/diag/errors.go),
 * so the checker must not pass the program.
 */
import * as path from "path";
import { capture, CaptureError } from "../../checker/capture";
import { run } from "../../checker/cli";
import { packDir } from "../checker/helpers";
import { HOSTILE_FIXTURES } from "./helpers";

const program = path.join(HOSTILE_FIXTURES, "programs", "duplicate-urn");
const MESSAGE = "Duplicate resource URN 'urn:pulumi:dev::duplicate-urn::aws:sqs/queue:Queue::q'; try giving it a unique name";

test("capture fails with the engine's message", async () => {
    const error = await capture(program).catch((e) => e);
    expect(error).toBeInstanceOf(CaptureError);
    expect(error.message).toBe(`program ${program}: ${MESSAGE}`);
});

test("the CLI exits 2 with the engine's message", async () => {
    const lines: string[] = [];
    const result = await run(["check", program, "--policy-pack", packDir("basic")], (l) => lines.push(l));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(lines.filter((l) => l.startsWith("error:"))).toEqual([`error: could not run the program ${program}: ${MESSAGE}`]);
});
