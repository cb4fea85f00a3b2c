import { UnknownValueError } from "@pulumi/policy";
import type { Node, ResourceGraph } from "../graph";
import { describeNodes, memo } from "../graph/findings";
import { UNKNOWN, UNKNOWN_STRING_SENTINEL, asArray, asJson, asString, peek } from "../props";
import { T } from "../types";
import { type Statement, type UnknownDocument, statementsOf } from "./documents";
import { managedPolicy } from "./managed-policies";

/**
 * What a Lambda function's role may do: function -> `role` -> inline policies (`inlinePolicies`,
 * `aws.iam.RolePolicy`) and attached ones (`aws.iam.RolePolicyAttachment`, `aws.iam.PolicyAttachment`,
 * `managedPolicyArns`; an `aws.iam.Policy` of the stack, or an AWS managed policy from AWS's data).
 */

const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";

/** An attached ARN that names no AWS managed policy: what it grants cannot be judged. */
export interface UnknownPolicy {
    arn: string;
    /** Why: the path is wrong, or no such policy in the data. */
    reason: string;
    /** The resource that attaches it. */
    holder: Node;
}

export interface RolePermissions {
    /** The role in the stack; undefined when the function's role is outside the stack or unset. */
    role?: Node;
    statements: Statement[];
    /** Documents whose content is unknown at preview: their statements cannot be listed yet. */
    unknownDocuments: UnknownDocument[];
    /** Attached AWS managed policy ARNs that name no policy AWS publishes. */
    unknownPolicies: UnknownPolicy[];
    /** Attached policies outside the stack (customer managed, by ARN): their statements cannot be seen. */
    unseenPolicies: string[];
}

const none = (): RolePermissions => ({ statements: [], unknownDocuments: [], unknownPolicies: [], unseenPolicies: [] });

class PermissionsBuilder {
    readonly permissions: RolePermissions = none();
    private readonly seen = new Set<string>();

    constructor(
        private readonly graph: ResourceGraph,
        private readonly role: Node,
    ) {
        this.permissions.role = role;
    }

    /** A document at `carrier.raw[path[0]]...`; its dependencies are recorded under `path[0]`. */
    addDocument(carrier: Node, path: string[], origin: string) {
        const key = `${carrier.urn}\u0000${path.join(".")}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const sources = this.graph.targets(carrier, path[0]);
        const value = peek(carrier.raw, path);
        const document = value === UNKNOWN ? UNKNOWN : asJson(value);
        if (document === UNKNOWN) {
            this.permissions.unknownDocuments.push({ carrier, path, origin, role: this.role, sources });
            return;
        }
        this.permissions.statements.push(...statementsOf(document, origin, carrier, sources));
    }

    addPolicyNode(policy: Node) {
        this.addDocument(policy, ["policy"], `policy \`${policy.name}\``);
    }

    /** A policy ARN attached by `holder.raw[property]`: an AWS managed policy, a policy of the stack, or unknown. */
    addAttached(holder: Node, property: string, value: unknown) {
        const managed = managedPolicy(value);
        if (managed) {
            if (this.seen.has(`aws:${managed.key}`)) return;
            this.seen.add(`aws:${managed.key}`);
            if (managed.kind === "known") this.permissions.statements.push(...managed.statements);
            else if (managed.kind === "unknown") this.permissions.unknownPolicies.push({ arn: managed.arn, reason: managed.reason, holder });
            // A service-linked role policy cannot be attached to this role: IAM refuses it, it grants nothing here.
            return;
        }
        const literal = this.graph.byLiteral(value);
        if (literal?.type === T.iamPolicy) return this.addPolicyNode(literal);
        const known = asString(value);
        if (known && known !== "") this.permissions.unseenPolicies.push(known);
        else for (const policy of this.graph.targets(holder, property, T.iamPolicy)) this.addPolicyNode(policy);
    }
}

function buildPermissions(graph: ResourceGraph, role: Node): RolePermissions {
    const builder = new PermissionsBuilder(graph, role);
    // Optional+Computed: unknown in a first preview's planned state even when the program set none ("unset").
    const inline = graph.isSet(role, "inlinePolicies") ? peek(role.raw, "inlinePolicies") : undefined;
    if (inline === UNKNOWN) {
        builder.permissions.unknownDocuments.push({
            carrier: role,
            path: ["inlinePolicies"],
            origin: `inline policies of role \`${role.name}\``,
            role,
            sources: graph.targets(role, "inlinePolicies"),
        });
    }
    asArray(inline).forEach((entry, i) => {
        const name = asString(peek(entry, "name")) ?? `#${i + 1}`;
        builder.addDocument(role, ["inlinePolicies", String(i), "policy"], `inline policy \`${name}\` of role \`${role.name}\``);
    });
    const managedArns = graph.isSet(role, "managedPolicyArns") ? peek(role.raw, "managedPolicyArns") : undefined;
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
    return role ? permissionsByRole(graph)(role) : none();
}

/**
 * The engine's UnknownValueError for a document that is unknown at preview (the provider's Check makes
 * a whole JSON document unknown when any value in it is). The message names the role and the resources
 * the document is built from, so that the user knows what the update will judge.
 */
export function unknownDocumentError(document: UnknownDocument): UnknownValueError {
    const path = [document.carrier.name, ...document.path];
    const error = new UnknownValueError(UNKNOWN_STRING_SENTINEL, path);
    const role = document.role && document.role !== document.carrier ? ` of role \`${document.role.name}\`` : "";
    const from = document.sources.length > 0 ? `: it is built from outputs of ${describeNodes(document.sources)}; the update judges what it grants` : "";
    error.message = `the policy document at .${path.join(".")}${role} can't be known during preview${from}`;
    return error;
}
