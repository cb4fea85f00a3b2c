import { lambdaFunctionUrlAuth } from "../../../policies/lambda/function-url-auth";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const url = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaFunctionUrlAuth, { type: T.lambdaFunctionUrl, name: "hook", props: { functionName: "worker", ...props }, config });

describe("lambda-function-url-auth", () => {
    test("compliant: AWS_IAM", async () => {
        expect((await url({ authorizationType: "AWS_IAM" })).violations).toEqual([]);
    });

    test("violating: NONE", async () => {
        const { violations } = await url({ authorizationType: "NONE" });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`authorizationType` is `NONE`.*`AWS_IAM`/);
    });

    test("unknown at preview: the engine's can't-run advisory, no false verdict", async () => {
        const outcome = await url({ authorizationType: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/authorizationType/);
    });

    test("malformed: missing or odd values never throw", async () => {
        for (const authorizationType of [undefined, null, 0, { type: "NONE" }, ["NONE"]]) {
            expect((await url({ authorizationType })).violations).toEqual([]);
        }
    });

    test("waiver: a public webhook with its own signature check", async () => {
        const outcome = await url({ authorizationType: "NONE" }, { waivers: [{ resource: "hook", reason: "verifies the Stripe signature" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: verifies the Stripe signature");
    });
});
