/**
 * `check --stack-state FILE`: the output of `pulumi stack export` (deployment version 3) as the
 * resources `pulumi policy analyze` hands a policy pack.
 *
 * What the engine sends, read from pulumi/pulumi pkg/resource/deploy/analyze_snapshot.go
 * (AnalyzeSnapshot): every resource of the snapshot that is not marked `delete` (the stack,
 * components and provider resources included), in snapshot order. Analyze and Remediate get the
 * resource's stored `inputs`; remediations are reported, not applied. AnalyzeStack gets its
 * `outputs`, `parent`, `dependencies` and `propertyDependencies`. Both carry the resource's provider
 * (URN, type, name and inputs) when its reference names a provider in the snapshot. Stored secrets reach the pack
 * marked secret (their paths in `secrets`), decrypted when the export holds their plaintext (`--show-secrets`).
 * The format is apitype.DeploymentV3 / ResourceV3 (sdk/go/common/apitype/core.go).
 */
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN_SENTINEL } from "../mocks";
import type { CapturedResource, SourcePosition } from "../types";
import { secretPaths } from "../secrets";
import { InputError, isRecord, kindOf, readJsonFile } from "./input-error";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const EXPECTED = "the JSON of `pulumi stack export` ({ \"version\": 3, \"deployment\": { \"resources\": [...] } })";

export interface StackState {
    resources: CapturedResource[];
    /** Secrets stored encrypted (an export without `--show-secrets`): they reach the pack as unknowns. */
    encryptedSecrets: number;
}

export interface StackStateOptions {
    /** The project folder the state's source positions (`project:///index.ts#12,5`) are relative to (default: the current folder). */
    projectDir?: string;
}

/** A stored `sourcePosition` (`project:///app/index.ts#12,5`) as a place in the project's files. */
export function sourcePositionOf(stored: string, projectDir: string): SourcePosition | undefined {
    const match = /^project:\/\/\/(.+)#(\d+)(?:,(\d+))?$/.exec(stored);
    if (!match) return undefined;
    return { file: path.resolve(projectDir, decodeURI(match[1])), line: Number(match[2]), column: Number(match[3] ?? 1) };
}

/** The URN's name: everything after the type (names may themselves contain "::"). */
export function urnName(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}

/** A provider reference (`<provider URN>::<provider id>`) to the provider's URN, as sdkproviders.ParseReference does. */
export function providerUrnOf(reference: string): string | undefined {
    const at = reference.lastIndexOf("::");
    return at > 0 ? reference.slice(0, at) : undefined;
}

class Decoder {
    encrypted = 0;

    /** A stored property value as the engine hands it to an analyzer: secrets in plaintext, references as id or URN. */
    value(value: unknown, depth = 0): unknown {
        if (depth > 64) return value;
        if (Array.isArray(value)) return value.map((v) => this.value(v, depth + 1));
        if (!isRecord(value)) return value;
        if (value[SIG] === SECRET_SIG) {
            if (typeof value.plaintext === "string") {
                try {
                    return this.value(JSON.parse(value.plaintext), depth + 1);
                } catch {
                    return value.plaintext;
                }
            }
            this.encrypted++;
            return UNKNOWN_SENTINEL;
        }
        if (value[SIG] === RESOURCE_SIG) {
            if (typeof value.id === "string") return value.id === "" ? UNKNOWN_SENTINEL : value.id;
            return value.urn;
        }
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) result[key] = this.value(item, depth + 1);
        return result;
    }

    properties(value: unknown): Record<string, unknown> {
        const decoded = this.value(value);
        return isRecord(decoded) ? decoded : {};
    }
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

/** The resources of a parsed `pulumi stack export` document, in snapshot order, deleted ones left out. */
export function stackStateFrom(document: unknown, file = "stack export", options: StackStateOptions = {}): StackState {
    const projectDir = path.resolve(options.projectDir ?? ".");
    if (!isRecord(document) || !("deployment" in document)) {
        const kind = kindOf(document);
        const hint = kind === "terraform-plan" ? " (this is a Terraform plan: use --terraform-plan)" : kind === "terraform-state" ? " (this is Terraform state, which is not read)" : "";
        throw new InputError(file, `is not a Pulumi stack export${hint}; expected ${EXPECTED}`);
    }
    if (document.version !== 3) {
        throw new InputError(file, `has deployment version ${JSON.stringify(document.version ?? null)}; expected version 3 (\`pulumi stack export\` of Pulumi 3.x)`);
    }
    const deployment = document.deployment;
    if (!isRecord(deployment)) throw new InputError(file, `has no deployment object; expected ${EXPECTED}`);
    const stored = deployment.resources ?? [];
    if (!Array.isArray(stored)) throw new InputError(file, `has deployment.resources that is not a list; expected ${EXPECTED}`);
    if (stored.length === 0) throw new InputError(file, "has no resources (an empty stack): nothing to check");

    const decoder = new Decoder();
    const resources: CapturedResource[] = [];
    stored.forEach((entry, index) => {
        if (!isRecord(entry) || typeof entry.urn !== "string" || typeof entry.type !== "string") {
            throw new InputError(file, `deployment.resources[${index}] has no urn or type; expected a ResourceV3 object`);
        }
        if (entry.delete === true) return;
        const propertyDependencies: Record<string, string[]> = {};
        if (isRecord(entry.propertyDependencies)) {
            for (const [key, urns] of Object.entries(entry.propertyDependencies)) {
                const list = stringList(urns);
                if (list.length > 0) propertyDependencies[key] = list;
            }
        }
        const resource: CapturedResource = {
            urn: entry.urn,
            type: entry.type,
            name: urnName(entry.urn),
            custom: entry.custom === true,
            dependencies: stringList(entry.dependencies),
            propertyDependencies,
            inputs: decoder.properties(entry.inputs),
            outputs: decoder.properties(entry.outputs),
        };
        // The engine sends stored secrets to the pack still marked (analyzer_plugin.go marshals with KeepSecrets).
        const secrets = [...new Set([...secretPaths(entry.inputs), ...secretPaths(entry.outputs)])];
        if (secrets.length > 0) resource.secrets = secrets;
        if (typeof entry.parent === "string" && entry.parent) resource.parent = entry.parent;
        const provider = typeof entry.provider === "string" ? providerUrnOf(entry.provider) : undefined;
        if (provider) resource.provider = provider;
        const position = typeof entry.sourcePosition === "string" ? sourcePositionOf(entry.sourcePosition, projectDir) : undefined;
        if (position) resource.sourcePosition = position;
        resources.push(resource);
    });
    if (resources.length === 0) throw new InputError(file, "has only resources marked for deletion: nothing to check");
    return { resources, encryptedSecrets: decoder.encrypted };
}

/** Reads a `pulumi stack export` file. Throws InputError with what was expected when the file is not one. */
export function readStackState(file: string, options: StackStateOptions = {}): StackState {
    return stackStateFrom(readJsonFile(file, EXPECTED, (f) => fs.readFileSync(f, "utf8")), file, options);
}

/** The same state as discovered resources arrive (Pulumi Cloud audit groups, imports): no property dependencies. */
export function withoutPropertyDependencies(resources: CapturedResource[]): CapturedResource[] {
    return resources.map((r) => ({ ...r, propertyDependencies: {} }));
}
