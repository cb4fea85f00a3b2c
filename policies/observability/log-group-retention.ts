import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { findingOn, functionLogGroups, judgeEach } from "../lib/graph/index";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { asNumber, asString, known, peek } from "../lib/props";
import { T } from "../lib/types";
import { EXECUTION_LOG_PREFIX, executionLogGroup, executionLogging } from "./execution-log-groups";

/**
 * `retentionInDays` unset, or 0 (the provider's default: never expire), is forever. The provider sets no
 * retention on a DELIVERY-class group (terraform-provider-aws internal/service/logs/group.go skips
 * PutRetentionPolicy for it), so those are not judged.
 */
function groupFinding(graph: ResourceGraph, group: Node): StackFinding | undefined {
    if (asString(peek(group.raw, "logGroupClass"))?.toUpperCase() === "DELIVERY") return undefined;
    if (graph.presence(group, "retentionInDays") !== "unset") {
        const days = asNumber(known(group.raw, "retentionInDays"));
        if (days !== undefined && days > 0) return undefined;
    }
    return findingOn(
        group,
        `Log group \`${group.name}\` has no \`retentionInDays\`, so its logs are kept, and billed, forever: set \`retentionInDays\` (for example 30).`,
    );
}

/** Execution logs turned on with no group of the stack to hold them: reported once per stage. */
function executionLogFinding(graph: ResourceGraph, settings: Node, reported: Set<Node>): StackFinding | undefined {
    const logging = executionLogging(graph, settings);
    if (!logging || executionLogGroup(graph, logging)) return undefined;
    const on = logging.stage ?? settings;
    if (reported.has(on)) return undefined;
    reported.add(on);
    const name = `${EXECUTION_LOG_PREFIX}${logging.restApiId ?? "<rest api id>"}/${logging.stageName ?? "<stage name>"}`;
    return findingOn(
        on,
        `Method settings \`${settings.name}\` turn on execution logs (\`loggingLevel\` ${logging.level}), so API Gateway creates \`${name}\` ` +
            "with logs kept forever: create that `aws.cloudwatch.LogGroup` in the stack, its name from the API's `id` and the stage name, " +
            "with `retentionInDays`, and make the method settings depend on it.",
    );
}

export const logGroupRetention = stackPolicy<{}, ResourceGraph>(
    {
        name: "log-group-retention",
        displayName: "Every log group expires",
        description:
            "A log group without retention keeps every line forever, and CloudWatch Logs bills its storage every month: access logs, " +
            "state machine logs and API Gateway's own execution logs grow without bound. Function log groups are " +
            "`lambda-log-retention`'s; this policy covers every other one.",
        enforcementLevel: "advisory",
        severity: "low",
        tags: ["observability", "cost"],
        remediationSteps:
            "Set `retentionInDays` (for example 30) on every `aws.cloudwatch.LogGroup`. For REST API execution logs " +
            "(MethodSettings `loggingLevel` ERROR or INFO), create the group API Gateway would create, " +
            "`API-Gateway-Execution-Logs_<rest api id>/<stage name>`, in the stack with `retentionInDays`, before the method settings.",
        check(graph) {
            const functionGroups = functionLogGroups(graph);
            const groups = graph.ofType(T.logGroup).filter((group) => !functionGroups.has(group));
            const reported = new Set<Node>();
            return judgeEach([...groups, ...graph.ofType(T.restApiMethodSettings)], (node) =>
                node.type === T.logGroup ? groupFinding(graph, node) : executionLogFinding(graph, node, reported),
            );
        },
    },
    graphOf,
);

