/**
 * How a test starts the checker in a process of its own: from the compiled checker (dist/, what `npx
 * serverless-guardrails` runs) when that is built from the checker's sources as they are now
 * (checker/compiled-twin.ts), else from the sources through ts-node, which costs about 2 CPU-s more a start.
 */
import * as path from "path";
import { compiledTwin } from "../../checker/compiled-twin";

const ROOT = path.resolve(__dirname, "../..");

/** The node arguments that load the checker's source file `source` (before `-e`), and the file to run or require. */
export function checkerFile(source: string): { nodeArgs: string[]; file: string } {
    const compiled = compiledTwin(source, ROOT, path.join(ROOT, "dist"));
    return compiled ? { nodeArgs: [], file: compiled } : { nodeArgs: ["-r", require.resolve("ts-node/register/transpile-only")], file: source };
}

/** The node arguments that run checker/cli.ts, before the CLI's own. */
export function cliEntry(): string[] {
    const { nodeArgs, file } = checkerFile(path.join(ROOT, "checker", "cli.ts"));
    return [...nodeArgs, file];
}
