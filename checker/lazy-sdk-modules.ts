/**
 * @pulumi/pulumi requires two large modules when it loads that it uses only to serialize a function (a
 * `CallbackFunction`, `bucket.onObjectCreated`'s handler): TypeScript, to parse a closure's text, and
 * @npmcli/arborist (with sigstore, tuf, pacote and the rest behind it), to list the packages a function's code
 * needs. Loading them is about 0.4 CPU-s of every program's process. Here, a require of either from inside
 * @pulumi/pulumi gets a stand-in that loads the real module on its first use.
 *
 * Where @pulumi/pulumi (3.248) uses them, all inside functions that run only while serializing a function:
 * - `typescript` through typescript-shim.js: runtime/closure/parseFunction.js (computeCapturedVariableNames,
 *   isArrowFunction, tryParseAsClassDeclaration), runtime/closure/utils.js and rewriteSuper.js (required inside
 *   their functions), provider/experimental/analyzer.js (the Analyzer class, for `pulumi package` components);
 *   tsutils.js and cmd/run/run.js read `ts.version` and compiler options only for a TypeScript program, which
 *   ts-node compiles with the real module anyway.
 * - `@npmcli/arborist`: runtime/closure/codePaths.js, in computeCodePaths's `new arborist.Arborist(...)`.
 * The stand-in answers `__esModule` with true, so that TypeScript's `__importStar` (codePaths.js) hands it on as it
 * is instead of copying every key, which would load the module at once.
 */
import Module = require("module");

const LAZY = new Set(["typescript", "@npmcli/arborist"]);
const IN_PULUMI_SDK = /[\\/]@pulumi[\\/]pulumi[\\/]/;

type Load = (request: string, parent: NodeModule | undefined, isMain: boolean) => unknown;
type Resolve = (request: string, parent: NodeModule | undefined, isMain: boolean) => string;
const moduleInternals = Module as unknown as { _load: Load; _resolveFilename: Resolve };

/** A module object that loads the real module (`load`) on first use, and says it is an ES module (see above). */
export function standIn(load: () => object): object {
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Object.getOwnPropertyDescriptor(load(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
}

let installed = false;

/** From now on, @pulumi/pulumi's requires of TypeScript and @npmcli/arborist load the module on first use. */
export function useLazySdkModules(): void {
    if (installed) return;
    installed = true;
    const load = moduleInternals._load;
    moduleInternals._load = function (this: unknown, request, parent, isMain) {
        if (!LAZY.has(request) || !parent?.filename || !IN_PULUMI_SDK.test(parent.filename)) return load.apply(this, [request, parent, isMain]);
        try {
            // A module that is not installed fails here, as it would have: typescript-shim.js then falls back to its vendored copy.
            moduleInternals._resolveFilename(request, parent, isMain);
        } catch {
            return load.apply(this, [request, parent, isMain]);
        }
        let real: object | undefined;
        return standIn(() => (real ??= load.apply(this, [request, parent, isMain]) as object));
    };
}
