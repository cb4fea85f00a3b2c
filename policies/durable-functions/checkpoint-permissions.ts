import { UnknownValueError } from "@pulumi/policy";
import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { describeNode, findingOn, judgeEach } from "../lib/graph/index";
import { mayDo, permissionsOf, unknownDocumentError, type Permission, type RolePermissions } from "../lib/iam";
import { DURABLE } from "../lib/lambda-kinds";
import { stackPolicy } from "../lib/policy";
import { UNKNOWN_STRING_SENTINEL, asString } from "../lib/props";
import { T } from "../lib/types";

/** AWS: the actions a durable function's role needs (Deploy Lambda durable functions with Infrastructure as Code). */
export const CHECKPOINT_ACTIONS = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"];

/** The AWS managed policy that grants them. */
export const DURABLE_EXECUTION_POLICY = "AWSLambdaBasicDurableExecutionRolePolicy";

/** May the role do `action` on the function, or on one of its versions (`<arn>:<qualifier>`, where executions live)? */
function mayDoOnFunction(permissions: RolePermissions, action: string, fn: Node): Permission {
    const direct = mayDo(permissions, action, fn);
    const arn = asString(fn.raw.arn);
    if (direct === "yes" || !arn) return direct;
    const version: Node = { ...fn, raw: { ...fn.raw, arn: `${arn}:1` } };
    const qualified = mayDo(permissions, action, version);
    if (qualified === "yes") return "yes";
    return direct === "maybe" || qualified === "maybe" ? "maybe" : "no";
}

function judge(graph: ResourceGraph, fn: Node) {
    const permissions = permissionsOf(graph, fn);
    // A role outside the stack, or a policy the pack cannot read, may grant them: no verdict.
    if (!permissions.role || permissions.unseenPolicies.length > 0) return undefined;
    const missing: string[] = [];
    let maybe = false;
    for (const action of CHECKPOINT_ACTIONS) {
        const permission = mayDoOnFunction(permissions, action, fn);
        if (permission === "maybe") maybe = true;
        else if (permission === "no") missing.push(action);
    }
    if (missing.length === 0 && !maybe) return undefined;
    // A document built from other resources' outputs is unknown at preview: it may grant them (on `*` or a pattern).
    if (maybe || permissions.unknownDocuments.length > 0) {
        const document = permissions.unknownDocuments[0];
        throw document ? unknownDocumentError(document) : new UnknownValueError(UNKNOWN_STRING_SENTINEL, [permissions.role.name, "policy"]);
    }
    return findingOn(fn, `${describeNode(fn)} is a durable function whose role \`${permissions.role.name}\` may not ${missing.map((a) => `\`${a}\``).join(" or ")}: the function cannot checkpoint, so every execution fails at its first step. Attach the AWS managed policy ${DURABLE_EXECUTION_POLICY}, or allow ${CHECKPOINT_ACTIONS.map((a) => `\`${a}\``).join(" and ")} on the function's ARN.`);
}

export const durableCheckpointPermissions = stackPolicy<{}, ResourceGraph>(
    {
        name: "durable-checkpoint-permissions",
        displayName: "Durable functions may checkpoint",
        description:
            "A durable function saves each step's result through Lambda's checkpoint API with its own role: without " +
            "`lambda:CheckpointDurableExecution` and `lambda:GetDurableExecutionState` every execution fails at its " +
            "first step, after the deployment has succeeded.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["lambda", "durable-functions", "iam", "reliability"],
        remediationSteps:
            `Attach \`arn:aws:iam::aws:policy/service-role/${DURABLE_EXECUTION_POLICY}\` to the function's role, or allow ` +
            "`lambda:CheckpointDurableExecution` and `lambda:GetDurableExecutionState` on the function's ARN (and `<arn>:*`).",
        check(graph) {
            return judgeEach(graph.ofType(T.lambdaFunction).filter((fn) => graph.isSet(fn, DURABLE)), (fn) => judge(graph, fn));
        },
    },
    graphOf,
);
