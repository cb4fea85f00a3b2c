/** Plausible answers to the data sources programs commonly call, as the AWS provider gives them. */
import { createHash } from "crypto";
import type { MockEnvironment } from "./mocks";

/** A short stable suffix, so that two captures of the same program give the same identities. */
function suffix(seed: string, length = 7): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

const single = (values: unknown) => (Array.isArray(values) && values.length === 1 ? values[0] : values);

function principalsOf(principals: unknown): unknown {
    if (!Array.isArray(principals) || principals.length === 0) return undefined;
    const result: Record<string, unknown> = {};
    for (const p of principals) {
        if (!p || typeof p !== "object") continue;
        const { type, identifiers } = p as { type?: string; identifiers?: unknown[] };
        if (type === "*") return "*";
        if (typeof type !== "string") continue;
        const list = Array.isArray(identifiers) ? [...identifiers].sort() : [];
        const existing = result[type];
        const merged = existing === undefined ? list : [...(Array.isArray(existing) ? existing : [existing]), ...list];
        result[type] = single(merged);
    }
    return result;
}

function conditionsOf(conditions: unknown): unknown {
    if (!Array.isArray(conditions) || conditions.length === 0) return undefined;
    const result: Record<string, Record<string, unknown>> = {};
    for (const c of conditions) {
        if (!c || typeof c !== "object") continue;
        const { test, variable, values } = c as { test?: string; variable?: string; values?: unknown[] };
        if (typeof test !== "string" || typeof variable !== "string") continue;
        (result[test] ??= {})[variable] = single(values ?? []);
    }
    return result;
}

function listOf(values: unknown): unknown {
    if (!Array.isArray(values) || values.length === 0) return undefined;
    return single([...values].sort());
}

/** The JSON document `aws.iam.getPolicyDocument` renders, laid out as the AWS provider lays it out. */
export function renderPolicyDocument(args: Record<string, unknown>): { json: string; minifiedJson: string } {
    const statements: unknown[] = [];
    const sources = Array.isArray(args.sourcePolicyDocuments) ? args.sourcePolicyDocuments : [];
    for (const source of sources) {
        try {
            const parsed = typeof source === "string" ? JSON.parse(source) : undefined;
            const list = parsed?.Statement;
            statements.push(...(Array.isArray(list) ? list : list ? [list] : []));
        } catch {
            // an unparsable source document adds nothing, as the provider would reject it anyway
        }
    }
    for (const s of Array.isArray(args.statements) ? args.statements : []) {
        if (!s || typeof s !== "object") continue;
        const st = s as Record<string, unknown>;
        const rendered: Record<string, unknown> = {};
        if (typeof st.sid === "string" && st.sid) rendered.Sid = st.sid;
        rendered.Effect = typeof st.effect === "string" && st.effect ? st.effect : "Allow";
        const fields: [string, unknown][] = [
            ["Action", listOf(st.actions)],
            ["NotAction", listOf(st.notActions)],
            ["Resource", listOf(st.resources)],
            ["NotResource", listOf(st.notResources)],
            ["Principal", principalsOf(st.principals)],
            ["NotPrincipal", principalsOf(st.notPrincipals)],
            ["Condition", conditionsOf(st.conditions)],
        ];
        for (const [key, value] of fields) if (value !== undefined) rendered[key] = value;
        statements.push(rendered);
    }
    const document: Record<string, unknown> = { Version: typeof args.version === "string" ? args.version : "2012-10-17" };
    if (typeof args.policyId === "string") document.Id = args.policyId;
    document.Statement = statements;
    return { json: JSON.stringify(document, null, 2), minifiedJson: JSON.stringify(document) };
}

/** Answers to data-source calls; undefined for a token this table does not know. */
export function dataSourceAnswer(token: string, args: Record<string, unknown>, env: MockEnvironment): Record<string, unknown> | undefined {
    const { accountId, region, partition } = env;
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: accountId, accountId, arn: `arn:${partition}:iam::${accountId}:user/offline-checker`, userId: "AIDAOFFLINECHECKER0000" };
        case "aws:index/getRegion:getRegion": {
            const name = typeof args.name === "string" ? args.name : typeof args.region === "string" ? args.region : region;
            return { id: name, name, region: name, description: name, endpoint: `ec2.${name}.amazonaws.com` };
        }
        case "aws:index/getPartition:getPartition":
            return { id: partition, partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const letters = ["a", "b", "c"];
            return {
                id: region,
                names: letters.map((l) => `${region}${l}`),
                zoneIds: letters.map((_, i) => `use1-az${i + 1}`),
                groupNames: [region],
                state: typeof args.state === "string" ? args.state : "available",
            };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument": {
            const { json, minifiedJson } = renderPolicyDocument(args);
            return { id: suffix(json, 10), json, minifiedJson };
        }
    }
    return undefined;
}
