import { lambdaRoleLeastPrivilege } from "../../../policies/security/lambda-role-least-privilege";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, ref, resource } from "../../helpers/graph-fixtures";
import { MANAGED, atFirstPreviewChecked, functionWithRole, mapping } from "../../helpers/iam-fixtures";
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

/** A function whose role has only these AWS managed policies. */
const withManaged = (...paths: string[]) => run(functionWithRole("fn", { managed: paths }));

describe("lambda-role-least-privilege", () => {
    test("compliant: exact actions on the queues' ARNs, plus the basic execution role", async () => {
        const outcome = await run(stack(scoped));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("violating: `sqs:*` in a role policy, reported on the function", async () => {
        const outcome = await run(stack(doc({ Effect: "Allow", Action: "sqs:*", Resource: ARN.queue })));
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/role `worker-role` of function `worker`.*role policy `worker-policy` allows `sqs:\*`/);
        expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:lambda/function:Function::worker");
    });

    test("violating: every broad action of every statement, `NotAction`, and every write on `*` (by AWS's access levels)", async () => {
        const outcome = await run(
            stack(
                doc(
                    { Effect: "Allow", Action: ["logs:*", "cloudwatch:*", "logs:PutLogEvents"], Resource: "*" },
                    { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "s3:Put*"], Resource: "*" },
                    { Effect: "Allow", Action: "*", Resource: ARN.out },
                ),
            ),
        );
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(
            /role policy `worker-policy` allows `logs:\*`, `cloudwatch:\*` and `\*`, write actions `logs:PutLogEvents`, `dynamodb:PutItem`, `dynamodb:DeleteItem` and `s3:Put\*` on `\*`/,
        );
        expect(outcome.violations[0]).not.toMatch(/GetItem/);
        expect((await run(stack(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })))).violations[0]).toMatch(/`NotAction` \["iam:\*"\] \(every other action\)/);
        // A pattern that fits every resource of any kind counts as `*`.
        expect((await run(stack(doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::*/*" })))).violations[0]).toMatch(/write actions `s3:PutObject` on `arn:aws:s3:::\*\/\*`/);
    });

    test("compliant: reads on `*`, Deny statements, conditional grants and actions AWS grants on `*` only", async () => {
        const outcome = await run(
            stack(
                doc(
                    { Effect: "Allow", Action: ["s3:Get*", "dynamodb:Query", "sqs:ReceiveMessage"], Resource: "*" },
                    { Effect: "Deny", Action: "*", Resource: "*" },
                    { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutSpans", "cloudwatch:PutMetricData"], Resource: "*" },
                    { Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
                ),
            ),
        );
        expect(outcome.violations).toEqual([]);
    });

    test("violating: the managed policies seen missed on public programs give their findings, from AWS's documents", async () => {
        const expected: [string, RegExp][] = [
            ["CloudWatchLogsFullAccess", /AWS managed policy `CloudWatchLogsFullAccess` allows `logs:\*`/],
            ["AWSLambdaExecute", /AWS managed policy `AWSLambdaExecute` allows `logs:\*`, write actions `s3:PutObject` on `arn:aws:s3:::\*`/],
            ["AmazonAthenaFullAccess", /AWS managed policy `AmazonAthenaFullAccess` allows `athena:\*`/],
            ["CloudWatchFullAccessV2", /AWS managed policy `CloudWatchFullAccessV2` allows .*`cloudwatch:\*`, `logs:\*`/],
            ["CloudWatchEventsFullAccess", /AWS managed policy `CloudWatchEventsFullAccess` allows `events:\*`, `schemas:\*`, `scheduler:\*` and `pipes:\*`/],
            ["AmazonCognitoPowerUser", /AWS managed policy `AmazonCognitoPowerUser` allows `cognito-identity:\*`, `cognito-idp:\*` and `cognito-sync:\*`/],
        ];
        for (const [name, pattern] of expected) {
            const outcome = await withManaged(name);
            expect({ name, violations: outcome.violations }).toEqual({ name, violations: [expect.stringMatching(pattern)] });
        }
    });

    test("violating: FullAccess policies; compliant: the Lambda execution roles and the X-Ray daemon policy as they are", async () => {
        for (const [name, broad] of [
            ["AmazonSQSFullAccess", "sqs:*"],
            ["AmazonKinesisFullAccess", "kinesis:*"],
            ["AmazonDynamoDBFullAccess", "dynamodb:*"],
            ["AmazonS3FullAccess", "s3:*"],
        ]) {
            expect((await withManaged(name)).violations[0]).toContain(`AWS managed policy \`${name}\` allows \`${broad}\``);
        }
        const execution = [
            "service-role/AWSLambdaBasicExecutionRole",
            "service-role/AWSLambdaSQSQueueExecutionRole",
            "service-role/AWSLambdaKinesisExecutionRole",
            "service-role/AWSLambdaDynamoDBExecutionRole",
            "AWSXRayDaemonWriteAccess",
        ];
        expect((await withManaged(...execution)).violations).toEqual([]);
        // Judged on their documents when they are not accepted by config.
        const judged = await run(functionWithRole("fn", { managed: execution }), { allowedManagedPolicies: [] });
        expect(judged.violations[0]).toMatch(/AWS managed policy `AWSLambdaBasicExecutionRole` allows write actions `logs:CreateLogGroup`, `logs:CreateLogStream` and `logs:PutLogEvents` on `\*`/);
        expect(judged.violations[0]).not.toMatch(/AWSXRayDaemonWriteAccess/);
    });

    test("violating: an attached ARN that names no AWS managed policy is reported as such, not taken as granting nothing", async () => {
        const typo = await withManaged("AmazonSQSFullAcess");
        expect(typo.violations).toHaveLength(1);
        expect(typo.violations[0]).toMatch(
            /role `fn-role` of function `fn` attaches a policy that cannot be judged \(`fn-AmazonSQSFullAcess` attaches `arn:aws:iam::aws:policy\/AmazonSQSFullAcess`: no AWS managed policy has this name/,
        );
        const wrongPath = await withManaged("AWSLambdaBasicExecutionRole", "AmazonSQSFullAccess");
        expect(wrongPath.violations[0]).toMatch(/allows `sqs:\*`.* It also attaches a policy that cannot be judged \(.*AWS publishes `AWSLambdaBasicExecutionRole` as `arn:aws:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole`, not at this path/);
        const viaRole = functionWithRole("fn");
        viaRole[0].props.managedPolicyArns = [MANAGED("NoSuchPolicyAtAll")];
        expect((await run(viaRole)).violations[0]).toMatch(/`fn-role` attaches `arn:aws:iam::aws:policy\/NoSuchPolicyAtAll`/);
    });

    test("violating: a consumer whose only write grant is a wildcard gets the finding, naming the loop it would allow", async () => {
        const graph: StackResourceInput[] = [resource(T.sqsQueue, "jobs")];
        graph.push(...functionWithRole("worker", { managed: ["AmazonSQSFullAccess", "service-role/AWSLambdaBasicExecutionRole"] }));
        graph.push(mapping("jobs-mapping", "jobs", "worker", graph));
        const { known, preview } = await nowAndAtFirstPreview(lambdaRoleLeastPrivilege, graph);
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(
                /AWS managed policy `AmazonSQSFullAccess` allows `sqs:\*`; `sqs:SendMessage` on `\*` would let function `worker` re-trigger itself through queue `jobs` \(queue `jobs` triggers function `worker` through event source mapping `jobs-mapping`\)/,
            );
        }
        // An inline wildcard says the same, and an explicit grant on another queue closes no loop.
        const inline: StackResourceInput[] = [resource(T.sqsQueue, "jobs"), resource(T.sqsQueue, "out")];
        inline.push(...functionWithRole("worker", { statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:*:*" }] }));
        inline.push(mapping("jobs-mapping", "jobs", "worker", inline));
        expect((await run(inline)).violations[0]).toMatch(/`sqs:SendMessage` on `arn:aws:sqs:\*:\*:\*` would let function `worker` re-trigger itself through queue `jobs`/);
    });

    test("violating: five hundred FullAccess consumers, each told the queue it could re-trigger itself through (one search per kind, not per function)", async () => {
        const graph: StackResourceInput[] = [];
        for (let i = 0; i < 500; i++) {
            graph.push(resource(T.sqsQueue, `q${i}`), ...functionWithRole(`f${i}`, { managed: ["AmazonSQSFullAccess", "AWSLambda_FullAccess", "AmazonS3FullAccess"] }));
            graph.push(mapping(`m${i}`, `q${i}`, `f${i}`, graph));
        }
        const outcome = await run(graph);
        expect(outcome.violations).toHaveLength(500);
        outcome.violations.forEach((v, i) => expect(v).toContain(`would let function \`f${i}\` re-trigger itself through queue \`q${i}\` (queue \`q${i}\` triggers`));
    });

    test("statements found through inline policies, managed policy ARNs and aws.iam.Policy attachments", async () => {
        const broad = doc({ Effect: "Allow", Action: "s3:*", Resource: "*" });
        const inline = stack(scoped);
        inline[2].props.inlinePolicies = [{ name: "inline", policy: broad }];
        expect((await run(inline)).violations[0]).toMatch(/inline policy `inline` of role `worker-role` allows `s3:\*`/);

        const customer: StackResourceInput[] = [
            { type: T.iamPolicy, name: "custom", props: { arn: "arn:aws:iam::123456789012:policy/custom", policy: broad } },
            {
                type: T.iamRolePolicyAttachment,
                name: "custom-attach",
                props: { role: "worker-role", policyArn: UNKNOWN },
                propertyDependencies: { role: ["worker-role"], policyArn: ["custom"] },
            },
        ];
        expect((await run(stack(scoped, customer))).violations[0]).toMatch(/policy `custom` allows `s3:\*`/);

        const viaRole = stack(scoped, [customer[0]]);
        viaRole[2].props.managedPolicyArns = ["arn:aws:iam::123456789012:policy/custom", MANAGED("AmazonKinesisFullAccess")];
        const both = (await run(viaRole)).violations[0];
        expect(both).toMatch(/policy `custom` allows `s3:\*`/);
        expect(both).toMatch(/AWS managed policy `AmazonKinesisFullAccess` allows `kinesis:\*`/);
    });

    test("unknown at preview: object documents keep their actions (same verdicts); inlinePolicies and managedPolicyArns unknown in the planned state are unset", async () => {
        const graph = (action: string, resourceOf: (g: StackResourceInput[]) => string): StackResourceInput[] => {
            const g: StackResourceInput[] = [resource(T.sqsQueue, "jobs"), resource(T.iamRole, "worker-role", { assumeRolePolicy: "{}", inlinePolicies: UNKNOWN, managedPolicyArns: UNKNOWN })];
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

    test("unknown at preview: a document the provider's Check made unknown gets the can't-run notice naming the role and what it is built from", async () => {
        const outcome = await run(stack(UNKNOWN));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBe(
            "the policy document at .worker-policy.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `jobs`, queue `out`; the update judges what it grants",
        );
        const graph: StackResourceInput[] = [resource(T.sqsQueue, "jobs")];
        graph.push(...functionWithRole("worker", { statements: [{ Effect: "Allow", Action: "sqs:*", Resource: ref(graph, "jobs") }], from: ["jobs"], object: true }));
        expect((await run(graph)).violations).toHaveLength(1);
        const preview = await run(atFirstPreviewChecked(graph));
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toMatch(/\.worker-policy\.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `jobs`/);
        // A finding the preview can give is given, unknown documents aside.
        graph.push(resource(T.iamRolePolicyAttachment, "worker-full", { role: "worker-role", policyArn: MANAGED("AmazonS3FullAccess") }, { role: ["worker-role"] }));
        expect((await run(atFirstPreviewChecked(graph))).violations[0]).toMatch(/AmazonS3FullAccess/);
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
        await expect(run(stack(doc({ Effect: "Allow", Action: [7, null, "nosuchservice:*", "sqs"], Resource: [null, "*"] })))).resolves.toMatchObject({ violations: [expect.stringMatching(/`nosuchservice:\*`/)] });
    });

    test("waiver: the function is not applicable, with the reason", async () => {
        const outcome = await run(stack(doc({ Effect: "Allow", Action: "sqs:*", Resource: "*" })), { waivers: [{ resource: "worker", reason: "admin tool" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: worker: admin tool");
    });
});
