/**
 * How a test starts the CLI as its own process: from the compiled checker (dist/checker/cli.js, what `npx
 * serverless-guardrails` runs) when that is built from the checker's sources as they are now
 * (checker/compiled-twin.ts), else from the sources through ts-node, which costs about 2 CPU-s more a start.
 */
import * as path from "path";
import { compiledTwin } from "../../checker/compiled-twin";

const ROOT = path.resolve(__dirname, "../..");

/** The node arguments that run checker/cli.ts, before the CLI's own. */
export function cliEntry(): string[] {
    const source = path.join(ROOT, "checker", "cli.ts");
    const compiled = compiledTwin(source, ROOT, path.join(ROOT, "dist"));
    return compiled ? [compiled] : ["-r", require.resolve("ts-node/register/transpile-only"), source];
}
