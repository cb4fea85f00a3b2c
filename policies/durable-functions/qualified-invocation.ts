import { UnknownValueError } from "@pulumi/policy";
import { graphOf, type Edge, type Node, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn } from "../lib/graph/index";
import { DURABLE } from "../lib/lambda-kinds";
import type { StackFinding } from "../lib/policy";
import { stackPolicy } from "../lib/policy";
import { UNKNOWN_STRING_SENTINEL, asBoolean, asString, isSet, isUnknown, known } from "../lib/props";
import { T } from "../lib/types";

/** Where a resource names the function it invokes, and whether it has a separate `qualifier`. */
const invokerProperties: { type: string; property: string; qualifier?: string }[] = [
    { type: T.lambdaEventSourceMapping, property: "functionName" },
    { type: T.snsTopicSubscription, property: "endpoint" },
    { type: T.eventTarget, property: "arn" },
    { type: T.schedulerSchedule, property: "target" },
    { type: T.s3BucketNotification, property: "lambdaFunctions" },
    { type: T.logSubscriptionFilter, property: "destinationArn" },
    { type: T.iotTopicRule, property: "lambdas" },
    { type: T.sesReceiptRule, property: "lambdaActions" },
    { type: T.pipe, property: "target" },
    { type: T.lambdaPermission, property: "function", qualifier: "qualifier" },
    { type: T.lambdaFunctionUrl, property: "functionName", qualifier: "qualifier" },
];

function strings(value: unknown, out: string[] = [], depth = 0): string[] {
    if (depth > 10) return out;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) for (const item of value) strings(item, out, depth + 1);
    else if (value !== null && typeof value === "object") for (const item of Object.values(value)) strings(item, out, depth + 1);
    return out;
}

/** The function's unqualified identities, when known: its ARN and name. */
function unqualifiedNames(fn: Node): string[] {
    return ["arn", "name", "id", "invokeArn"].map((key) => asString(fn.raw[key])).filter((v): v is string => v !== undefined && v !== "");
}

/**
 * True when the invoker names `fn` without a qualifier. A literal that matched the function's identity is unqualified;
 * a value that came from the function (property dependency) is unqualified when it equals the function's ARN or name,
 * and cannot be told at preview while unknown (`qualifiedArn` or `arn`?).
 */
function unqualified(edge: Edge, fn: Node, qualifier?: string): boolean {
    if (qualifier && isSet(edge.from.raw, qualifier)) return false;
    if (edge.via === "literal") return true;
    const values = strings(edge.from.raw[edge.property]);
    const names = unqualifiedNames(fn);
    if (values.some((v) => names.includes(v))) return true;
    if (values.some(isUnknown)) throw new UnknownValueError(UNKNOWN_STRING_SENTINEL, [edge.from.name, edge.property]);
    return false;
}

/** The findings on `fn` and its invokers; `unknown` set when a reference could not be told apart at preview. */
function judgeFunction(graph: ResourceGraph, fn: Node): { findings: StackFinding[]; unknown?: UnknownValueError } {
    const findings: StackFinding[] = [];
    let unknown: UnknownValueError | undefined;
    const attempt = (judge: () => void) => {
        try {
            judge();
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            unknown ??= e;
        }
    };
    attempt(() => {
        const aliases = graph.referrers(fn, "functionName", T.lambdaAlias);
        if (aliases.length === 0 && asBoolean(known(fn.raw, "publish")) !== true) {
            findings.push(findingOn(fn, `${describeNode(fn)} is a durable function with no published version and no alias: Lambda invokes a durable function only through a qualified ARN (a version or an alias). Set \`publish: true\` and add an aws.lambda.Alias with \`functionVersion: fn.version\`, and invoke the alias.`));
        }
    });
    for (const { type, property, qualifier } of invokerProperties) {
        for (const edge of graph.edgesTo(fn)) {
            if (edge.from.type !== type || edge.property !== property) continue;
            attempt(() => {
                if (!unqualified(edge, fn, qualifier)) return;
                const how = qualifier ? `\`${property}\` without \`${qualifier}\`` : `\`${property}\``;
                findings.push(findingOn(edge.from, `${describeNode(edge.from)} invokes durable function \`${fn.name}\` by its unqualified name or ARN (${how}): Lambda invokes a durable function only through a version or an alias. Use the alias's \`arn\` (or the function's \`qualifiedArn\`)${qualifier ? `, or set \`${qualifier}\` to the alias name` : ""}.`));
            });
        }
    }
    return { findings, unknown };
}

function* check(graph: ResourceGraph): Generator<StackFinding> {
    let unknown: UnknownValueError | undefined;
    for (const fn of graph.ofType(T.lambdaFunction)) {
        if (!graph.isSet(fn, DURABLE)) continue;
        const result = judgeFunction(graph, fn);
        yield* result.findings;
        unknown ??= result.unknown;
    }
    if (unknown) throw unknown;
}

export const durableQualifiedInvocation = stackPolicy<{}, ResourceGraph>(
    {
        name: "durable-qualified-invocation",
        displayName: "Durable functions are invoked through a version or an alias",
        description:
            "AWS requires qualified ARNs for durable functions, so that each execution replays the code it started with: " +
            "a durable function that publishes no version, or a trigger wired to its unqualified ARN, fails every " +
            "invocation after deployment, and a trigger pinned to $LATEST replays executions against changed code.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["lambda", "durable-functions", "reliability"],
        remediationSteps:
            "Set `publish: true` on the function, add an `aws.lambda.Alias` (`functionVersion: fn.version`), and point " +
            "every trigger at the alias's `arn` (or give `aws.lambda.Permission` and `aws.lambda.FunctionUrl` the alias " +
            "name as `qualifier`).",
        check: (graph) => check(graph),
    },
    graphOf,
);
