/**
 * Derives the checker's tables of the AWS provider's behaviour from the installed `@pulumi/aws`
 * declarations (node_modules/@pulumi/aws/<module>/<resource>.d.ts and types/input.d.ts), plus the
 * few facts the declarations cannot carry (facts.ts). `npm run generate` writes the result to
 * checker/generated/aws-resources.json; tests/checker/aws-tables.test.ts derives it again and fails
 * on any difference, so an upgrade of @pulumi/aws cannot change the model unseen.
 *
 * What the declarations tell, and why (pulumi-terraform-bridge pkg/tfgen/generate.go, isOptional):
 * - an output typed `pulumi.Output<T>` without `| undefined` is Required, Computed, or has a Pulumi
 *   default (an auto-name): it is always present after create. Those the program may leave out
 *   (optional in `<Resource>Args`) are the attributes the provider computes when not set.
 * - an argument typed `string | inputs.<module>.<...>Document` is a JSON document with
 *   `tfbridge.TransformJSONDocument` (pulumi-aws provider/resources.go, AltTypes + Transform).
 * - an argument typed `inputs.<module>.<Type>` (or an array of them) is a nested block: an object
 *   in which the bridge's Check records `__defaults`.
 * - auto-naming: pulumi-aws provider/autonaming.go gives every resource with a `name` input
 *   `AutoName("name", 255, "-")` unless resources.go configures the field itself; in the
 *   declarations such a `name` is optional in Args and typed `Output<string>`. Overrides (other
 *   lengths, FIFO suffixes, other properties) are facts.ts entries, each checked here against the
 *   declarations.
 * - Check defaults: the declarations carry none (their doc comments describe AWS's behaviour,
 *   which differs: "xrayTracingEnabled ... Defaults to `false`" has no Terraform default). They are
 *   facts.ts entries read from the Terraform schemas, and each is checked here: the argument must
 *   exist, be optional, not be computed (Terraform rejects Default with Computed) and have the
 *   value's type.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import type { AutoName, BlockShape, Kind, ResourceTable, Tables } from "../../checker/aws-tables";
import { AUTO_NAME_OVERRIDES, CHECK_DEFAULTS, TABLE_TYPES } from "./facts";

export type { AutoName, BlockShape, Kind, ResourceTable, Tables } from "../../checker/aws-tables";

/** How deep nested blocks are recorded (WAF statements nest without end). */
const BLOCK_DEPTH = 4;

interface Member {
    name: string;
    optional: boolean;
    type: ts.TypeNode | undefined;
}

function membersOf(node: ts.ClassDeclaration | ts.InterfaceDeclaration): Member[] {
    const members: Member[] = [];
    for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) && !ts.isPropertySignature(member)) continue;
        if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
        const name = member.name && ts.isIdentifier(member.name) ? member.name.text : member.name && ts.isStringLiteral(member.name) ? member.name.text : undefined;
        if (!name) continue;
        members.push({ name, optional: member.questionToken !== undefined, type: member.type });
    }
    return members;
}

/** The type inside `pulumi.Output<T>` / `pulumi.Input<T>` (and nested Inputs), else the type itself. */
function unwrap(type: ts.TypeNode | undefined): ts.TypeNode | undefined {
    let current = type;
    while (current && ts.isTypeReferenceNode(current) && current.typeArguments?.length === 1) {
        const name = current.typeName.getText();
        if (name !== "pulumi.Output" && name !== "pulumi.Input") break;
        current = current.typeArguments[0];
    }
    while (current && ts.isParenthesizedTypeNode(current)) current = current.type;
    return current;
}

function unionParts(type: ts.TypeNode | undefined): ts.TypeNode[] {
    const inner = unwrap(type);
    if (!inner) return [];
    if (ts.isUnionTypeNode(inner)) return inner.types.flatMap((t) => unionParts(t));
    return [inner];
}

function isUndefined(type: ts.TypeNode): boolean {
    return type.kind === ts.SyntaxKind.UndefinedKeyword;
}

function includesUndefined(type: ts.TypeNode | undefined): boolean {
    return unionParts(type).some(isUndefined);
}

/** `inputs.lambda.FunctionDeadLetterConfig` -> ["lambda", "FunctionDeadLetterConfig"]. */
function nestedTypeName(type: ts.TypeNode): [string, string] | undefined {
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const parts = type.typeName.getText().split(".");
    if (parts.length === 3 && (parts[0] === "inputs" || parts[0] === "outputs")) return [parts[1], parts[2]];
    return undefined;
}

function kindOf(type: ts.TypeNode | undefined): Kind {
    const parts = unionParts(type).filter((t) => !isUndefined(t));
    if (parts.length === 0) return "any";
    const nested = parts.map(nestedTypeName);
    if (parts.length > 1 && parts.some((t) => t.kind === ts.SyntaxKind.StringKeyword) && nested.some((n) => n && /Document$/.test(n[1]))) return "document";
    const first = parts[0];
    if (parts.every((t) => t.kind === ts.SyntaxKind.StringKeyword || ts.isLiteralTypeNode(t) || (ts.isTypeReferenceNode(t) && t.typeName.getText().startsWith("enums.")))) return "string";
    if (first.kind === ts.SyntaxKind.NumberKeyword) return "number";
    if (first.kind === ts.SyntaxKind.BooleanKeyword) return "boolean";
    if (ts.isArrayTypeNode(first)) {
        const element = unionParts(first.elementType).filter((t) => !isUndefined(t));
        return element.length === 1 && nestedTypeName(element[0]) ? "blocks" : "array";
    }
    if (ts.isTypeLiteralNode(first)) return "map";
    if (ts.isTypeReferenceNode(first)) {
        const name = first.typeName.getText();
        if (name.startsWith("pulumi.asset.") && /Archive$/.test(name)) return "archive";
        if (name.startsWith("pulumi.asset.")) return "asset";
        if (nestedTypeName(first)) return "block";
    }
    return "any";
}

function parse(file: string): ts.SourceFile {
    return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** The interfaces of types/input.d.ts by namespace and name. */
function inputTypes(awsRoot: string): Map<string, ts.InterfaceDeclaration> {
    const result = new Map<string, ts.InterfaceDeclaration>();
    const source = parse(path.join(awsRoot, "types", "input.d.ts"));
    for (const statement of source.statements) {
        if (!ts.isModuleDeclaration(statement) || !statement.body || !ts.isModuleBlock(statement.body)) continue;
        const namespace = statement.name.getText();
        for (const inner of statement.body.statements) {
            if (ts.isInterfaceDeclaration(inner)) result.set(`${namespace}.${inner.name.text}`, inner);
        }
    }
    return result;
}

function blockShapes(members: Member[], types: Map<string, ts.InterfaceDeclaration>, depth: number): Record<string, BlockShape> {
    const shapes: Record<string, BlockShape> = {};
    if (depth > BLOCK_DEPTH) return shapes;
    for (const member of members) {
        const kind = kindOf(member.type);
        if (kind !== "block" && kind !== "blocks") continue;
        const parts = unionParts(member.type).filter((t) => !isUndefined(t));
        const target = kind === "blocks" ? unionParts((parts[0] as ts.ArrayTypeNode).elementType).filter((t) => !isUndefined(t))[0] : parts[0];
        const name = nestedTypeName(target);
        const declaration = name ? types.get(name.join(".")) : undefined;
        const nested = declaration ? blockShapes(membersOf(declaration), types, depth + 1) : {};
        const shape: BlockShape = {};
        if (kind === "blocks") shape.list = true;
        if (Object.keys(nested).length > 0) shape.blocks = nested;
        shapes[member.name] = shape;
    }
    return shapes;
}

/** `aws:sqs/queue:Queue` -> `sqs/queue.d.ts`. */
function declarationFile(type: string): string {
    const [, module = ""] = type.split(":");
    const [folder, file] = module.split("/");
    return folder === "index" ? `${file}.d.ts` : `${folder}/${file}.d.ts`;
}

function findDeclarations(source: ts.SourceFile, className: string) {
    let cls: ts.ClassDeclaration | undefined;
    let args: ts.InterfaceDeclaration | undefined;
    for (const statement of source.statements) {
        if (ts.isClassDeclaration(statement) && statement.name?.text === className) cls = statement;
        if (ts.isInterfaceDeclaration(statement) && statement.name.text === `${className}Args`) args = statement;
    }
    return { cls, args };
}

function typeOfValue(value: unknown): Kind | undefined {
    if (typeof value === "string") return "string";
    if (typeof value === "number") return "number";
    if (typeof value === "boolean") return "boolean";
    return undefined;
}

/** Derives the tables for every type in facts.ts; throws when a fact no longer fits the declarations. */
export function deriveTables(awsRoot = path.dirname(require.resolve("@pulumi/aws/package.json"))): Tables {
    const types = inputTypes(awsRoot);
    const problems: string[] = [];
    const resources: Record<string, ResourceTable> = {};
    for (const type of [...TABLE_TYPES].sort()) {
        const file = declarationFile(type);
        const full = path.join(awsRoot, file);
        if (!fs.existsSync(full)) {
            problems.push(`${type}: ${file} is missing`);
            continue;
        }
        const className = type.split(":")[2];
        const { cls, args } = findDeclarations(parse(full), className);
        if (!cls) {
            problems.push(`${type}: no class ${className} in ${file}`);
            continue;
        }
        const outputs = membersOf(cls).filter((m) => m.name !== "urn" && m.name !== "id");
        const inputs = args ? membersOf(args) : [];
        const inputByName = new Map(inputs.map((m) => [m.name, m]));
        const required = inputs.filter((m) => !m.optional).map((m) => m.name).sort();
        const computed: Record<string, Kind> = {};
        for (const output of outputs) {
            if (includesUndefined(output.type)) continue;
            const input = inputByName.get(output.name);
            if (input && !input.optional) continue;
            computed[output.name] = kindOf(output.type);
        }
        const documents = inputs.filter((m) => kindOf(m.type) === "document").map((m) => m.name).sort();
        const table: ResourceTable = {
            declaration: file,
            required,
            computed: sortKeys(computed),
            blocks: sortKeys(blockShapes(inputs, types, 1)),
            documents,
            defaults: {},
        };
        const override = AUTO_NAME_OVERRIDES[type];
        const autoName: AutoName | undefined =
            override === null ? undefined : override ?? (inputByName.get("name")?.optional && computed.name === "string" ? { property: "name", maxLength: 255, separator: "-" } : undefined);
        if (autoName) {
            const input = inputByName.get(autoName.property);
            if (!input?.optional || computed[autoName.property] !== "string") problems.push(`${type}: auto-named ${autoName.property} is not an optional string argument that is always present`);
            if (autoName.fifoSuffixWhen && kindOf(inputByName.get(autoName.fifoSuffixWhen)?.type) !== "boolean") problems.push(`${type}: ${autoName.fifoSuffixWhen} is not a boolean argument`);
            table.autoName = autoName;
        }
        for (const [property, value] of Object.entries(CHECK_DEFAULTS[type] ?? {})) {
            const input = inputByName.get(property);
            const kind = input ? kindOf(input.type) : undefined;
            if (!input) problems.push(`${type}: default for ${property}, which is not an argument`);
            else if (!input.optional) problems.push(`${type}: default for ${property}, which is required`);
            else if (property in computed) problems.push(`${type}: default for ${property}, which is computed (Terraform rejects Default with Computed)`);
            else if (kind !== typeOfValue(value)) problems.push(`${type}: default ${JSON.stringify(value)} for ${property}, which is a ${kind}`);
            else if (value === false || value === 0 || value === "") problems.push(`${type}: falsy default for ${property}: Check does not fill it (bridge 3.127+)`);
            else table.defaults[property] = value;
        }
        table.defaults = sortKeys(table.defaults);
        resources[type] = table;
    }
    for (const type of Object.keys(CHECK_DEFAULTS)) if (!TABLE_TYPES.includes(type)) problems.push(`${type}: defaults for a type outside the tables`);
    for (const type of Object.keys(AUTO_NAME_OVERRIDES)) if (!TABLE_TYPES.includes(type)) problems.push(`${type}: auto-name for a type outside the tables`);
    if (problems.length > 0) throw new Error(`the facts no longer fit @pulumi/aws's declarations:\n- ${problems.join("\n- ")}`);
    const awsVersion = JSON.parse(fs.readFileSync(path.join(awsRoot, "package.json"), "utf8")).version as string;
    return { awsVersion, resources };
}

function sortKeys<V>(record: Record<string, V>): Record<string, V> {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The JSON the generator writes: stable key order, one resource per block. */
export function tablesJson(tables: Tables): string {
    return `${JSON.stringify(tables, null, 1)}\n`;
}
