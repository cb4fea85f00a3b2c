/**
 * A folder whose `*.tests.ts` files run as one Jest suite: its `all.test.ts` imports each of them, so the suite
 * loads @pulumi/pulumi and the rest once for them all (a suite per file loads them again for each, ~0.6 CPU-s).
 * What the folder's meta test checks, so that the layout cannot lose a test or let one file's setup leak into another's.
 */
import * as fs from "fs";
import * as path from "path";

const TOP_LEVEL_HOOK = /^(?:beforeEach|afterEach|beforeAll|afterAll)\(/m;

/** The `*.tests.ts` files of `dir` (not below it) that its `all.test.ts` does not import. */
export function notImported(dir: string): string[] {
    const suite = path.join(dir, "all.test.ts");
    const lines = fs.existsSync(suite) ? fs.readFileSync(suite, "utf8").split("\n") : [];
    return testsFiles(dir).filter((file) => !lines.includes(`import "./${path.basename(file, ".ts")}";`));
}

/**
 * The `*.tests.ts` files of `dir` with a hook outside any `describe`: in the shared suite it would run around every
 * other file's tests too (e.g. a `beforeEach` installing Pulumi mocks would replace the mocks the others record with).
 */
export function withTopLevelHooks(dir: string): string[] {
    return testsFiles(dir).filter((file) => TOP_LEVEL_HOOK.test(fs.readFileSync(file, "utf8")));
}

export function testsFiles(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter((name) => name.endsWith(".tests.ts"))
        .sort()
        .map((name) => path.join(dir, name));
}
