import { arnService } from "../arns";
import type { Node, ResourceGraph } from "../graph";
import { describeNode } from "../graph/findings";
import { isUnknown } from "../props";
import { globMatches } from "./actions";
import type { Statement, UnknownDocument } from "./documents";
import type { RolePermissions } from "./permissions";
import { type Cover, type Evidence, coversEveryOfKind, entryCovers, serviceOfKind } from "./resources";

/**
 * "May this role do action X on resource N", with the grant that allows it and how strongly it points at
 * N: a grant that names N (through the document's property dependencies, N's ARN, or a name pattern that
 * fits N and not every resource of its kind) is evidence about N; a wildcard (`*`, `arn:aws:sqs:*:*:*`,
 * a `NotResource`) allows N only because it allows everything of N's kind.
 */

/** "yes" when a statement allows it, "maybe" when only an unknown document or value could, else "no". */
export type Permission = "yes" | "maybe" | "no";

export interface Grant {
    permission: "yes" | "maybe";
    evidence: Evidence;
    /** The action asked about ("sqs:SendMessage"). */
    action: string;
    /** The statement that allows it; undefined when only an unknown document could. */
    statement?: Statement;
    document?: UnknownDocument;
    /** The statement's entry that covers the action: "sqs:*", or "NotAction [...]". */
    actionEntry?: string;
    /** The statement's entry that covers the resource: "*", an ARN pattern, "NotResource [...]"; undefined when unknown. */
    resourceEntry?: string;
    /** The resource an unknown entry stands for, through the document's property dependencies. */
    via?: Node;
}

const rank = (c: Cover) => (c.evidence === "named" ? 2 : 0) + (c.permission === "yes" ? 1 : 0);

/** The best cover of `node` by each evidence, over a statement's Resource (or NotResource) entries. */
function statementCovers(s: Statement, node: Node, type: string, ambiguous: boolean): Cover[] {
    if (s.resources) {
        const best = new Map<Evidence, Cover>();
        for (const pattern of s.resources) {
            const cover = entryCovers(pattern, node, type, s.sources, ambiguous);
            if (!cover) continue;
            const current = best.get(cover.evidence);
            if (!current || rank(cover) > rank(current)) best.set(cover.evidence, cover);
        }
        return [...best.values()];
    }
    if (s.notResources) {
        const excluded = s.notResources.map((p) => entryCovers(p, node, type, s.sources, false));
        if (excluded.some((c) => c?.permission === "yes")) return [];
        const entry = `NotResource ${JSON.stringify(s.notResources)}`;
        return [{ permission: excluded.some((c) => c) ? "maybe" : "yes", evidence: "wildcard", entry }];
    }
    return [];
}

/** The entry of `patterns` that covers `action`: "yes" with it, "maybe" when an entry is unknown. */
function actionEntry(patterns: string[], action: string): { permission: Permission; entry?: string } {
    let maybe = false;
    for (const pattern of patterns) {
        if (isUnknown(pattern)) maybe = true;
        else if (globMatches(pattern, action, true)) return { permission: "yes", entry: pattern };
    }
    return { permission: maybe ? "maybe" : "no" };
}

/** Does the statement's Action (or NotAction) cover `action`? */
export function statementAllowsAction(s: Statement, action: string): { permission: Permission; entry?: string } {
    if (s.actions) return actionEntry(s.actions, action);
    if (s.notActions) {
        const excluded = actionEntry(s.notActions, action);
        if (excluded.permission === "yes") return { permission: "no" };
        return { permission: excluded.permission === "maybe" ? "maybe" : "yes", entry: `NotAction ${JSON.stringify(s.notActions)}` };
    }
    return { permission: "no" };
}

interface Relevant {
    s: Statement;
    byAction: { permission: Permission; entry?: string };
}

const relevantCache = new WeakMap<RolePermissions, Map<string, Relevant[]>>();

/** The statements whose Action (or NotAction) may cover `action`, computed once per role and action. */
function relevantTo(permissions: RolePermissions, action: string): Relevant[] {
    let byAction = relevantCache.get(permissions);
    if (!byAction) relevantCache.set(permissions, (byAction = new Map()));
    let relevant = byAction.get(action);
    if (!relevant) {
        relevant = [];
        for (const s of permissions.statements) {
            const allows = statementAllowsAction(s, action);
            if (allows.permission !== "no") relevant.push({ s, byAction: allows });
        }
        byAction.set(action, relevant);
    }
    return relevant;
}

/** Does a Deny or a NotResource on one of `actions` leave some resources out, so that each must be judged on its own? */
export function excludesSome(permissions: RolePermissions, actions: readonly string[]): boolean {
    return actions.some((action) => relevantTo(permissions, action).some(({ s }) => s.effect === "Deny" || s.notResources !== undefined));
}

/** Does an Allow on one of `actions` name resources of kind `type` by a pattern that may fit some of them only? */
export function namesByPattern(permissions: RolePermissions, actions: readonly string[], type: string): boolean {
    const service = serviceOfKind(type);
    return actions.some((action) =>
        relevantTo(permissions, action).some(
            ({ s }) =>
                s.effect === "Allow" &&
                (s.resources ?? []).some((r) => {
                    if (isUnknown(r) || !/[*?]/.test(r) || coversEveryOfKind(r, type)) return false;
                    const inArn = arnService(r);
                    return !service || inArn === undefined || globMatches(inArn, service);
                }),
        ),
    );
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
            statementAllowsAction(other, action).permission === "no",
    );
}

/** Is `action` on `node` denied for sure (a Deny whose action and resource entries are known and cover it)? */
function denied(permissions: RolePermissions, action: string, node: Node, type: string): boolean {
    return relevantTo(permissions, action).some(
        ({ s, byAction }) =>
            s.effect === "Deny" &&
            !s.conditional &&
            byAction.permission === "yes" &&
            !(s.resources ?? []).some(isUnknown) &&
            statementCovers(s, node, type, false).some((c) => c.permission === "yes"),
    );
}

export interface Grants {
    /** The strongest grant that names the resource. */
    named?: Grant;
    /** The strongest grant that reaches it only by a wildcard. */
    wildcard?: Grant;
}

/** May the role do `action` (e.g. "sqs:SendMessage") on `node`? `type` is the kind to judge it as (default: its own). */
export function grantsOn(permissions: RolePermissions, action: string, node: Node, type = node.type): Grants {
    const result: Grants = {};
    if (denied(permissions, action, node, type)) return result;
    for (const { s, byAction } of relevantTo(permissions, action)) {
        if (s.effect !== "Allow") continue;
        const ambiguous = (s.resources ?? []).some(isUnknown) && unknownSourceIsAmbiguous(permissions.statements, s, action);
        for (const cover of statementCovers(s, node, type, ambiguous)) {
            const permission = byAction.permission === "yes" && cover.permission === "yes" ? "yes" : "maybe";
            const current = result[cover.evidence];
            if (current && (current.permission === "yes" || permission === "maybe")) continue;
            result[cover.evidence] = { permission, evidence: cover.evidence, action, statement: s, actionEntry: byAction.entry, resourceEntry: cover.entry, via: cover.via };
        }
    }
    if (!result.named) {
        const document = permissions.unknownDocuments.find((d) => d.sources.includes(node));
        if (document) result.named = { permission: "maybe", evidence: "named", action, document, via: node };
    }
    return result;
}

/** May the role do `action` on `node`, by any grant? */
export function mayDo(permissions: RolePermissions, action: string, node: Node): Permission {
    const { named, wildcard } = grantsOn(permissions, action, node);
    if (named?.permission === "yes" || wildcard?.permission === "yes") return "yes";
    return named || wildcard ? "maybe" : "no";
}

/**
 * May the role do `action` on every resource of kind `type` (`Resource` `*`, a pattern that fits every
 * resource of the kind, or a `NotResource`)? A Deny on all of them wins.
 */
export function grantEverywhere(permissions: RolePermissions, action: string, type: string): Grant | undefined {
    let grant: Grant | undefined;
    for (const { s, byAction } of relevantTo(permissions, action)) {
        const entry = s.notResources ? `NotResource ${JSON.stringify(s.notResources)}` : (s.resources ?? []).find((r) => !isUnknown(r) && coversEveryOfKind(r, type));
        if (!entry) continue;
        if (s.effect === "Deny") {
            if (byAction.permission === "yes" && !s.notResources && !s.conditional) return undefined;
            continue;
        }
        if (grant?.permission === "yes") continue;
        grant = { permission: byAction.permission === "yes" ? "yes" : "maybe", evidence: "wildcard", action, statement: s, actionEntry: byAction.entry, resourceEntry: entry };
    }
    return grant;
}

/** The first grant of `actions` that `judge` finds ("yes" beats "maybe"); undefined when none. */
export function firstGrant(actions: readonly string[], judge: (action: string, index: number) => Grant | undefined): Grant | undefined {
    let maybe: Grant | undefined;
    for (const [i, action] of actions.entries()) {
        const grant = judge(action, i);
        if (grant?.permission === "yes") return grant;
        if (grant) maybe ??= grant;
    }
    return maybe;
}

/** "role policy `p` allows `sqs:SendMessage` on `arn:aws:sqs:...:jobs`", for messages. */
export function describeGrant(grant: Grant): string {
    if (!grant.statement) {
        const document = grant.document!;
        return `${document.origin}, which is built from ${describeNode(grant.via!)} and unknown until the update`;
    }
    const on = grant.resourceEntry !== undefined ? `\`${grant.resourceEntry}\`` : `the ARN of ${describeNode(grant.via!)}`;
    const condition = grant.statement.conditional ? " (under a condition)" : "";
    return `${grant.statement.origin} allows \`${grant.actionEntry ?? grant.action}\` on ${on}${condition}`;
}

/** The resources a role's statements name (through property dependencies or known ARNs), for `grantsOn` to judge. */
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
