/**
 * Whether a file named in a stack trace is the checker's own. In a program's process, Pulumi's runtime installs
 * source-map-support, which names the compiled checker's frames (dist/checker/*.js) by the TypeScript sources
 * their source maps point to (checker/*.ts beside dist/): both are the checker's.
 */
import * as fs from "fs";
import * as path from "path";

function mappedSourceDir(): string | undefined {
    try {
        const map = JSON.parse(fs.readFileSync(`${__filename}.map`, "utf8")) as { sourceRoot?: string; sources?: string[] };
        return map.sources?.[0] ? path.dirname(path.resolve(__dirname, map.sourceRoot ?? "", map.sources[0])) : undefined;
    } catch {
        // run from the sources, or built without source maps
        return undefined;
    }
}

const CHECKER_DIRS = [...new Set([__dirname, mappedSourceDir()].filter((d): d is string => !!d))].map((d) => d + path.sep);

export function isCheckerFile(file: string): boolean {
    return CHECKER_DIRS.some((dir) => file.startsWith(dir));
}
