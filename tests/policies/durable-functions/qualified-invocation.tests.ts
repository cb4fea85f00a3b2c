import { durableQualifiedInvocation } from "../../../policies/durable-functions/qualified-invocation";
import { T } from "../../../policies/lib/types";
import { identityOf, nowAndAtFirstPreview, ref, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import type { StackResourceInput } from "../../helpers/policy-harness";
import { analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = durableQualifiedInvocation;
const FN_ARN = identityOf(T.lambdaFunction, "orders").arn;

function base(fn: Record<string, unknown> = { publish: true }): StackResourceInput[] {
    return [
        resource(T.lambdaFunction, "orders", { durableConfig: { executionTimeout: 86400, retentionPeriod: 14 }, ...fn }),
        resource(T.lambdaAlias, "live", { arn: `${FN_ARN}:live`, functionName: "orders", functionVersion: "1" }, { functionName: ["orders"] }),
        resource(T.sqsQueue, "jobs"),
        resource(T.eventRule, "nightly"),
        resource(T.snsTopic, "news"),
    ];
}

describe("durable-qualified-invocation", () => {
    test("compliant: published, triggers on the alias's ARN or with a qualifier", async () => {
        const graph = base();
        graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: `${FN_ARN}:live` }, { eventSourceArn: ["jobs"], functionName: ["live"] }));
        graph.push(resource(T.lambdaPermission, "allow-events", { action: "lambda:InvokeFunction", function: "orders", qualifier: "live", principal: "events.amazonaws.com", sourceArn: ref(graph, "nightly") }, { function: ["orders"], qualifier: ["live"], sourceArn: ["nightly"] }));
        graph.push(resource(T.eventTarget, "nightly-orders", { rule: "nightly", arn: `${FN_ARN}:live` }, { rule: ["nightly"], arn: ["live"] }));
        const { known, preview } = await nowAndAtFirstPreview(policy, graph);
        expect(known.violations).toEqual([]);
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toBeUndefined();
    });

    test("compliant: a qualified ARN built from the function (known once deployed); functions that are not durable are skipped", async () => {
        const graph = base();
        graph.push(resource(T.snsTopicSubscription, "news-orders", { topic: ref(graph, "news"), protocol: "lambda", endpoint: `${FN_ARN}:1` }, { topic: ["news"], endpoint: ["orders"] }));
        expect((await analyzeStack(policy, graph)).violations).toEqual([]);
        const plain = [resource(T.lambdaFunction, "plain"), resource(T.eventTarget, "t", { arn: identityOf(T.lambdaFunction, "plain").arn }, { arn: ["plain"] })];
        expect((await analyzeStack(policy, plain)).violations).toEqual([]);
    });

    test("violating: no published version and no alias, reported on the function", async () => {
        const graph = base({}).filter((r) => r.name !== "live");
        const { known, preview } = await nowAndAtFirstPreview(policy, graph);
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/function `orders` is a durable function with no published version and no alias/);
        expect(known.urns).toEqual([urnOf(T.lambdaFunction, "orders")]);
        expect(preview.violations).toEqual(known.violations);
        // An alias is the other way AWS names (to a version published elsewhere).
        expect((await analyzeStack(policy, base({}))).violations).toEqual([]);
    });

    test("violating: triggers on the unqualified ARN or name, reported on the trigger", async () => {
        const graph = base();
        graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: FN_ARN }, { eventSourceArn: ["jobs"], functionName: ["orders"] }));
        graph.push(resource(T.lambdaPermission, "allow-events", { action: "lambda:InvokeFunction", function: "orders", principal: "events.amazonaws.com" }, { function: ["orders"] }));
        graph.push(resource(T.eventTarget, "literal-target", { rule: "nightly", arn: FN_ARN }));
        const outcome = await analyzeStack(policy, graph);
        expect(outcome.violations).toHaveLength(3);
        expect(outcome.violations[0]).toMatch(/event source mapping `jobs-mapping` invokes durable function `orders` by its unqualified name or ARN \(`functionName`\)/);
        expect(outcome.violations.join("\n")).toMatch(/Lambda permission `allow-events` .*\(`function` without `qualifier`\).*or set `qualifier` to the alias name/);
        expect(outcome.urns).toEqual(expect.arrayContaining([urnOf(T.lambdaEventSourceMapping, "jobs-mapping"), urnOf(T.lambdaPermission, "allow-events"), urnOf(T.eventTarget, "literal-target")]));
    });

    test("unknown at preview: a value taken from the function (arn or qualifiedArn?) gives the engine's advisory, not a guess", async () => {
        const graph = base();
        graph.push(resource(T.lambdaEventSourceMapping, "jobs-mapping", { eventSourceArn: ref(graph, "jobs"), functionName: FN_ARN }, { eventSourceArn: ["jobs"], functionName: ["orders"] }));
        const { preview } = await nowAndAtFirstPreview(policy, graph);
        expect(preview.violations).toEqual([]);
        expect(preview.cantRunAtPreview).toMatch(/jobs-mapping/);
    });

    test("malformed: odd functions, aliases and triggers never throw", async () => {
        const graph = base({ publish: "yes" });
        graph.push(resource(T.lambdaPermission, "odd", { function: { name: ["orders"] }, qualifier: null }, { function: ["orders"] }));
        const outcome = await analyzeStack(policy, graph);
        expect(outcome.urns).toEqual([urnOf(T.lambdaPermission, "odd")]);
        expect(await survivesMalformed(policy, graph)).toBe(40);
    });

    test("waiver: a waived trigger is not reported", async () => {
        const graph = [...base(), resource(T.eventTarget, "literal-target", { rule: "nightly", arn: FN_ARN })];
        const outcome = await analyzeStack(policy, graph, { waivers: [{ resource: "literal-target", reason: "AllowInvokeLatest set out of band" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/AllowInvokeLatest/);
    });
});
