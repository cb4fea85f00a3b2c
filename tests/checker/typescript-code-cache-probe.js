/**
 * For tests/checker/typescript-code-cache.test.ts: in a process of its own (the cache hooks Node.js's module loader,
 * which Jest's registry bypasses), turns the code cache on (argv[2], the compiled typescript-code-cache.js), loads
 * the TypeScript compiler at argv[3], and prints one line of JSON: what the cache did, the stack frame of an error
 * thrown inside the compiler, and a transpile.
 */
const [cacheModule, typescriptFile] = process.argv.slice(2);
const { useTypeScriptCodeCache, typeScriptCodeCache } = require(cacheModule);
useTypeScriptCodeCache();
const loadedBefore = Object.keys(require.cache).some((file) => file.endsWith("typescript.js"));
const ts = require(typescriptFile);
let frame;
try {
    ts.createSourceFile("bad.ts", undefined);
} catch (error) {
    frame = String(error.stack).split("\n").find((line) => line.includes("typescript.js"));
}
const transpiled = typeof ts.transpileModule === "function" ? ts.transpileModule("const x: number = 1;\nexport default x;\n", { compilerOptions: { module: 1 } }).outputText : undefined;
const imported = typeof ts.importSep === "function" ? ts.importSep() : undefined;
Promise.resolve(imported).then((sep) => {
    process.stdout.write(JSON.stringify({ loadedBefore, outcome: typeScriptCodeCache.outcome ?? null, version: ts.version, frame, transpiled, sep }) + "\n");
});
