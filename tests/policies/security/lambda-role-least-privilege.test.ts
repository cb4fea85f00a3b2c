import { lambdaRoleLeastPrivilege } from "../../../policies/security/lambda-role-least-privilege";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const ARN = {
    role: "arn:aws:iam::123456789012:role/worker-role",
    queue: "arn:aws:sqs:us-east-1:123456789012:jobs",
    out: "arn:aws:sqs:us-east-1:123456789012:out",
};

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

function stack(policy: unknown, extra: StackResourceInput[] = [], dependsOnQueues = true): StackResourceInput[] {
    return [
        { type: T.sqsQueue, name: "jobs", props: { arn: ARN.queue, name: "jobs" } },
        { type: T.sqsQueue, name: "out", props: { arn: ARN.out, name: "out" } },
        { type: T.iamRole, name: "worker-role", props: { arn: ARN.role, name: "worker-role", assumeRolePolicy: "{}" } },
        {
            type: T.iamRolePolicy,
            name: "worker-policy",
            props: { role: "worker-role", policy },
            propertyDependencies: { role: ["worker-role"], ...(dependsOnQueues ? { policy: ["jobs", "out"] } : {}) },
        },
        {
            type: T.iamRolePolicyAttachment,
            name: "worker-basic",
            props: { role: "worker-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
            propertyDependencies: { role: ["worker-role"] },
        },
        { type: T.lambdaFunction, name: "worker", props: { role: ARN.role, runtime: "nodejs22.x" }, propertyDependencies: { role: ["worker-role"] } },
        ...extra,
    ];
}

const scoped = doc(
    { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: ARN.queue },
    { Effect: "Allow", Action: "sqs:SendMessage", Resource: [ARN.out] },
);

const run = (resources: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(lambdaRoleLeastPrivilege, resources, config);

describe("lambda-role-least-privilege", () => {
    test("compliant: exact actions on the queues' ARNs, plus the basic execution role", async () => {
        const outcome = await run(stack(scoped));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("violating: `sqs:*` in a role policy, reported on the function", async () => {
        const outcome = await run(stack(doc({ Effect: "Allow", Action: "sqs:*", Resource: ARN.queue })));
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/worker-role.*role policy `worker-policy` allows `Action` `sqs:\*`/);
        expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:lambda/function:Function::worker");
    });

    test("violating: Action `*`, NotAction, and a write on Resource `*`", async () => {
        expect((await run(stack(doc({ Effect: "Allow", Action: "*", Resource: "*" })))).violations[0]).toMatch(/`Action` `\*`/);
        expect((await run(stack(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })))).violations[0]).toMatch(/NotAction/);
        expect((await run(stack(doc({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: "*" })))).violations[0]).toMatch(
            /write action `dynamodb:PutItem` on `Resource` `\*`/,
        );
    });

    test("compliant: reads on `*`, Deny statements and actions without resource-level permissions", async () => {
        const outcome = await run(
            stack(
                doc(
                    { Effect: "Allow", Action: ["s3:Get*", "dynamodb:Query"], Resource: "*" },
                    { Effect: "Deny", Action: "*", Resource: "*" },
                    { Effect: "Allow", Action: ["xray:PutTraceSegments", "cloudwatch:PutMetricData"], Resource: "*" },
                ),
            ),
        );
        expect(outcome.violations).toEqual([]);
    });

    test("violating: broad AWS managed policy attached; allowed list is configurable", async () => {
        const attach = (name: string, arn: string): StackResourceInput => ({
            type: T.iamRolePolicyAttachment,
            name,
            props: { role: "worker-role", policyArn: arn },
            propertyDependencies: { role: ["worker-role"] },
        });
        const resources = stack(scoped, [attach("full", "arn:aws:iam::aws:policy/AmazonSQSFullAccess")]);
        expect((await run(resources)).violations[0]).toMatch(/AWS managed policy `AmazonSQSFullAccess` allows `Action` `sqs:\*`/);
        expect((await run(resources, { allowedManagedPolicies: ["AmazonSQSFullAccess", "AWSLambdaBasicExecutionRole"] })).violations).toEqual([]);
        const basicOnly = await run(stack(scoped), { allowedManagedPolicies: [] });
        expect(basicOnly.violations[0]).toMatch(/AWSLambdaBasicExecutionRole.*logs:CreateLogGroup/);
    });

    test("violating: statements found through inline policies, managed policy ARNs and aws.iam.Policy attachments", async () => {
        const broad = doc({ Effect: "Allow", Action: "s3:*", Resource: "*" });
        const inline = stack(scoped);
        inline[2].props.inlinePolicies = [{ name: "inline", policy: broad }];
        expect((await run(inline)).violations[0]).toMatch(/inline policy `inline` of role `worker-role`/);

        const customer: StackResourceInput[] = [
            { type: T.iamPolicy, name: "custom", props: { arn: "arn:aws:iam::123456789012:policy/custom", policy: broad } },
            {
                type: T.iamRolePolicyAttachment,
                name: "custom-attach",
                props: { role: "worker-role", policyArn: UNKNOWN },
                propertyDependencies: { role: ["worker-role"], policyArn: ["custom"] },
            },
        ];
        expect((await run(stack(scoped, customer))).violations[0]).toMatch(/policy `custom` allows `Action` `s3:\*`/);

        const viaRole = stack(scoped, [customer[0]]);
        viaRole[2].props.managedPolicyArns = ["arn:aws:iam::123456789012:policy/custom"];
        expect((await run(viaRole)).violations[0]).toMatch(/policy `custom`/);
    });

    test("unknown at preview: the same graphs at a first preview give the same verdicts (object documents keep their actions)", async () => {
        const graph = (action: string, resourceOf: (g: StackResourceInput[]) => string): StackResourceInput[] => {
            const g: StackResourceInput[] = [resource(T.sqsQueue, "jobs"), resource(T.iamRole, "worker-role", { assumeRolePolicy: "{}" })];
            const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resourceOf(g) }] };
            g.push(resource(T.iamRolePolicy, "worker-policy", { role: ref(g, "worker-role", "id"), policy }, { role: ["worker-role"], policy: ["jobs"] }));
            g.push(resource(T.lambdaFunction, "worker", { role: ref(g, "worker-role") }, { role: ["worker-role"] }));
            return g;
        };
        const compliant = await nowAndAtFirstPreview(lambdaRoleLeastPrivilege, graph("sqs:SendMessage", (g) => ref(g, "jobs")));
        expect(compliant.known.violations).toEqual([]);
        expect(compliant.preview).toEqual({ violations: [], urns: [] });
        for (const violating of [graph("sqs:*", (g) => ref(g, "jobs")), graph("sqs:SendMessage", () => "*")]) {
            const { known, preview } = await nowAndAtFirstPreview(lambdaRoleLeastPrivilege, violating);
            expect(known.violations).toHaveLength(1);
            expect(preview.violations).toEqual(known.violations);
        }
    });

    test("unknown at preview: a document that is wholly unknown gets the engine's can't-run advisory", async () => {
        const outcome = await run(stack(UNKNOWN));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/worker-policy\.policy can't be known during preview/);
    });

    test("malformed: odd documents and roles give no verdict and never throw", async () => {
        for (const policy of ["not json", "{}", doc(), JSON.stringify({ Statement: "x" }), JSON.stringify({ Statement: [null, 1, { Effect: 3 }] }), 42, null]) {
            await expect(run(stack(policy))).resolves.toMatchObject({ violations: [] });
        }
        const weird = stack(scoped);
        weird[2].props.inlinePolicies = "nope";
        weird[2].props.managedPolicyArns = [null, 7, { a: 1 }];
        await expect(run(weird)).resolves.toMatchObject({ violations: [] });
        await expect(run([{ type: T.lambdaFunction, name: "lonely", props: {} }])).resolves.toMatchObject({ violations: [] });
    });

    test("waiver: the function is not applicable, with the reason", async () => {
        const outcome = await run(stack(doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" })), { waivers: [{ resource: "worker", reason: "admin tool" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: worker: admin tool");
    });
});
