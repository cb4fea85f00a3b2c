import { graphOf, type ResourceGraph } from "../lib/graph";
import { findingOn, judgeEach } from "../lib/graph/findings";
import { type Statement, globMatches, isWriteAction, permissionsOf, unknownDocumentError } from "../lib/iam";
import { stackPolicy } from "../lib/policy";
import { isUnknown } from "../lib/props";
import { T } from "../lib/types";

interface Config {
    allowedManagedPolicies: string[];
    resourceWildcardActions: string[];
}

function broadAction(s: Statement): string | undefined {
    if (s.notActions) return `\`NotAction\` ${JSON.stringify(s.notActions)} (allows every other action)`;
    const broad = (s.actions ?? []).find((a) => !isUnknown(a) && (a === "*" || /^[^:]+:\*$/.test(a)));
    return broad ? `\`Action\` \`${broad}\`` : undefined;
}

function writeOnAnyResource(s: Statement, allowed: readonly string[]): string | undefined {
    if (!(s.resources ?? []).includes("*") && !s.notResources) return undefined;
    const write = (s.actions ?? []).find((a) => !isUnknown(a) && isWriteAction(a) && !allowed.some((p) => globMatches(p, a, true)));
    return write ? `write action \`${write}\` on \`Resource\` \`*\`` : undefined;
}

export const lambdaRoleLeastPrivilege = stackPolicy<Config, ResourceGraph>(
    {
        name: "lambda-role-least-privilege",
        displayName: "Lambda roles grant only what the function needs",
        description:
            "A function whose role may do every action of a service, or write to every resource, turns one bug or " +
            "one injected input into damage across the account: deleting tables, emptying buckets, or publishing " +
            "to the queue that triggers it in an endless loop.",
        enforcementLevel: "advisory",
        severity: "high",
        tags: ["lambda", "iam", "security"],
        remediationSteps:
            "List the actions the function calls (`sqs:SendMessage`, not `sqs:*`) and the resources it calls them on " +
            "(the queue's `arn` output, not `*`), in an inline policy or `aws.iam.RolePolicy`. Replace broad AWS managed " +
            "policies (`AmazonSQSFullAccess`, `AdministratorAccess`) with such a policy.",
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
                description: "write actions allowed on Resource `*` because AWS supports no resource-level permission for them",
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
            const allowedActions = Array.isArray(config.resourceWildcardActions) ? config.resourceWildcardActions : [];
            return judgeEach(graph.ofType(T.lambdaFunction), (fn) => {
                const permissions = permissionsOf(graph, fn);
                const problems: string[] = [];
                for (const s of permissions.statements) {
                    if (s.effect !== "Allow" || (s.managedPolicy && allowedManaged.includes(s.managedPolicy))) continue;
                    const problem = broadAction(s) ?? writeOnAnyResource(s, allowedActions);
                    if (problem && !problems.some((p) => p.startsWith(s.origin))) problems.push(`${s.origin} allows ${problem}`);
                }
                if (problems.length > 0) {
                    return findingOn(
                        fn,
                        `The role \`${permissions.role?.name}\` of function \`${fn.name}\` grants more than the function needs: ` +
                            `${problems.join("; ")}. Name the exact actions and the resources' ARNs instead.`,
                    );
                }
                if (permissions.unknownDocuments.length > 0) throw unknownDocumentError(permissions.unknownDocuments[0]);
                return undefined;
            });
        },
    },
    graphOf,
);
