/**
 * The shape of each resource type's properties, read from @pulumi/aws's own declarations: for
 * `aws:lambda/function:Function`, the interfaces `FunctionState` (every property the state holds) and
 * `FunctionArgs` (the inputs) in `lambda/function.d.ts`, and the nested input types in `types/input.d.ts`.
 *
 * The Terraform bridge derives these declarations from the Terraform schema (pulumi-terraform-bridge
 * pkg/tfbridge/schema.go, names.go): attribute names become camelCase, a block with MaxItems 1 becomes
 * one object, other lists keep a (pluralised) list. So the shapes say how a `terraform show -json`
 * value lays out under Pulumi's names: where an object stands for a one-item block, where a list stays.
 *
 * Used by scripts/refresh-terraform-tables.ts and by the drift test; never at run time.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import type { ResourceShape, Shape } from "../checker/inputs/terraform-values";

/** Nested types deeper than this are left unshaped (WAF rule statements nest a dozen levels). */
const MAX_DEPTH = 5;

function interfacesOf(file: ts.SourceFile): Map<string, ts.InterfaceDeclaration> {
    const found = new Map<string, ts.InterfaceDeclaration>();
    const visit = (node: ts.Node, namespace: string) => {
        if (ts.isModuleDeclaration(node) && node.body && ts.isModuleBlock(node.body)) {
            const name = namespace ? `${namespace}.${node.name.getText(file)}` : node.name.getText(file);
            for (const statement of node.body.statements) visit(statement, name);
        } else if (ts.isInterfaceDeclaration(node)) {
            found.set(namespace ? `${namespace}.${node.name.text}` : node.name.text, node);
        }
    };
    for (const statement of file.statements) visit(statement, "");
    return found;
}

export class AwsDeclarations {
    private readonly nestedInputs: Map<string, ts.InterfaceDeclaration>;
    private readonly inputFile: ts.SourceFile;

    constructor(readonly root: string) {
        const inputPath = path.join(root, "types", "input.d.ts");
        this.inputFile = ts.createSourceFile(inputPath, fs.readFileSync(inputPath, "utf8"), ts.ScriptTarget.Latest, false);
        this.nestedInputs = interfacesOf(this.inputFile);
    }

    /** The file that declares a type token's resource class, e.g. lambda/function.d.ts. */
    fileOf(token: string): string | undefined {
        const match = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(token);
        if (!match) return undefined;
        const file = path.join(this.root, match[1], `${match[2]}.d.ts`);
        return fs.existsSync(file) ? file : undefined;
    }

    resource(token: string): ResourceShape | undefined {
        const file = this.fileOf(token);
        if (!file) return undefined;
        const className = token.split(":")[2];
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
        const interfaces = interfacesOf(source);
        const state = interfaces.get(`${className}State`);
        const args = interfaces.get(`${className}Args`);
        if (!state) return undefined;
        const props: Record<string, Shape> = {};
        for (const [name, type] of members(state, source)) props[name] = this.shape(type, source, 0);
        const inputs = args ? [...members(args, source).keys()].sort() : [];
        return { props: sorted(props), inputs };
    }

    private shape(type: ts.TypeNode | undefined, source: ts.SourceFile, depth: number): Shape {
        const node = unwrap(type, source);
        if (!node) return "s";
        if (ts.isArrayTypeNode(node)) return { l: this.shape(node.elementType, source, depth) };
        if (ts.isTypeLiteralNode(node)) {
            const index = node.members.find(ts.isIndexSignatureDeclaration);
            if (index) return { m: this.shape(index.type, source, depth) };
            return "s";
        }
        if (ts.isTypeReferenceNode(node)) {
            const name = node.typeName.getText(source);
            if (name === "Array" && node.typeArguments?.length === 1) return { l: this.shape(node.typeArguments[0], source, depth) };
            if (!name.startsWith("inputs.") || depth >= MAX_DEPTH) return "s";
            const nested = this.nestedInputs.get(name.slice("inputs.".length));
            if (!nested) return "s";
            const o: Record<string, Shape> = {};
            for (const [member, memberType] of members(nested, this.inputFile)) o[member] = this.shape(memberType, this.inputFile, depth + 1);
            return { o: sorted(o) };
        }
        return "s";
    }
}

function members(declaration: ts.InterfaceDeclaration, source: ts.SourceFile): Map<string, ts.TypeNode | undefined> {
    const result = new Map<string, ts.TypeNode | undefined>();
    for (const member of declaration.members) {
        if (ts.isPropertySignature(member) && member.name) result.set(member.name.getText(source).replace(/^["']|["']$/g, ""), member.type);
    }
    return result;
}

/** `pulumi.Input<X | undefined>` to X; a union with `string` in it (a JSON document, an enum) is a scalar. */
function unwrap(type: ts.TypeNode | undefined, source: ts.SourceFile): ts.TypeNode | undefined {
    let node = type;
    for (let i = 0; node && i < 10; i++) {
        if (ts.isParenthesizedTypeNode(node)) {
            node = node.type;
        } else if (ts.isTypeReferenceNode(node) && /^(pulumi\.)?(Input|Output)$/.test(node.typeName.getText(source)) && node.typeArguments?.length === 1) {
            node = node.typeArguments[0];
        } else if (ts.isUnionTypeNode(node)) {
            const kept = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
            if (kept.some((t) => t.kind === ts.SyntaxKind.StringKeyword)) return undefined;
            if (kept.length !== 1) return undefined;
            node = kept[0];
        } else {
            return node;
        }
    }
    return node;
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The shapes of every token, from the installed @pulumi/aws (tokens it does not declare are left out). */
export function shapesOf(tokens: readonly string[], root: string): Record<string, ResourceShape> {
    const declarations = new AwsDeclarations(root);
    const result: Record<string, ResourceShape> = {};
    for (const token of [...tokens].sort()) {
        const shape = declarations.resource(token);
        if (shape) result[token] = shape;
    }
    return result;
}
