/**
 * Functions with roles for the IAM and loop policy tests: inline statements, AWS managed policies by
 * ARN, and the first preview as the AWS provider's Check delivers a role document (one JSON string,
 * unknown as a whole when any value in it is unknown).
 */
import { T } from "../../policies/lib/types";
import { atFirstPreview, ref, resource } from "./graph-fixtures";
import { UNKNOWN, type StackResourceInput } from "./policy-harness";

export const MANAGED = (path: string) => `arn:aws:iam::aws:policy/${path}`;

export interface RoleOptions {
    /** Statements of the role policy `<fn>-policy` (none: no role policy). */
    statements?: object[];
    /** Resources the role policy document is built from (its `policy` property dependencies). */
    from?: string[];
    /** AWS managed policies attached with `aws.iam.RolePolicyAttachment`, by path and name ("service-role/AWSLambdaBasicExecutionRole"). */
    managed?: string[];
    /** The document as the provider stores it: a JSON string (default), or the object a program wrote. */
    object?: boolean;
}

/** Role `<fn>-role`, its policy and attachments, and function `fn`, joined by property dependencies. */
export function functionWithRole(fn: string, options: RoleOptions = {}): StackResourceInput[] {
    const role = `${fn}-role`;
    const resources: StackResourceInput[] = [resource(T.iamRole, role, { assumeRolePolicy: "{}" })];
    if (options.statements) {
        const document = { Version: "2012-10-17", Statement: options.statements };
        const deps: Record<string, string[]> = { role: [role], ...(options.from?.length ? { policy: options.from } : {}) };
        resources.push(resource(T.iamRolePolicy, `${fn}-policy`, { role, policy: options.object ? document : JSON.stringify(document) }, deps));
    }
    for (const path of options.managed ?? []) {
        const name = path.slice(path.lastIndexOf("/") + 1);
        resources.push(resource(T.iamRolePolicyAttachment, `${fn}-${name}`, { role, policyArn: MANAGED(path) }, { role: [role] }));
    }
    resources.push(resource(T.lambdaFunction, fn, { role: `arn:aws:iam::123456789012:role/${role}`, runtime: "nodejs22.x" }, { role: [role] }));
    return resources;
}

/** An event source mapping from `source` (its `arn`, or `streamArn`) to function `fn`. */
export function mapping(name: string, source: string, fn: string, graph: StackResourceInput[], sourceKey = "arn"): StackResourceInput {
    return resource(T.lambdaEventSourceMapping, name, { eventSourceArn: ref(graph, source, sourceKey), functionName: ref(graph, fn) }, { eventSourceArn: [source], functionName: [fn] });
}

const DOCUMENT_PROPERTIES: Record<string, string> = { [T.iamRolePolicy]: "policy", [T.iamPolicy]: "policy" };

function hasUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (typeof value === "string") return value.includes(UNKNOWN);
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknown);
    return false;
}

/**
 * What the AWS provider's Check makes of JSON-document properties: an object serialised to JSON, and the
 * whole string unknown when any leaf is (pulumi-terraform-bridge, see DESIGN.md "What Remediate and Analyze see").
 */
export function asCheckedDocuments(graph: readonly StackResourceInput[]): StackResourceInput[] {
    return graph.map((r) => {
        const property = DOCUMENT_PROPERTIES[r.type];
        if (!property || !(property in r.props)) return r;
        const value = r.props[property];
        if (typeof value !== "object" || value === null) return r;
        return { ...r, props: { ...r.props, [property]: hasUnknown(value) ? UNKNOWN : JSON.stringify(value) } };
    });
}

/** The graph at a first preview, role documents as the provider's Check delivers them. */
export function atFirstPreviewChecked(graph: readonly StackResourceInput[]): StackResourceInput[] {
    // atFirstPreview already makes a JSON string that holds an ARN unknown; an object document keeps its shape there.
    return asCheckedDocuments(atFirstPreview(graph));
}

/** The graph as `pulumi policy analyze` or an audit sees it: outputs known, no property dependencies at all. */
export function withoutDependencies(graph: readonly StackResourceInput[]): StackResourceInput[] {
    return graph.map(({ propertyDependencies: _p, dependencies: _d, ...r }) => r);
}
