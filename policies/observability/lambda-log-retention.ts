import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { LAMBDA_LOG_PREFIX as PREFIX, findingOn, functionLogGroup, judgeEach } from "../lib/graph/index";
import { stackPolicy } from "../lib/policy";
import { asNumber, known } from "../lib/props";
import { T } from "../lib/types";

export const lambdaLogRetention = stackPolicy<{}, ResourceGraph>(
    {
        name: "lambda-log-retention",
        displayName: "Lambda logs expire",
        description:
            "Lambda creates its log group on first run with no retention, so logs are kept and billed forever; and a group " +
            "the stack does not own is left behind when the stack is destroyed.",
        enforcementLevel: "advisory",
        severity: "low",
        tags: ["lambda", "observability", "cost"],
        remediationSteps:
            "Create an `aws.cloudwatch.LogGroup` named `/aws/lambda/<function name>` (from the function's `name` output) " +
            "with `retentionInDays` (for example 30), or give the function `loggingConfig.logGroup` from such a group.",
        check(graph) {
            const judgedGroups = new Set<Node>();
            return judgeEach(graph.ofType(T.lambdaFunction), (fn) => {
                const { group, external } = functionLogGroup(graph, fn);
                if (external || (group && judgedGroups.has(group))) return undefined;
                if (!group) {
                    return findingOn(
                        fn,
                        `Function \`${fn.name}\` has no log group in the stack, so Lambda creates \`${PREFIX}<name>\` with logs kept forever: ` +
                            "add an `aws.cloudwatch.LogGroup` with `retentionInDays`, named from the function's `name` (or set `loggingConfig.logGroup`).",
                    );
                }
                judgedGroups.add(group);
                if (graph.presence(group, "retentionInDays") === "unset") return noRetention(fn, group);
                const days = asNumber(known(group.raw, "retentionInDays"));
                if (days === undefined || days <= 0) return noRetention(fn, group);
                return undefined;
            });
        },
    },
    graphOf,
);

function noRetention(fn: Node, group: Node) {
    return findingOn(
        group,
        `Log group \`${group.name}\` of function \`${fn.name}\` has no \`retentionInDays\`, so its logs are kept forever: set \`retentionInDays\` on it (for example 30).`,
    );
}
