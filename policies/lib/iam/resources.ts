import { arnResource, arnService } from "../arns";
import type { Node } from "../graph";
import { asString, isUnknown } from "../props";
import { T } from "../types";
import { globMatches } from "./actions";

/**
 * Does a statement's Resource entry cover a resource of the stack, and how strongly: an entry that fits
 * the resource and not every resource of its kind names it; `*` or a pattern that fits every resource of
 * the kind (`arn:aws:sqs:*:*:*`) reaches it only as a wildcard.
 */

export type Evidence = "named" | "wildcard";

export interface Cover {
    permission: "yes" | "maybe";
    evidence: Evidence;
    /** The entry that covers it; undefined when an unknown entry stands for it through property dependencies. */
    entry?: string;
    via?: Node;
}

/** How the ARNs of a kind of resource look: its service, its name within the resource part, two made-up resource parts. */
interface Kind {
    service: string;
    name(resource: string): string | undefined;
    /** Resource parts of two resources with unrelated names: a pattern that fits both fits every resource of the kind. */
    probes: [string, string];
    /** S3: actions on a bucket's objects (`<bucket ARN>/<key>`). */
    objects?: boolean;
}

const segment = (separator: string, index: number) => (resource: string) => resource.split(separator)[index];

const s3: Kind = { service: "s3", name: segment("/", 0), probes: ["zq0probe9x/Zq0/probe-key", "a/b"], objects: true };
const kinds: Record<string, Kind> = {
    [T.sqsQueue]: { service: "sqs", name: (r) => r, probes: ["Zq0probe9X", "a"] },
    [T.snsTopic]: { service: "sns", name: (r) => r, probes: ["Zq0probe9X", "a"] },
    [T.s3Bucket]: s3,
    [T.s3BucketV2]: s3,
    [T.dynamodbTable]: { service: "dynamodb", name: segment("/", 1), probes: ["table/Zq0probe9X", "table/a"] },
    [T.kinesisStream]: { service: "kinesis", name: segment("/", 1), probes: ["stream/Zq0probe9X", "stream/a"] },
    [T.eventBus]: { service: "events", name: segment("/", 1), probes: ["event-bus/Zq0probe9X", "event-bus/a"] },
    [T.lambdaFunction]: { service: "lambda", name: segment(":", 1), probes: ["function:Zq0probe9X", "function:a"] },
};

/** Does the Resource pattern fit every resource of the kind (`*`, `arn:aws:sqs:*:*:*`, `arn:aws:s3:::*`)? */
export function coversEveryOfKind(pattern: string, type: string): boolean {
    if (pattern === "*") return true;
    const kind = kinds[type];
    if (!kind) return false;
    const parts = pattern.split(":");
    const [partition, region, account] = parts.length >= 6 && parts[0] === "arn" ? [parts[1], parts[3], parts[4]] : ["aws", "us-east-1", "123456789012"];
    return kind.probes.every((probe) => globMatches(pattern, `arn:${partition}:${kind.service}:${region}:${account}:${probe}`));
}

/** A Resource entry that fits every resource of whatever kind: `*`, `arn:aws:logs:*:*:*`, `arn:aws:dynamodb:*:*:table/*`, every object of every bucket. */
export function isEveryResource(pattern: string): boolean {
    if (/^[*?]+$/.test(pattern)) return true;
    const resource = arnResource(pattern);
    if (resource === undefined) return /^arn:[*?]*$/.test(pattern);
    if (!/[*?]/.test(resource)) return false;
    // S3 ARNs start with the bucket name; others may start with a resource-type word ("table/", "function:", "log-group:").
    return arnService(pattern) === "s3" ? /^[*?/]+$/.test(resource) : /^([A-Za-z][\w-]*[/:])?[*?/:]+$/.test(resource);
}

/** The physical name of a resource when it is known, for matching literal ARNs at preview. */
function physicalName(node: Node): string | undefined {
    const property = node.type === T.s3Bucket || node.type === T.s3BucketV2 ? "bucket" : "name";
    return asString(node.raw[property]);
}

/** Does one Resource entry cover `node` (of kind `type`)? `sources`: what the document is built from. */
export function entryCovers(pattern: string, node: Node, type: string, sources: Node[], ambiguous: boolean): Cover | undefined {
    if (isUnknown(pattern)) return sources.includes(node) ? { permission: ambiguous ? "maybe" : "yes", evidence: "named", via: node } : undefined;
    const kind = kinds[type];
    if (!kind) {
        // A kind the pack has no ARN layout for (a function version, a state machine): `*` or its known ARN.
        if (isEveryResource(pattern)) return { permission: "yes", evidence: "wildcard", entry: pattern };
        const arn = asString(node.raw.arn);
        return arn && globMatches(pattern, arn) ? { permission: "yes", evidence: "named", entry: pattern } : undefined;
    }
    const evidence: Evidence = coversEveryOfKind(pattern, type) ? "wildcard" : "named";
    if (evidence === "wildcard") return { permission: "yes", evidence, entry: pattern };
    const arn = asString(node.raw.arn);
    if (arn) {
        const slash = pattern.indexOf("/", pattern.lastIndexOf(":") + 1);
        const covers =
            globMatches(pattern, arn) ||
            (kind.objects && (globMatches(pattern, `${arn}/probe-key`) || (slash > 0 && globMatches(pattern.slice(0, slash), arn))));
        return covers ? { permission: "yes", evidence, entry: pattern } : undefined;
    }
    // The resource's ARN is not known yet (a first preview): judge by service and name.
    const service = arnService(pattern);
    if (!service || !globMatches(service, kind.service)) return undefined;
    const resource = arnResource(pattern);
    const named = resource === undefined ? undefined : kind.name(resource);
    const name = physicalName(node);
    if (name && named !== undefined) return globMatches(named, name) ? { permission: "yes", evidence, entry: pattern } : undefined;
    return named !== undefined && /[*?]/.test(named) ? { permission: "maybe", evidence, entry: pattern } : undefined;
}

/** The IAM service prefix of a kind of resource ("sqs" for a queue); undefined for kinds without an ARN layout here. */
export function serviceOfKind(type: string): string | undefined {
    return kinds[type]?.service;
}
