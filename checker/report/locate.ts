/**
 * Where the program made a resource, for findings: its own source position, or, inside a component, the
 * construction site of its outermost enclosing resource (the component the program itself made), with the
 * components around it; paths relative to the program folder and to the repository root.
 */
import * as fs from "fs";
import * as path from "path";
import type { CapturedResource, SourcePosition } from "../types";
import type { Location, ReportContext, Subject } from "./model";

export const STACK_TYPE = "pulumi:pulumi:Stack";

export function findRepoRoot(dir: string): string {
    for (let current = path.resolve(dir); ; ) {
        if (fs.existsSync(path.join(current, ".git"))) return current;
        const parent = path.dirname(current);
        if (parent === current) return path.resolve(dir);
        current = parent;
    }
}

const posix = (p: string): string => p.split(path.sep).join("/");

/** The last part of a type token: `aws:sqs/queue:Queue` -> `Queue`, `serverless-guardrails:index:DeadLetterQueue` -> `DeadLetterQueue`. */
export function shortType(type: string): string {
    return type.split(":").pop() || type;
}

export class Locator {
    readonly byUrn: Map<string, CapturedResource>;
    private readonly byName = new Map<string, CapturedResource[]>();
    readonly programDir: string;
    readonly repoRoot: string;
    private readonly stackFile: string;
    private readonly stackName?: string;

    constructor(resources: CapturedResource[], context: ReportContext) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
        for (const r of resources) {
            const list = this.byName.get(r.name) ?? [];
            list.push(r);
            this.byName.set(r.name, list);
        }
        this.programDir = path.resolve(context.programDir ?? process.cwd());
        this.repoRoot = context.repoRoot ? path.resolve(context.repoRoot) : findRepoRoot(this.programDir);
        this.stackFile = context.stackFile
            ? path.resolve(context.stackFile)
            : (["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(this.programDir, f)).find((f) => fs.existsSync(f)) ?? path.join(this.programDir, "Pulumi.yaml"));
        this.stackName = resources.find((r) => r.type === STACK_TYPE)?.name;
    }

    location(position: SourcePosition): Location {
        return {
            file: posix(path.relative(this.programDir, position.file)) || path.basename(position.file),
            repoFile: posix(path.relative(this.repoRoot, position.file)) || path.basename(position.file),
            line: position.line,
            column: position.column,
        };
    }

    private usable(r: CapturedResource | undefined): SourcePosition | undefined {
        const p = r?.sourcePosition;
        if (!p || r!.type === STACK_TYPE) return undefined;
        return p.file.includes(`${path.sep}node_modules${path.sep}`) ? undefined : p;
    }

    ancestors(r: CapturedResource): CapturedResource[] {
        const chain: CapturedResource[] = [];
        const seen = new Set<string>([r.urn]);
        for (let parent = r.parent ? this.byUrn.get(r.parent) : undefined; parent && parent.type !== STACK_TYPE && !seen.has(parent.urn); ) {
            chain.unshift(parent);
            seen.add(parent.urn);
            parent = parent.parent ? this.byUrn.get(parent.parent) : undefined;
        }
        return chain;
    }

    subject(urn: string | undefined): Subject {
        const r = urn ? this.byUrn.get(urn) : undefined;
        if (!r) {
            if (!urn) return { name: this.stackName, ancestors: [], stack: true };
            const parts = urn.split("::");
            return parts.length >= 4
                ? { urn, type: parts[2].split("$").pop(), name: parts[3], ancestors: [], stack: false }
                : { urn, ancestors: [], stack: false };
        }
        return { urn, type: r.type, name: r.name, ancestors: this.ancestors(r).map((a) => ({ type: a.type, name: a.name })), stack: r.type === STACK_TYPE };
    }

    /** The outermost enclosing resource's position (a component's construction site), else the resource's own, else the stack file. */
    where(urn: string | undefined): { location: Location; madeAt?: Location } {
        const r = urn ? this.byUrn.get(urn) : undefined;
        const fallback: Location = this.location({ file: this.stackFile, line: 1, column: 1 });
        if (!r) return { location: fallback };
        const own = this.usable(r);
        const chain = this.ancestors(r);
        const outer = chain.map((a) => this.usable(a)).find((p): p is SourcePosition => !!p);
        const primary = outer ?? own;
        if (!primary) return { location: fallback };
        const location = this.location(primary);
        const inProgram = own && !path.relative(this.programDir, own.file).startsWith("..");
        if (own && own !== primary && inProgram) return { location, madeAt: this.location(own) };
        return { location };
    }

    /** The resource a stack policy's can't-run notice names: our pack puts the resource's name first in the unknown's path. */
    named(pathText: string): CapturedResource | undefined {
        let best: CapturedResource[] = [];
        let bestLength = 0;
        for (const [name, list] of this.byName) {
            if ((pathText === name || pathText.startsWith(name + ".")) && name.length > bestLength) {
                best = list;
                bestLength = name.length;
            }
        }
        if (best.length <= 1) return best[0];
        const next = pathText.slice(bestLength + 1).split(".")[0];
        return best.find((r) => next in (r.outputs ?? {}) || next in (r.inputs ?? {})) ?? best[0];
    }
}
