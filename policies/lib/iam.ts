import { UnknownValueError } from "@pulumi/policy";
import { arnResource, arnService } from "./arns";
import type { Node, ResourceGraph } from "./graph";
import { memo } from "./graph/findings";
import { UNKNOWN, UNKNOWN_STRING_SENTINEL, asArray, asJson, asRecord, asString, isUnknown, peek } from "./props";
import { T } from "./types";

/**
 * What a Lambda function's role may do: function -> `role` -> inline policies (`inlinePolicies`,
 * `aws.iam.RolePolicy`) and attached ones (`aws.iam.RolePolicyAttachment`, `aws.iam.PolicyAttachment`,
 * `managedPolicyArns`; `aws.iam.Policy` in the stack or AWS managed policies known by name), as
 * normalised statements, with a matcher "may this role do action X on resource N".
 */

const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";

export interface Statement {
    effect: "Allow" | "Deny";
    /** Action patterns (as written; an entry may be the unknown sentinel). Undefined when NotAction is used. */
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    /** Where the statement is written, for messages: "inline policy `p` of role `r`", "AWS managed policy `X`". */
    origin: string;
    /** The resource that carries the document (role, role policy, policy); undefined for AWS managed policies. */
    carrier?: Node;
    /** The resources the document's values came from (property dependencies of the document property). */
    sources: Node[];
    /** The AWS managed policy the statement comes from, by name. */
    managedPolicy?: string;
}

export interface UnknownDocument {
    carrier: Node;
    /** The property path that is unknown, for the engine's "can't run" message. */
    path: string[];
    origin: string;
    sources: Node[];
}

export interface RolePermissions {
    /** The role in the stack; undefined when the function's role is outside the stack or unset. */
    role?: Node;
    statements: Statement[];
    /** Documents whose content is unknown at preview: their statements cannot be listed yet. */
    unknownDocuments: UnknownDocument[];
    /** Attached policies neither in the stack nor known by name (their statements cannot be seen). */
    unseenPolicies: string[];
}

/** "yes" when a statement allows it, "maybe" when only an unknown document or value could, else "no". */
export type Permission = "yes" | "maybe" | "no";

const writeLogs = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/** AWS managed policies by name: the statements that matter for the pack's checks (Allow, simplified). */
export const awsManagedPolicies: Record<string, { actions?: string[]; notActions?: string[]; resources: string[] }[]> = {
    AdministratorAccess: [{ actions: ["*"], resources: ["*"] }],
    PowerUserAccess: [{ notActions: ["iam:*", "organizations:*", "account:*"], resources: ["*"] }],
    AWSLambdaBasicExecutionRole: [{ actions: writeLogs, resources: ["*"] }],
    AWSLambdaSQSQueueExecutionRole: [{ actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", ...writeLogs], resources: ["*"] }],
    AWSLambdaDynamoDBExecutionRole: [
        { actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", ...writeLogs], resources: ["*"] },
    ],
    AWSLambdaKinesisExecutionRole: [
        {
            actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard", ...writeLogs],
            resources: ["*"],
        },
    ],
    AWSLambdaVPCAccessExecutionRole: [
        { actions: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", ...writeLogs], resources: ["*"] },
    ],
    AWSXRayDaemonWriteAccess: [{ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"], resources: ["*"] }],
    AWSXrayWriteOnlyAccess: [{ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"], resources: ["*"] }],
    CloudWatchLambdaInsightsExecutionRolePolicy: [{ actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: ["*"] }],
    AmazonSQSFullAccess: [{ actions: ["sqs:*"], resources: ["*"] }],
    AmazonSNSFullAccess: [{ actions: ["sns:*"], resources: ["*"] }],
    AmazonS3FullAccess: [{ actions: ["s3:*", "s3-object-lambda:*"], resources: ["*"] }],
    AmazonDynamoDBFullAccess: [{ actions: ["dynamodb:*"], resources: ["*"] }],
    AmazonKinesisFullAccess: [{ actions: ["kinesis:*"], resources: ["*"] }],
    AmazonEventBridgeFullAccess: [{ actions: ["events:*"], resources: ["*"] }],
    AWSLambda_FullAccess: [{ actions: ["lambda:*"], resources: ["*"] }],
    AWSLambdaRole: [{ actions: ["lambda:InvokeFunction"], resources: ["*"] }],
    AmazonSQSReadOnlyAccess: [{ actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues"], resources: ["*"] }],
    AmazonS3ReadOnlyAccess: [{ actions: ["s3:Get*", "s3:List*"], resources: ["*"] }],
    AmazonDynamoDBReadOnlyAccess: [{ actions: ["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], resources: ["*"] }],
    ReadOnlyAccess: [{ actions: ["*:Get*", "*:List*", "*:Describe*"], resources: ["*"] }],
};

/** "AWSLambdaBasicExecutionRole" for `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`. */
export function awsManagedPolicyName(arn: unknown): string | undefined {
    const value = asString(arn);
    const match = value ? /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(value) : null;
    return match ? match[1] : undefined;
}

function strings(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return [];
}

function statementsOf(document: unknown, origin: string, carrier: Node | undefined, sources: Node[]): Statement[] {
    const record = asRecord(document);
    if (!record) return [];
    const raw = record.Statement;
    const list = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
    const result: Statement[] = [];
    for (const item of list) {
        const s = asRecord(item);
        if (!s) continue;
        const effect = s.Effect === "Deny" ? "Deny" : s.Effect === "Allow" || isUnknown(s.Effect) ? "Allow" : undefined;
        if (!effect) continue;
        result.push({
            effect,
            actions: strings(s.Action),
            notActions: strings(s.NotAction),
            resources: strings(s.Resource),
            notResources: strings(s.NotResource),
            origin,
            carrier,
            sources,
        });
    }
    return result;
}

class PermissionsBuilder {
    readonly permissions: RolePermissions = { statements: [], unknownDocuments: [], unseenPolicies: [] };
    private readonly seen = new Set<string>();

    constructor(private readonly graph: ResourceGraph) {}

    /** A document at `carrier.raw[property]...path`; `sourceProperty` is the top-level property its dependencies are recorded under. */
    addDocument(carrier: Node, path: string[], origin: string) {
        const key = `${carrier.urn}\u0000${path.join(".")}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const sources = this.graph.targets(carrier, path[0]);
        const value = peek(carrier.raw, path);
        const document = value === UNKNOWN ? UNKNOWN : asJson(value);
        if (document === UNKNOWN) {
            this.permissions.unknownDocuments.push({ carrier, path, origin, sources });
            return;
        }
        this.permissions.statements.push(...statementsOf(document, origin, carrier, sources));
    }

    addManaged(name: string) {
        if (this.seen.has(`aws:${name}`)) return;
        this.seen.add(`aws:${name}`);
        const known = awsManagedPolicies[name];
        if (!known) {
            this.permissions.unseenPolicies.push(name);
            return;
        }
        for (const s of known) {
            this.permissions.statements.push({ effect: "Allow", ...s, origin: `AWS managed policy \`${name}\``, sources: [], managedPolicy: name });
        }
    }

    addPolicyNode(policy: Node) {
        this.addDocument(policy, ["policy"], `policy \`${policy.name}\``);
    }

    /** A policy ARN attached by `holder.raw[property]` (a known ARN, a policy of the stack, or unknown). */
    addAttached(holder: Node, property: string, value: unknown) {
        const managed = awsManagedPolicyName(value);
        if (managed) return this.addManaged(managed);
        const literal = this.graph.byLiteral(value);
        if (literal?.type === T.iamPolicy) return this.addPolicyNode(literal);
        const known = asString(value);
        if (known && known !== "") this.permissions.unseenPolicies.push(known);
        else {
            const policies = this.graph.targets(holder, property, T.iamPolicy);
            for (const policy of policies) this.addPolicyNode(policy);
        }
    }
}

function buildPermissions(graph: ResourceGraph, role: Node): RolePermissions {
    const builder = new PermissionsBuilder(graph);
    builder.permissions.role = role;
    const inline = peek(role.raw, "inlinePolicies");
    if (inline === UNKNOWN) {
        builder.permissions.unknownDocuments.push({ carrier: role, path: ["inlinePolicies"], origin: `inline policies of role \`${role.name}\``, sources: graph.targets(role, "inlinePolicies") });
    }
    asArray(inline).forEach((entry, i) => {
        const name = asString(peek(entry, "name")) ?? `#${i + 1}`;
        builder.addDocument(role, ["inlinePolicies", String(i), "policy"], `inline policy \`${name}\` of role \`${role.name}\``);
    });
    const managedArns = peek(role.raw, "managedPolicyArns");
    if (managedArns === UNKNOWN) {
        for (const policy of graph.targets(role, "managedPolicyArns", T.iamPolicy)) builder.addPolicyNode(policy);
    } else {
        for (const arn of asArray(managedArns)) builder.addAttached(role, "managedPolicyArns", arn);
    }
    for (const rolePolicy of graph.referrers(role, "role", T.iamRolePolicy)) {
        builder.addDocument(rolePolicy, ["policy"], `role policy \`${rolePolicy.name}\``);
    }
    for (const attachment of graph.referrers(role, "role", T.iamRolePolicyAttachment)) {
        builder.addAttached(attachment, "policyArn", peek(attachment.raw, "policyArn"));
    }
    for (const attachment of graph.referrers(role, "roles", POLICY_ATTACHMENT)) {
        builder.addAttached(attachment, "policyArn", peek(attachment.raw, "policyArn"));
    }
    return builder.permissions;
}

const permissionsByRole = memo((graph: ResourceGraph) => {
    const cache = new Map<Node, RolePermissions>();
    return (role: Node) => {
        let permissions = cache.get(role);
        if (!permissions) {
            permissions = buildPermissions(graph, role);
            cache.set(role, permissions);
        }
        return permissions;
    };
});

/** The role of a function, if it is in the stack. */
export function roleOf(graph: ResourceGraph, fn: Node): Node | undefined {
    return graph.targets(fn, "role", T.iamRole)[0];
}

/** Everything the function's role may do, as far as the stack shows it. */
export function permissionsOf(graph: ResourceGraph, fn: Node): RolePermissions {
    const role = roleOf(graph, fn);
    return role ? permissionsByRole(graph)(role) : { statements: [], unknownDocuments: [], unseenPolicies: [] };
}

/** Throws the engine's UnknownValueError for an unknown document (the policy cannot judge it at preview). */
export function unknownDocumentError(document: UnknownDocument): UnknownValueError {
    return new UnknownValueError(UNKNOWN_STRING_SENTINEL, [document.carrier.name, ...document.path]);
}

// ---------------------------------------------------------------------------------------------
// Matching

const globCache = new Map<string, RegExp>();

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
    if (!/[*?]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
    const key = `${ignoreCase ? "i" : "s"}${pattern}`;
    let regex = globCache.get(key);
    if (!regex) {
        const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
        regex = new RegExp(`^${body}$`, ignoreCase ? "i" : "");
        if (globCache.size > 10_000) globCache.clear();
        globCache.set(key, regex);
    }
    return regex.test(value);
}

/** Does the action pattern list cover `action`? "maybe" when an entry is unknown. */
function actionsCover(patterns: string[], action: string): Permission {
    let maybe = false;
    for (const pattern of patterns) {
        if (isUnknown(pattern)) maybe = true;
        else if (globMatches(pattern, action, true)) return "yes";
    }
    return maybe ? "maybe" : "no";
}

function statementActionCovers(s: Statement, action: string): Permission {
    if (s.actions) return actionsCover(s.actions, action);
    if (s.notActions) {
        const excluded = actionsCover(s.notActions, action);
        return excluded === "yes" ? "no" : excluded === "maybe" ? "maybe" : "yes";
    }
    return "no";
}

const serviceOfType: Record<string, string> = {
    [T.sqsQueue]: "sqs",
    [T.snsTopic]: "sns",
    [T.s3Bucket]: "s3",
    [T.s3BucketV2]: "s3",
    [T.dynamodbTable]: "dynamodb",
    [T.kinesisStream]: "kinesis",
    [T.eventBus]: "events",
    [T.lambdaFunction]: "lambda",
};

/** The physical name of a resource when it is known (set explicitly), for matching literal ARNs at preview. */
function physicalName(node: Node): string | undefined {
    const property = node.type === T.s3Bucket || node.type === T.s3BucketV2 ? "bucket" : "name";
    return asString(node.raw[property]);
}

/** The name a literal ARN gives a resource: `arn:aws:sqs:r:a:NAME`, `arn:aws:dynamodb:r:a:table/NAME/...`. */
function nameInArn(arn: string): string | undefined {
    const service = arnService(arn);
    const resource = arnResource(arn);
    if (!service || resource === undefined) return undefined;
    switch (service) {
        case "s3":
            return resource.split("/")[0];
        case "dynamodb":
        case "kinesis":
        case "events":
            return resource.split("/")[1];
        case "lambda":
            return resource.split(":")[1];
        default:
            return resource;
    }
}

/** Does one Resource entry cover `node`? */
function resourceCovers(pattern: string, node: Node, sources: Node[], sourcesAmbiguous: boolean): Permission {
    if (pattern === "*") return "yes";
    if (isUnknown(pattern)) return sources.includes(node) ? (sourcesAmbiguous ? "maybe" : "yes") : "no";
    const arn = asString(node.raw.arn);
    if (arn) return globMatches(pattern, arn) || globMatches(pattern, `${arn}/x`) ? "yes" : "no";
    // The resource's ARN is not known yet (a first preview): judge by service and name.
    const service = arnService(pattern);
    if (!service || (service !== serviceOfType[node.type] && !/[*?]/.test(service))) return "no";
    const name = physicalName(node);
    const named = nameInArn(pattern);
    if (name && named !== undefined) return globMatches(named, name) ? "yes" : "no";
    return named !== undefined && /[*?]/.test(named) ? "maybe" : "no";
}

function resourcesCover(patterns: string[], node: Node, sources: Node[], sourcesAmbiguous: boolean): Permission {
    let maybe = false;
    for (const pattern of patterns) {
        const covered = resourceCovers(pattern, node, sources, sourcesAmbiguous);
        if (covered === "yes") return "yes";
        if (covered === "maybe") maybe = true;
    }
    return maybe ? "maybe" : "no";
}

function statementResourceCovers(s: Statement, node: Node, sourcesAmbiguous: boolean): Permission {
    if (s.resources) return resourcesCover(s.resources, node, s.sources, sourcesAmbiguous);
    if (s.notResources) {
        const excluded = resourcesCover(s.notResources, node, s.sources, sourcesAmbiguous);
        return excluded === "yes" ? "no" : excluded === "maybe" ? "maybe" : "yes";
    }
    return "no";
}

function serviceOf(action: string): string {
    return action.split(":")[0].toLowerCase();
}

/**
 * Whether an unknown Resource entry in `s` that may be `node` certainly is. Property dependencies
 * say only which resources the whole document came from: when other statements of the same
 * document with unknown resources name the same service but not this action, the unknown entry
 * may be one of theirs (a worker allowed to receive from queue A and send to queue B).
 */
function unknownSourceIsAmbiguous(statements: readonly Statement[], s: Statement, action: string): boolean {
    const service = serviceOf(action);
    return statements.some(
        (other) =>
            other !== s &&
            other.carrier === s.carrier &&
            other.sources === s.sources &&
            (other.resources ?? []).some(isUnknown) &&
            (other.actions ?? []).some((a) => !isUnknown(a) && serviceOf(a) === service) &&
            statementActionCovers(other, action) === "no",
    );
}

/** May the role do `action` (e.g. "sqs:SendMessage") on the resource `node`? */
export function mayDo(permissions: RolePermissions, action: string, node: Node): Permission {
    let allowed: Permission = "no";
    let denied = false;
    for (const s of permissions.statements) {
        const byAction = statementActionCovers(s, action);
        if (byAction === "no") continue;
        if (s.effect === "Deny") {
            if (byAction === "yes" && statementResourceCovers(s, node, false) === "yes" && !(s.resources ?? []).some(isUnknown)) denied = true;
            continue;
        }
        if (allowed === "yes") continue;
        const ambiguous = (s.resources ?? []).some(isUnknown) && unknownSourceIsAmbiguous(permissions.statements, s, action);
        const byResource = statementResourceCovers(s, node, ambiguous);
        if (byResource === "no") continue;
        allowed = byAction === "yes" && byResource === "yes" ? "yes" : "maybe";
    }
    if (denied) return "no";
    if (allowed === "no" && permissions.unknownDocuments.some((d) => d.sources.includes(node))) return "maybe";
    return allowed;
}

/** The first action `judge` permits ("yes" beats "maybe"), with the verdict; undefined when none may be done. */
export function firstPermitted(actions: readonly string[], judge: (action: string) => Permission): { action: string; permission: Permission } | undefined {
    let maybe: string | undefined;
    for (const action of actions) {
        const permission = judge(action);
        if (permission === "yes") return { action, permission };
        if (permission === "maybe") maybe ??= action;
    }
    return maybe ? { action: maybe, permission: "maybe" } : undefined;
}

/** IAM read-only verbs; any other action is taken as a write. */
const READ_VERB = /^(Get|List|Describe|BatchGet|Query|Scan|Head|Lookup|Search|Select|Receive|Read|View|Check|Validate|Test|Filter|Estimate|Preview|Detect)/i;

/** Is the action pattern (a known entry) possibly a write? "s3:Get*" is not, "s3:*Object" is. */
export function isWriteAction(pattern: string): boolean {
    const verb = pattern.split(":")[1] ?? pattern;
    if (verb === "" || verb.startsWith("*") || verb.startsWith("?")) return true;
    return !READ_VERB.test(verb);
}

/** May the role do `action` on every resource (`Resource` `*`, or a `NotResource`)? Deny statements on `*` win. */
export function mayDoAnywhere(permissions: RolePermissions, action: string): Permission {
    let allowed: Permission = "no";
    for (const s of permissions.statements) {
        const everywhere = (s.resources ?? []).includes("*") || s.notResources !== undefined;
        if (!everywhere) continue;
        const byAction = statementActionCovers(s, action);
        if (byAction === "no") continue;
        if (s.effect === "Deny") {
            if (byAction === "yes" && !s.notResources) return "no";
            continue;
        }
        if (byAction === "yes") allowed = "yes";
        else if (allowed === "no") allowed = "maybe";
    }
    return allowed;
}

/** The resources a role's statements name (through property dependencies or known ARNs), for `mayDo` to judge. */
export function namedResources(graph: ResourceGraph, permissions: RolePermissions): Node[] {
    const result = new Set<Node>();
    for (const s of permissions.statements) {
        for (const node of s.sources) result.add(node);
        for (const pattern of [...(s.resources ?? []), ...(s.notResources ?? [])]) {
            const node = graph.byLiteral(pattern);
            if (node) result.add(node);
        }
    }
    for (const document of permissions.unknownDocuments) for (const node of document.sources) result.add(node);
    return [...result];
}

/** True when a statement names resources by a pattern with wildcards (other than `*` alone). */
export function hasResourcePatterns(permissions: RolePermissions): boolean {
    return permissions.statements.some((s) => (s.resources ?? []).some((r) => r !== "*" && !isUnknown(r) && /[*?]/.test(r)));
}
