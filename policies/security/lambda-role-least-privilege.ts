import type { Node } from "../lib/graph";
import { graphOf, type ResourceGraph } from "../lib/graph";
import { findingOn, judgeEach } from "../lib/graph/findings";
import { type Statement, changingActionsCovered, globMatches, isBroadAction, isEveryResource, permissionsOf, unknownDocumentError } from "../lib/iam";
import { stackPolicy } from "../lib/policy";
import { isUnknown } from "../lib/props";
import { T } from "../lib/types";
import { type FlowGraph, describeCycle, describeVertex, flowOf, isHub } from "../loops/event-flow";
import { type WildcardLoop, wildcardLoopsOf } from "../loops/wildcard-loops";

interface Config {
    allowedManagedPolicies: string[];
    resourceWildcardActions: string[];
}

/** Long lists (a FullAccess policy's writes) are cut after this many entries. */
const LISTED = 8;

function list(items: readonly string[]): string {
    const shown = items.slice(0, LISTED).map((i) => `\`${i}\``);
    if (items.length > LISTED) shown.push(`${items.length - LISTED} more`);
    return shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}` : shown[0];
}

/** What one policy (an origin) allows beyond least privilege: every broad action, and the writes it allows on every resource. */
function excessOf(statements: readonly Statement[], allowedActions: readonly string[]): string[] {
    const broad = new Set<string>();
    const notActions: string[] = [];
    const writes = new Set<string>();
    const everywhere = new Set<string>();
    for (const s of statements) {
        if (s.effect !== "Allow") continue;
        const condition = s.conditional ? " (under a condition)" : "";
        if (s.notActions) notActions.push(`\`NotAction\` ${JSON.stringify(s.notActions)} (every other action)${condition}`);
        for (const action of s.actions ?? []) if (!isUnknown(action) && isBroadAction(action)) broad.add(`${action}${condition}`);
        const every = (s.resources ?? []).find((r) => !isUnknown(r) && isEveryResource(r)) ?? (s.notResources ? `NotResource ${JSON.stringify(s.notResources)}` : undefined);
        // A condition (iam:PassedToService, aws:ResourceTag) usually narrows a grant on `*` to what AWS requires.
        if (!every || s.conditional) continue;
        for (const action of s.actions ?? []) {
            if (isUnknown(action) || isBroadAction(action)) continue;
            const covered = changingActionsCovered(action);
            // Actions without a resource type can only be granted on `*`; some others are accepted there by config.
            if (covered === "unknown service" || !covered.some((c) => c.resourceLevel && !allowedActions.some((p) => globMatches(p, c.action, true)))) continue;
            writes.add(action);
            everywhere.add(every);
        }
    }
    const parts = [...(broad.size > 0 ? [list([...broad])] : []), ...notActions];
    if (writes.size > 0) parts.push(`write actions ${list([...writes])} on ${list([...everywhere])}`);
    return parts;
}

/** "`sqs:SendMessage` on `*` would let function `f` re-trigger itself through queue `q`: queue `q` triggers ..." */
function describeLoop(flow: FlowGraph, fn: Node, loop: WildcardLoop): string {
    // The first step is "any <kind> which includes <resource>": start the story at that resource.
    const path = isHub(flow.vertices[loop.path[0].from]) ? loop.path.slice(1) : loop.path;
    const trigger = flow.vertices[path[0]?.from ?? loop.edge.to];
    const grant = loop.edge.grant!;
    return (
        `\`${grant.action}\` on \`${grant.resourceEntry ?? "*"}\` would let function \`${fn.name}\` re-trigger itself through ` +
        `${describeVertex(trigger)} (${describeCycle(flow, path)})`
    );
}

export const lambdaRoleLeastPrivilege = stackPolicy<Config, ResourceGraph>(
    {
        name: "lambda-role-least-privilege",
        displayName: "Lambda roles grant only what the function needs",
        description:
            "A function whose role may do every action of a service, or write to every resource, turns one bug or " +
            "one injected input into damage across the account: deleting tables, emptying buckets, or publishing " +
            "to the queue that triggers it in an endless loop. Judged on AWS's own data: the documents of its managed " +
            "policies and the access level of each action.",
        enforcementLevel: "advisory",
        severity: "high",
        tags: ["lambda", "iam", "security"],
        remediationSteps:
            "List the actions the function calls (`sqs:SendMessage`, not `sqs:*`) and the resources it calls them on " +
            "(the queue's `arn` output, not `*`), in an inline policy or `aws.iam.RolePolicy`. Replace broad AWS managed " +
            "policies (`AmazonSQSFullAccess`, `AdministratorAccess`, the FullAccess policies of a default `CallbackFunction` " +
            "role) with such a policy.",
        config: {
            allowedManagedPolicies: {
                type: "array",
                items: { type: "string" },
                description: "AWS managed policies accepted as they are (the Lambda execution roles, X-Ray)",
                default: [
                    "AWSLambdaBasicExecutionRole",
                    "AWSLambdaSQSQueueExecutionRole",
                    "AWSLambdaDynamoDBExecutionRole",
                    "AWSLambdaKinesisExecutionRole",
                    "AWSLambdaVPCAccessExecutionRole",
                    "AWSXRayDaemonWriteAccess",
                    "AWSXrayWriteOnlyAccess",
                    "CloudWatchLambdaInsightsExecutionRolePolicy",
                ],
            },
            resourceWildcardActions: {
                type: "array",
                items: { type: "string" },
                description:
                    "write actions accepted on Resource `*` beyond those AWS lets be granted on `*` only (which are always accepted), " +
                    "because granting them per resource is impractical",
                default: [
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "cloudwatch:PutMetricData",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ],
            },
        },
        check(graph, config) {
            const allowedManaged = Array.isArray(config.allowedManagedPolicies) ? config.allowedManagedPolicies : [];
            const allowedActions = (Array.isArray(config.resourceWildcardActions) ? config.resourceWildcardActions : []).filter((a): a is string => typeof a === "string");
            const functions = graph.ofType(T.lambdaFunction);
            const flow = functions.length > 0 ? flowOf(graph) : undefined;
            const wildcardLoops = flow ? wildcardLoopsOf(flow) : undefined;
            return judgeEach(functions, (fn) => {
                const permissions = permissionsOf(graph, fn);
                const byOrigin = new Map<string, Statement[]>();
                for (const s of permissions.statements) {
                    if (s.managedPolicy && allowedManaged.includes(s.managedPolicy)) continue;
                    const list = byOrigin.get(s.origin);
                    if (list) list.push(s);
                    else byOrigin.set(s.origin, [s]);
                }
                const loops = wildcardLoops?.get(fn) ?? [];
                const problems: string[] = [];
                for (const [origin, statements] of byOrigin) {
                    const parts = excessOf(statements, allowedActions);
                    const closing = loops.filter((l) => l.edge.grant?.statement?.origin === origin).map((l) => describeLoop(flow!, fn, l));
                    if (parts.length === 0 && closing.length === 0) continue;
                    problems.push(`${origin} allows ${parts.length > 0 ? parts.join(", ") : "writes on every resource"}${closing.length > 0 ? `; ${closing.join("; ")}` : ""}`);
                }
                const unknown = permissions.unknownPolicies.map((u) => `\`${u.holder.name}\` attaches \`${u.arn}\`: ${u.reason}`);
                const role = `The role \`${permissions.role?.name}\` of function \`${fn.name}\``;
                const unjudged = `a policy that cannot be judged (${unknown.join("; ")})`;
                if (problems.length > 0) {
                    const also = unknown.length > 0 ? ` It also attaches ${unjudged}.` : "";
                    return findingOn(fn, `${role} grants more than the function needs: ${problems.join("; ")}. Name the exact actions and the resources' ARNs instead.${also}`);
                }
                if (unknown.length > 0) return findingOn(fn, `${role} attaches ${unjudged}: it may grant anything. Attach the policy by the ARN AWS publishes it under.`);
                if (permissions.unknownDocuments.length > 0) throw unknownDocumentError(permissions.unknownDocuments[0]);
                return undefined;
            });
        },
    },
    graphOf,
);
