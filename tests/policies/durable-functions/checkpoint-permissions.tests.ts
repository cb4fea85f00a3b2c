import { durableCheckpointPermissions } from "../../../policies/durable-functions/checkpoint-permissions";
import { T } from "../../../policies/lib/types";
import { identityOf, nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { UNKNOWN, analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = durableCheckpointPermissions;
const FN_ARN = identityOf(T.lambdaFunction, "orders").arn;
const ROLE_ARN = identityOf(T.iamRole, "orders-role").arn;
const MANAGED = (name: string) => `arn:aws:iam::aws:policy/service-role/${name}`;

function base(durable = true): StackResourceInput[] {
    return [
        resource(T.iamRole, "orders-role", { assumeRolePolicy: "{}" }),
        resource(T.lambdaFunction, "orders", { role: ROLE_ARN, publish: true, ...(durable ? { durableConfig: { executionTimeout: 3600 } } : {}) }, { role: ["orders-role"] }),
        resource(T.iamRolePolicyAttachment, "orders-basic", { role: "orders-role", policyArn: MANAGED("AWSLambdaBasicExecutionRole") }, { role: ["orders-role"] }),
    ];
}

const checkpointPolicy = (graph: StackResourceInput[], resources: string[], actions = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"]) =>
    resource(
        T.iamRolePolicy,
        "orders-checkpoint",
        { role: ref(graph, "orders-role", "name"), policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: resources }] }) },
        { role: ["orders-role"], policy: resources.some((r) => r.includes(FN_ARN)) ? ["orders"] : [] },
    );

describe("durable-checkpoint-permissions", () => {
    test("compliant: the durable execution managed policy, or the two actions on the function (and its versions)", async () => {
        const managed = [...base(), resource(T.iamRolePolicyAttachment, "orders-durable", { role: "orders-role", policyArn: MANAGED("AWSLambdaBasicDurableExecutionRolePolicy") }, { role: ["orders-role"] })];
        expect((await analyzeStack(policy, managed)).violations).toEqual([]);
        const graph = base();
        for (const resources of [[FN_ARN, `${FN_ARN}:*`], [FN_ARN], [`${FN_ARN}:*`], ["*"], ["arn:aws:lambda:*:*:function:*"]]) {
            expect([resources, (await analyzeStack(policy, [...graph, checkpointPolicy(graph, resources)])).violations]).toEqual([resources, []]);
        }
    });

    test("compliant: functions that are not durable, or whose role is outside the stack, are not judged", async () => {
        expect((await analyzeStack(policy, base(false))).violations).toEqual([]);
        expect((await analyzeStack(policy, [resource(T.lambdaFunction, "orders", { role: "arn:aws:iam::123456789012:role/elsewhere", durableConfig: { executionTimeout: 60 } })])).violations).toEqual([]);
    });

    test("violating: a role with the basic execution policy only, or one action missing, reported on the function", async () => {
        const { known, preview } = await nowAndAtFirstPreview(policy, base());
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/function `orders` is a durable function whose role `orders-role` may not `lambda:CheckpointDurableExecution` or `lambda:GetDurableExecutionState`/);
        expect(known.urns).toEqual([urnOf(T.lambdaFunction, "orders")]);
        expect(preview.violations).toEqual(known.violations);
        const graph = base();
        const partial = await analyzeStack(policy, [...graph, checkpointPolicy(graph, [FN_ARN], ["lambda:GetDurableExecutionState"])]);
        expect(partial.violations[0]).toMatch(/may not `lambda:CheckpointDurableExecution`:/);
        const elsewhere = await analyzeStack(policy, [...graph, checkpointPolicy(graph, ["arn:aws:lambda:us-east-1:123456789012:function:other"])]);
        expect(elsewhere.violations).toHaveLength(1);
    });

    test("unknown at preview: a policy document built from the function's ARN gives the engine's advisory", async () => {
        const graph = base();
        const { known, preview } = await nowAndAtFirstPreview(policy, [...graph, checkpointPolicy(graph, [FN_ARN, `${FN_ARN}:*`])]);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toMatch(/orders-checkpoint/);
    });

    test("unknown at preview: any document unknown at preview may grant them (a pattern, `*`): no verdict until the update", async () => {
        const graph = base();
        const logs = resource(T.logGroup, "orders-logs");
        const logging = (policyDocument: string) => resource(T.iamRolePolicy, "orders-logging", { role: "orders-role", policy: policyDocument }, { role: ["orders-role"], policy: ["orders-logs"] });
        const known = await analyzeStack(policy, [...graph, logs, logging(JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "arn:aws:logs:us-east-1:123456789012:log-group:orders-logs:*" }] }))]);
        expect(known.violations).toHaveLength(1);
        const preview = await analyzeStack(policy, [...graph, logs, logging(UNKNOWN)]);
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toMatch(/orders-logging/);
    });

    test("malformed: odd roles and documents never throw", async () => {
        const graph = base();
        expect(await survivesMalformed(policy, [...graph, checkpointPolicy(graph, [FN_ARN])])).toBe(40);
        const odd = [...graph, resource(T.iamRolePolicy, "odd", { role: "orders-role", policy: "{not json" }, { role: ["orders-role"] })];
        expect((await analyzeStack(policy, odd)).violations).toHaveLength(1);
    });

    test("waiver: a waived function is not reported", async () => {
        const outcome = await analyzeStack(policy, base(), { waivers: [{ resource: "orders", reason: "role managed by the platform team" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/platform team/);
    });
});
