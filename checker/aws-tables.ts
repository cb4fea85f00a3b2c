/**
 * The AWS provider's behaviour as the checker models it, read from checker/generated/aws-resources.json
 * (generated from @pulumi/aws's declarations by `npm run generate`; see scripts/aws-tables/derive.ts for
 * what each table says and where it comes from).
 */
import generated from "./generated/aws-resources.json";

export type Kind = "string" | "number" | "boolean" | "array" | "map" | "block" | "blocks" | "document" | "asset" | "archive" | "any";

/** Nested blocks of an argument: property -> its own nested blocks (`list` when it is an array of blocks). */
export interface BlockShape {
    list?: true;
    blocks?: Record<string, BlockShape>;
}

export interface AutoName {
    property: string;
    maxLength: number;
    separator: string;
    /** A transform applied to the resource name first (S3 lower-cases bucket names). */
    transform?: "lowercase";
    /** `.fifo` is appended when this argument is `true` (SQS queues, SNS topics). */
    fifoSuffixWhen?: string;
}

export interface ResourceTable {
    /** The resource's declaration file in @pulumi/aws, for the reader. */
    declaration: string;
    /** Required arguments. */
    required: string[];
    /** Attributes the provider computes when the program leaves them out, with their kind. */
    computed: Record<string, Kind>;
    /** Arguments that are nested blocks (objects, or arrays of objects). */
    blocks: Record<string, BlockShape>;
    /** JSON-document arguments: an object is serialised at Check, and collapses to one unknown when any leaf is unknown. */
    documents: string[];
    autoName?: AutoName;
    /** Terraform schema defaults Check fills in when the argument is absent (falsy ones are not filled). */
    defaults: Record<string, unknown>;
}

export interface Tables {
    /** The @pulumi/aws version the tables were derived from. */
    awsVersion: string;
    resources: Record<string, ResourceTable>;
}

export const awsTables = generated as unknown as Tables;

/** The table of a resource type; undefined for a type the tables do not cover. */
export function tableOf(type: string): ResourceTable | undefined {
    return Object.prototype.hasOwnProperty.call(awsTables.resources, type) ? awsTables.resources[type] : undefined;
}
