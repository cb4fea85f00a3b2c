import type { Node } from "../graph";
import { asRecord, isUnknown } from "../props";

/** IAM policy documents as normalised statements, whether written in the stack or published by AWS. */

export interface Statement {
    effect: "Allow" | "Deny";
    /** Action patterns as written (an entry may be the unknown sentinel). Undefined when NotAction is used. */
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    /** The statement has a `Condition`: it may apply to fewer requests than its actions and resources say. */
    conditional: boolean;
    /** Where the statement is written, for messages: "role policy `p`", "AWS managed policy `AmazonSQSFullAccess`". */
    origin: string;
    /** The resource that carries the document (role, role policy, policy); undefined for AWS managed policies. */
    carrier?: Node;
    /** The resources the document's values came from (property dependencies of the document property). */
    sources: Node[];
    /** The AWS managed policy the statement comes from, by name. */
    managedPolicy?: string;
}

/** A document whose content is unknown at preview: its statements cannot be listed yet. */
export interface UnknownDocument {
    carrier: Node;
    /** The property path that is unknown, for the engine's "can't run" message. */
    path: string[];
    origin: string;
    /** The role the document belongs to, when it is in the stack. */
    role?: Node;
    /** The resources the document is built from (property dependencies): what the update will judge. */
    sources: Node[];
}

function strings(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
    return [];
}

/** The statements of a parsed document; malformed statements are left out, never thrown on. */
export function statementsOf(document: unknown, origin: string, carrier: Node | undefined, sources: Node[]): Statement[] {
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
            conditional: s.Condition !== undefined && s.Condition !== null,
            origin,
            carrier,
            sources,
        });
    }
    return result;
}
