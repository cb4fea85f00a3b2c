/**
 * Every public argument carries a doc comment (issue #15, "Types that help"): what it is, its default, its unit and
 * the constraint the component checks show in the editor as the user types. The public surface is what the
 * package's entries export (package.json "exports": the root, `./testing`, `./checker`); this walks every
 * declaration reachable from them (each interface, type alias, class, function and constant, the types its
 * properties, parameters, return types and base types name, and the members of inline object types) and lists
 * each one without JSDoc. The list must stay empty.
 *
 * Fast on purpose: one program over the project's own files, with the project's compiler options, no emit and no
 * type check. Package imports are left unresolved and no lib or @types file is loaded: the walk looks only at the
 * project's own declarations, and parsing @pulumi/aws's typings alone would take most of a minute.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");

interface Undocumented {
    /** `file:line`, relative to the root. */
    where: string;
    /** `Declaration` or `Declaration.member[.member]`. */
    name: string;
}

interface Walk {
    undocumented: Undocumented[];
    /** Every name the walk checked, documented or not. */
    checked: string[];
}

/** The package's public entries: the source file behind each `exports` path of package.json. */
function publicEntries(): string[] {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    return Object.values(manifest.exports as Record<string, string | { types?: string }>)
        .map((target) => (typeof target === "string" ? target : target.types))
        .filter((types): types is string => types !== undefined && types.endsWith(".d.ts"))
        .map((types) => path.join(ROOT, types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts")));
}

function projectOptions(): ts.CompilerOptions {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), { noEmit: true }, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
            throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        },
    });
    if (!parsed) throw new Error("tsconfig.json could not be read");
    return { ...parsed.options, noEmit: true, types: [], noLib: true };
}

/**
 * A compiler host that resolves only relative imports (the project's own files): a package import stays
 * unresolved, so nothing under node_modules is read. `files` adds files that exist only in memory.
 */
function projectHost(options: ts.CompilerOptions, files: Record<string, string> = {}): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions) =>
        literals.map((literal) =>
            literal.text.startsWith(".")
                ? ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, undefined, redirectedReference, ts.ModuleKind.CommonJS)
                : { resolvedModule: undefined },
        );
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.fileExists = (file) => file in files || fileExists(file);
    host.readFile = (file) => files[file] ?? readFile(file);
    const directoryExists = host.directoryExists?.bind(host);
    host.directoryExists = (dir) => Object.keys(files).some((file) => file.startsWith(dir + path.sep)) || (directoryExists?.(dir) ?? true);
    host.getSourceFile = (file, language, onError, shouldCreate) => {
        if (file in files) return ts.createSourceFile(file, files[file], language, true);
        return read(file, language, onError, shouldCreate);
    };
    return host;
}

/** Lists the declarations reachable from `entries` (and declared under `root`, outside node_modules) without JSDoc. */
function undocumentedFrom(entries: string[], root: string, host: ts.CompilerHost, options: ts.CompilerOptions): Walk {
    const program = ts.createProgram({ rootNames: entries, options, host });
    const checker = program.getTypeChecker();
    const undocumented: Undocumented[] = [];
    const checked: string[] = [];
    const queued = new Set<ts.Node>();
    const queue: ts.Declaration[] = [];

    const own = (node: ts.Node) => {
        const file = node.getSourceFile().fileName;
        return path.resolve(file).startsWith(path.resolve(root) + path.sep) && !file.includes("node_modules");
    };
    const where = (node: ts.Node) => {
        const file = node.getSourceFile();
        return `${path.relative(root, file.fileName).split(path.sep).join("/")}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    };
    const hasDoc = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).some((doc) => ts.isJSDoc(doc) && (doc.comment !== undefined || (doc.tags?.length ?? 0) > 0));
    const need = (node: ts.Node, name: string) => {
        checked.push(name);
        if (!hasDoc(node)) undocumented.push({ where: where(node), name });
    };
    const follow = (symbol: ts.Symbol | undefined) => {
        if (!symbol) return;
        if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        for (const declaration of symbol.declarations ?? []) {
            if (own(declaration) && !queued.has(declaration)) {
                queued.add(declaration);
                queue.push(declaration);
            }
        }
    };
    const rightmost = (name: ts.EntityName) => (ts.isQualifiedName(name) ? name.right : name);
    /** Follows every type a type node names; the members of an inline object type are checked under `owner`. */
    const walkType = (node: ts.Node | undefined, owner: string) => {
        if (!node) return;
        const visit = (n: ts.Node): void => {
            if (ts.isTypeReferenceNode(n)) follow(checker.getSymbolAtLocation(rightmost(n.typeName)));
            else if (ts.isExpressionWithTypeArguments(n)) follow(checker.getSymbolAtLocation(n.expression));
            else if (ts.isTypeQueryNode(n)) follow(checker.getSymbolAtLocation(rightmost(n.exprName)));
            else if (ts.isTypeLiteralNode(n)) return members(n.members, owner);
            ts.forEachChild(n, visit);
        };
        visit(node);
    };
    const isHidden = (member: ts.Node) =>
        (ts.canHaveModifiers(member) ? ts.getModifiers(member) ?? [] : []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword) ||
        ((member as ts.NamedDeclaration).name !== undefined && ts.isPrivateIdentifier((member as ts.NamedDeclaration).name!));
    const parameters = (list: ts.NodeArray<ts.ParameterDeclaration>, owner: string) => list.forEach((p) => walkType(p.type, owner));
    const members = (list: ts.NodeArray<ts.TypeElement | ts.ClassElement>, owner: string) => {
        for (const member of list) {
            if (ts.isIndexSignatureDeclaration(member)) {
                walkType(member.type, owner);
                continue;
            }
            if (isHidden(member) || ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member)) continue;
            if (ts.isConstructorDeclaration(member)) {
                // `readonly x` / `public x` parameters are properties of the class.
                for (const p of member.parameters) {
                    walkType(p.type, owner);
                    const property = (ts.getModifiers(p) ?? []).some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword || m.kind === ts.SyntaxKind.PublicKeyword);
                    if (property && !isHidden(p)) need(p, `${owner}.${p.name.getText()}`);
                }
                continue;
            }
            const name = `${owner}.${member.name?.getText() ?? "(unnamed)"}`;
            need(member, name);
            if (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) walkType(member.type, name);
            else if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member) || ts.isSetAccessorDeclaration(member)) {
                parameters(member.parameters, name);
                walkType(member.type, name);
            }
        }
    };

    for (const entry of entries) {
        const file = program.getSourceFile(entry);
        if (!file) throw new Error(`${entry} is not in the program`);
        const module = checker.getSymbolAtLocation(file);
        if (!module) throw new Error(`${entry} is not a module`);
        for (const exported of checker.getExportsOfModule(module)) follow(exported);
    }
    while (queue.length > 0) {
        const declaration = queue.shift()!;
        const name = (declaration as ts.NamedDeclaration).name?.getText() ?? "(default)";
        // A constant's JSDoc sits on its statement.
        need(ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration, name);
        if (ts.isInterfaceDeclaration(declaration) || ts.isClassDeclaration(declaration)) {
            declaration.heritageClauses?.forEach((clause) => clause.types.forEach((type) => walkType(type, name)));
            members(declaration.members, name);
        } else if (ts.isTypeAliasDeclaration(declaration)) walkType(declaration.type, name);
        else if (ts.isFunctionDeclaration(declaration)) {
            parameters(declaration.parameters, name);
            walkType(declaration.type, name);
        } else if (ts.isVariableDeclaration(declaration)) walkType(declaration.type, name);
    }
    return { undocumented, checked };
}

const listing = (items: Undocumented[]) => items.map((item) => `${item.where} ${item.name}`);

describe("public API doc comments", () => {
    let walk: Walk;
    let elapsedMs: number;
    let cpuMs: number;

    beforeAll(() => {
        const started = Date.now();
        const cpu = process.cpuUsage();
        const options = projectOptions();
        walk = undocumentedFrom(publicEntries(), ROOT, projectHost(options), options);
        const used = process.cpuUsage(cpu);
        cpuMs = Math.round((used.user + used.system) / 1000);
        elapsedMs = Date.now() - started;
    });

    test("the public entries are the package's exports: the components, the test kit and the checker", () => {
        expect(publicEntries().map((entry) => path.relative(ROOT, entry).split(path.sep).join("/"))).toEqual(["index.ts", "testing/index.ts", "checker/index.ts"]);
    });

    test("the walk reaches the arguments of every entry, nested option types and class members included", () => {
        expect(walk.checked).toEqual(
            expect.arrayContaining([
                "QueueWorkerArgs.batchSize",
                "FunctionArgs.code",
                // Inherited from an interface the entry does not export.
                "FunctionSettings.memorySize",
                "CapacityProviderArgs.arn",
                "PolicyStatementArgs.actions",
                "DeadLetterQueue.queueArn",
                "ComponentArgumentError.problems",
                "KitAnalyzeOptions.timeoutMs",
                "CaptureOptions.preview",
                "MockEnvironment.region",
                "JsonReport.policyPacks.disabled",
                "CheckOptions.mode",
            ]),
        );
        expect(walk.checked.length).toBeGreaterThan(600);
    });

    test("the walk stays fast: one program of the project's own files, no type check", () => {
        // About a second of CPU (most of a minute if it parsed @pulumi/aws's typings); CPU time, as the wall
        // clock depends on what else runs on the machine.
        expect(cpuMs).toBeLessThan(5000);
        console.log(`public-docs: ${walk.checked.length} declarations and members checked in ${elapsedMs} ms (${cpuMs} ms CPU)`);
    });

    test("every public declaration and argument has a doc comment", () => {
        expect(listing(walk.undocumented)).toEqual([]);
    });

    test("the walk reports what lacks a doc comment (a fixture with gaps)", () => {
        const dir = path.join(ROOT, "tests", "components", "__public-docs-fixture__");
        const files: Record<string, string> = {
            [path.join(dir, "index.ts")]: [
                `export { Thing } from "./thing";`,
                `export type { ThingArgs } from "./thing";`,
                `/** Documented. */`,
                `export const documented = 1;`,
                `export function bare(options: BareOptions): void {}`,
                `/** Documented. */`,
                `interface BareOptions {`,
                `    /** Documented. */`,
                `    quiet?: boolean;`,
                `    loud?: boolean;`,
                `}`,
            ].join("\n"),
            [path.join(dir, "thing.ts")]: [
                `/** Documented. */`,
                `export interface ThingArgs extends Base {`,
                `    /** Documented. */`,
                `    size?: number;`,
                `    nested?: {`,
                `        /** Documented. */`,
                `        a: string;`,
                `        b: string;`,
                `    };`,
                `}`,
                `/** Documented. */`,
                `interface Base { inherited?: string }`,
                `/** Documented. */`,
                `export class Thing {`,
                `    constructor(readonly name: string, private secret: string) {}`,
                `    /** Documented. */`,
                `    readonly output = 1;`,
                `    method(): void {}`,
                `    private hidden = 2;`,
                `}`,
            ].join("\n"),
        };
        const options: ts.CompilerOptions = { ...projectOptions(), rootDir: ROOT };
        const result = undocumentedFrom([path.join(dir, "index.ts")], ROOT, projectHost(options, files), options);
        expect(result.undocumented.map((item) => item.name).sort()).toEqual(
            ["BareOptions.loud", "Base.inherited", "Thing.method", "Thing.name", "ThingArgs.nested", "ThingArgs.nested.b", "bare"].sort(),
        );
    });
});
