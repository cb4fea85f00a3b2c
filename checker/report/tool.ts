/** The checker's own name, version and home page, for reports that name their tool (SARIF, JUnit). */
import * as fs from "fs";
import * as path from "path";

export interface ToolInfo {
    name: string;
    version: string;
    url: string;
}

const HOME = "https://github.com/serverless-guardrails/serverless-guardrails";
let cached: ToolInfo | undefined;

export function tool(): ToolInfo {
    if (cached) return cached;
    cached = { name: "serverless-guardrails", version: "0.0.0", url: HOME };
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        try {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            if (pkg.name === "serverless-guardrails") {
                cached = { name: pkg.name, version: pkg.version ?? "0.0.0", url: typeof pkg.homepage === "string" ? pkg.homepage.replace(/#.*$/, "") : HOME };
                break;
            }
        } catch {
            // no package.json here: look further up
        }
        if (path.dirname(dir) === dir) break;
    }
    return cached;
}
