import { lambdaPermissionSourceScoped } from "../../../policies/lambda/permission-source-scoped";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const permission = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(lambdaPermissionSourceScoped, {
        type: T.lambdaPermission,
        name: "allow-s3",
        props: { action: "lambda:InvokeFunction", function: "worker", ...props },
        config,
    });

describe("lambda-permission-source-scoped", () => {
    test("compliant: service principal with sourceArn or sourceAccount", async () => {
        expect((await permission({ principal: "sns.amazonaws.com", sourceArn: "arn:aws:sns:eu-west-1:123456789012:orders" })).violations).toEqual([]);
        expect((await permission({ principal: "s3.amazonaws.com", sourceAccount: "123456789012" })).violations).toEqual([]);
    });

    test("compliant: an account or role principal is not a service", async () => {
        expect((await permission({ principal: "123456789012" })).violations).toEqual([]);
        expect((await permission({ principal: "arn:aws:iam::123456789012:role/caller" })).violations).toEqual([]);
    });

    test("violating: service principal with no source", async () => {
        const { violations } = await permission({ principal: "s3.amazonaws.com" });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/`principal` is the AWS service `s3.amazonaws.com`.*`sourceArn`/);
        expect((await permission({ principal: "events.amazonaws.com.cn" })).violations).toHaveLength(1);
    });

    test("unknown at preview: a source ARN that is unknown still counts as set", async () => {
        const outcome = await permission({ principal: "events.amazonaws.com", sourceArn: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("unknown at preview: an unknown principal with no source is the engine's can't-run advisory", async () => {
        const outcome = await permission({ principal: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/principal/);
    });

    test("malformed: odd values never throw", async () => {
        for (const principal of [undefined, null, 42, { Service: "s3.amazonaws.com" }, []]) {
            expect((await permission({ principal })).violations).toEqual([]);
        }
        expect((await permission({ principal: "s3.amazonaws.com", sourceArn: "" })).violations).toHaveLength(1);
    });

    test("waiver", async () => {
        const outcome = await permission({ principal: "s3.amazonaws.com" }, { waivers: [{ resource: "allow-*", reason: "legacy, tracked in OPS-12" }] });
        expect(outcome.notApplicable).toBe("waived: legacy, tracked in OPS-12");
    });
});
