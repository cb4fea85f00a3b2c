import { noRecursiveLoops } from "../../../policies/loops/no-recursive-loops";
import { T } from "../../../policies/lib/types";
import { atFirstPreview, nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { atFirstPreviewChecked, functionWithRole, mapping, withoutDependencies } from "../../helpers/iam-fixtures";
import { UNKNOWN, analyzeStack, type StackResourceInput } from "../../helpers/policy-harness";

const SQS_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";

/** A function with a role whose policy allows `action` on the resources `writesTo` (by name; "*" for any). */
function fnWithRole(name: string, action: string | string[], writesTo: string[], graph: StackResourceInput[], opts: { stringDocument?: boolean } = {}): StackResourceInput[] {
    const targets = writesTo.filter((t) => t !== "*");
    const resources = writesTo.map((t) => (t === "*" ? "*" : ref(graph, t)));
    const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resources }] };
    return [
        resource(T.iamRole, `${name}-role`, { assumeRolePolicy: "{}" }),
        resource(T.iamRolePolicy, `${name}-policy`, { role: `${name}-role`, policy: opts.stringDocument ? JSON.stringify(document) : document }, { role: [`${name}-role`], ...(targets.length ? { policy: targets } : {}) }),
        resource(T.iamRolePolicyAttachment, `${name}-sqs`, { role: `${name}-role`, policyArn: SQS_EXECUTION }, { role: [`${name}-role`] }),
        resource(T.lambdaFunction, name, { role: `arn:aws:iam::123456789012:role/${name}-role`, runtime: "nodejs22.x" }, { role: [`${name}-role`] }),
    ];
}

/** Queue `jobs` feeds `worker`, which may send to `writesTo`. */
function sqsWorker(writesTo: string, opts: { stringDocument?: boolean } = {}): StackResourceInput[] {
    const graph: StackResourceInput[] = [resource(T.sqsQueue, "jobs"), resource(T.sqsQueue, "out")];
    graph.push(...fnWithRole("worker", "sqs:SendMessage", [writesTo], graph, opts));
    graph.push(mapping("jobs-mapping", "jobs", "worker", graph));
    return graph;
}

const run = (graph: StackResourceInput[], config?: Record<string, unknown>) => analyzeStack(noRecursiveLoops, graph, config);

describe("no-recursive-loops", () => {
    test("compliant: a queue worker that sends to another queue, now and at a first preview", async () => {
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, sqsWorker("out"));
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBeUndefined();
    });

    test("violating: a queue worker that may send to its own queue, reported on the function, now and at a first preview", async () => {
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, sqsWorker("jobs"));
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/queue `jobs` triggers function `worker` through event source mapping `jobs-mapping`; function `worker` may write to queue `jobs` \(`sqs:SendMessage`\)/);
            expect(outcome.violations[0]).toMatch(/AWS's recursive loop detection would stop it, but only after about 16 rounds/);
            expect(outcome.urns[0]).toBe("urn:pulumi:test::test::aws:lambda/function:Function::worker");
        }
        expect(known.violations[0]).toMatch(/The grant that closes it: role policy `worker-policy` allows `sqs:SendMessage` on `arn:aws:sqs:us-east-1:123456789012:jobs` \(for function `worker`\)/);
        // At a first preview the ARN is unknown: the document's property dependencies name the queue.
        expect(preview.violations[0]).toMatch(/The grant that closes it: role policy `worker-policy` allows `sqs:SendMessage` on the ARN of queue `jobs`/);
    });

    test("violating: an explicit self-write is still a loop in update mode, at a second preview and in an audit without property dependencies", async () => {
        const update = sqsWorker("jobs", { stringDocument: true });
        expect((await run(update)).violations).toEqual([expect.stringMatching(/function `worker` may write to queue `jobs` \(`sqs:SendMessage`\)/)]);
        // A second preview: the resources exist, their outputs and the stored document are known; a new unknown elsewhere changes nothing.
        const second = [...update, resource(T.sqsQueue, "new-queue", { arn: UNKNOWN, url: UNKNOWN })];
        expect((await run(second)).violations).toHaveLength(1);
        expect((await run(withoutDependencies(update))).violations).toEqual([expect.stringMatching(/queue `jobs` triggers function `worker`.*may write to queue `jobs`/)]);
    });

    test("compliant: a loop possible only through a wildcard grant is not a mandatory finding (lambda-role-least-privilege reports it)", async () => {
        const wildcards: { name: string; statements?: object[]; managed?: string[] }[] = [
            { name: "`sqs:*` on `*`", statements: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] },
            { name: "every queue by pattern", statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:*:*" }] },
            { name: "every queue of the account", statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:*" }] },
            { name: "NotResource", statements: [{ Effect: "Allow", Action: "sqs:SendMessage", NotResource: "arn:aws:sqs:us-east-1:123456789012:out" }] },
            { name: "FullAccess managed policy", managed: ["AmazonSQSFullAccess"] },
            { name: "PowerUserAccess", managed: ["PowerUserAccess"] },
        ];
        for (const { name, statements, managed } of wildcards) {
            const graph: StackResourceInput[] = [resource(T.sqsQueue, "jobs"), resource(T.sqsQueue, "out")];
            graph.push(...functionWithRole("worker", { statements, managed }));
            graph.push(mapping("jobs-mapping", "jobs", "worker", graph));
            const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
            expect({ name, known, preview }).toEqual({ name, known: { violations: [], urns: [] }, preview: { violations: [], urns: [] } });
        }
    });

    test("violating: a name pattern that fits the trigger and not every queue is a grant that names it", async () => {
        const graph: StackResourceInput[] = [resource(T.sqsQueue, "jobs")];
        graph.push(...functionWithRole("worker", { statements: [{ Effect: "Allow", Action: "sqs:Send*", Resource: "arn:aws:sqs:*:*:job*" }] }));
        graph.push(mapping("jobs-mapping", "jobs", "worker", graph));
        const outcome = await run(graph);
        expect(outcome.violations).toEqual([expect.stringMatching(/The grant that closes it: role policy `worker-policy` allows `sqs:Send\*` on `arn:aws:sqs:\*:\*:job\*`/)]);
        // The explicit grant wins over a FullAccess policy on the same role.
        graph.push(resource(T.iamRolePolicyAttachment, "worker-full", { role: "worker-role", policyArn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess" }, { role: ["worker-role"] }));
        expect((await run(graph)).violations).toEqual([expect.stringMatching(/allows `sqs:Send\*` on `arn:aws:sqs:\*:\*:job\*`/)]);
    });

    test("unknown at preview: a document the provider's Check made unknown, built from the trigger, gets the can't-run notice naming the role and the queue", async () => {
        const graph = sqsWorker("jobs");
        const preview = await run(atFirstPreviewChecked(graph));
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBe(
            "the policy document at .worker-policy.policy of role `worker-role` can't be known during preview: it is built from outputs of queue `jobs`; the update judges what it grants",
        );
        expect((await run(graph)).violations).toHaveLength(1);
        // Built from another queue only: no loop to wait for.
        expect(await run(atFirstPreviewChecked(sqsWorker("out")))).toEqual({ violations: [], urns: [] });
    });

    test("violating: DynamoDB stream loop says AWS's loop detection will not stop it", async () => {
        const graph: StackResourceInput[] = [resource(T.dynamodbTable, "orders", { streamEnabled: true, streamViewType: "NEW_IMAGE" })];
        graph.push(...fnWithRole("projector", ["dynamodb:GetItem", "dynamodb:UpdateItem"], ["orders"], graph));
        graph.push(mapping("orders-stream", "orders", "projector", graph, "streamArn"));
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/`dynamodb:UpdateItem`/);
            expect(outcome.violations[0]).toMatch(/AWS's recursive loop detection follows only Lambda, SQS, SNS and S3, not DynamoDB table `orders`: it would not stop this loop/);
        }
    });

    test("violating: EventBridge rule on the default bus whose target may put events there", async () => {
        const graph: StackResourceInput[] = [resource(T.eventRule, "on-order", { eventPattern: JSON.stringify({ source: ["shop"] }) })];
        graph.push(...fnWithRole("handler", "events:PutEvents", ["*"], graph));
        graph.find((r) => r.name === "handler-policy")!.props.policy = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:us-east-1:123456789012:event-bus/default" }],
        };
        graph.push(resource(T.eventTarget, "on-order-target", { rule: "on-order", arn: ref(graph, "handler") }, { rule: ["on-order"], arn: ["handler"] }));
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/the default EventBridge bus matches EventBridge rule `on-order`/);
            expect(outcome.violations[0]).toMatch(/it would not stop this loop/);
        }
        // `events:PutEvents` on `*` only: the least-privilege policy's finding, not a mandatory loop.
        graph.find((r) => r.name === "handler-policy")!.props.policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }] };
        expect((await run(graph)).violations).toEqual([]);
    });

    test("violating: a loop through two functions and an SNS topic is reported once", async () => {
        const graph: StackResourceInput[] = [resource(T.sqsQueue, "a"), resource(T.snsTopic, "b")];
        graph.push(...fnWithRole("first", "sns:Publish", ["b"], graph), ...fnWithRole("second", "sqs:SendMessage", ["a"], graph));
        graph.push(mapping("a-mapping", "a", "first", graph));
        graph.push(resource(T.snsTopicSubscription, "b-sub", { protocol: "lambda", topic: ref(graph, "b"), endpoint: ref(graph, "second") }, { topic: ["b"], endpoint: ["second"] }));
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/SNS topic `b` delivers to function `second` through subscription `b-sub`/);
            expect(outcome.violations[0]).toMatch(/function `second` may write to queue `a`/);
        }
    });

    test("violating: S3 notification to a function that writes objects back, and a chain through a direct invocation (a function that only invokes itself is no event loop)", async () => {
        const graph: StackResourceInput[] = [resource(T.s3BucketV2, "uploads")];
        graph.push(...fnWithRole("thumbnailer", "s3:PutObject", [], graph));
        const policy = graph.find((r) => r.name === "thumbnailer-policy")!;
        policy.props.policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${ref(graph, "uploads")}/*` }] };
        policy.propertyDependencies = { role: ["thumbnailer-role"], policy: ["uploads"] };
        graph.push(resource(T.s3BucketNotification, "uploads-events", { bucket: "uploads", lambdaFunctions: [{ lambdaFunctionArn: ref(graph, "thumbnailer"), events: ["s3:ObjectCreated:*"] }] }, { bucket: ["uploads"], lambdaFunctions: ["thumbnailer"] }));
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
        for (const outcome of [known, preview]) expect(outcome.violations[0]).toMatch(/S3 bucket `uploads` notifies function `thumbnailer` through bucket notification `uploads-events`; function `thumbnailer` may write to S3 bucket `uploads` \(`s3:PutObject`\)/);

        const self: StackResourceInput[] = [];
        self.push(...fnWithRole("fanout", "lambda:InvokeFunction", [], self));
        const selfPolicy = self.find((r) => r.name === "fanout-policy")!;
        selfPolicy.props.policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:fanout" }] };
        expect((await run(self)).violations).toEqual([]);

        const chain: StackResourceInput[] = [resource(T.sqsQueue, "q")];
        chain.push(...fnWithRole("second", "sqs:SendMessage", ["q"], chain));
        chain.push(...fnWithRole("first", "lambda:InvokeFunction", ["second"], chain));
        chain.push(mapping("q-mapping", "q", "first", chain));
        const viaInvoke = await nowAndAtFirstPreview(noRecursiveLoops, chain);
        for (const outcome of [viaInvoke.known, viaInvoke.preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/function `first` may write to function `second` \(`lambda:InvokeFunction`\)/);
        }
    });

    test("violating: a pipe and an SNS-to-SQS subscription loop with no function, reported on the last declared link", async () => {
        const graph: StackResourceInput[] = [resource(T.sqsQueue, "inbox"), resource(T.snsTopic, "fan")];
        graph.push(resource(T.pipe, "inbox-pipe", { source: ref(graph, "inbox"), target: ref(graph, "fan"), roleArn: "arn:aws:iam::123456789012:role/pipe" }, { source: ["inbox"], target: ["fan"] }));
        graph.push(resource(T.snsTopicSubscription, "fan-inbox", { protocol: "sqs", topic: ref(graph, "fan"), endpoint: ref(graph, "inbox") }, { topic: ["fan"], endpoint: ["inbox"] }));
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, graph);
        for (const outcome of [known, preview]) {
            expect(outcome.violations).toHaveLength(1);
            expect(outcome.violations[0]).toMatch(/EventBridge pipe `inbox-pipe`/);
        }
    });

    test("violating: the message says when AWS's loop detection is turned off for a function", async () => {
        const graph = sqsWorker("jobs");
        graph.push(resource(T.lambdaRecursionConfig, "worker-recursion", { functionName: ref(graph, "worker", "name"), recursiveLoop: "Allow" }, { functionName: ["worker"] }));
        expect((await run(graph)).violations[0]).toMatch(/turned off for function `worker`/);
    });

    test("compliant: a Deny on the trigger queue, reads only, and writes to resources that trigger nothing", async () => {
        const graph = sqsWorker("*");
        const policy = graph.find((r) => r.name === "worker-policy")!;
        policy.props.policy = {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" },
                { Effect: "Deny", Action: "sqs:SendMessage", Resource: ref(graph, "jobs") },
            ],
        };
        expect((await run(graph)).violations).toEqual([]);
        expect((await run(sqsWorker("out"))).violations).toEqual([]);
    });

    test("unknown at preview: a wholly unknown policy document that may close a loop gets the can't-run advisory", async () => {
        const looping = await run(atFirstPreview(sqsWorker("jobs", { stringDocument: true })));
        expect(looping.violations).toEqual([]);
        expect(looping.cantRunAtPreview).toMatch(/worker-policy\.policy/);
        const { known, preview } = await nowAndAtFirstPreview(noRecursiveLoops, sqsWorker("out", { stringDocument: true }));
        expect(known.violations).toEqual([]);
        expect(preview).toEqual({ violations: [], urns: [] });
    });

    test("unknown at preview: receive and send in one document on two unknown queues is ambiguous, not a false loop", async () => {
        const graph = sqsWorker("out");
        const policy = graph.find((r) => r.name === "worker-policy")!;
        policy.props.policy = {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: ref(graph, "jobs") },
                { Effect: "Allow", Action: "sqs:SendMessage", Resource: ref(graph, "out") },
            ],
        };
        policy.propertyDependencies = { role: ["worker-role"], policy: ["jobs", "out"] };
        expect((await run(graph)).violations).toEqual([]);
        const preview = await run(atFirstPreview(graph));
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toMatch(/policy/);
    });

    test("malformed: odd props never make it throw", async () => {
        const graph = sqsWorker("jobs");
        graph.push(resource(T.eventRule, "rule", { eventBusName: 7 }), resource(T.eventTarget, "target", { rule: null, arn: {} }, { rule: ["rule"], arn: ["worker"] }));
        expect(await survivesMalformed(noRecursiveLoops, graph)).toBe(40);
        await expect(run([{ type: T.lambdaFunction, name: "f", props: { role: UNKNOWN } }])).resolves.toMatchObject({ violations: [] });
    });

    test("waiver: a waived function's loop is not applicable, with the reason", async () => {
        const outcome = await run(sqsWorker("jobs"), { waivers: [{ resource: "worker", reason: "idempotent retry by design" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBe("waived: worker: idempotent retry by design");
    });

    test("violating: a loop through a thousand workers is reported once", async () => {
        const graph: StackResourceInput[] = [];
        for (let i = 0; i < 1000; i++) graph.push(resource(T.sqsQueue, `q${i}`));
        for (let i = 0; i < 1000; i++) {
            graph.push(...fnWithRole(`f${i}`, "sqs:SendMessage", [`q${i}`], graph));
            graph.push(mapping(`m${i}`, `q${(i + 1) % 1000}`, `f${i}`, graph));
        }
        // f_i writes q_i, q_{i+1} triggers f_i: one loop through all 1000 workers, reported once.
        const outcome = await run(graph);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.violations[0]).toMatch(/queue `q0`/);
    });
});
