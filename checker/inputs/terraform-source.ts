/**
 * Where a planned resource is written. The plan names the module each resource is in and each module
 * call's `source`; Terraform records the folder it installed each module into in
 * `.terraform/modules/modules.json` (keys `orders`, `orders.inner`). The `resource "TYPE" "NAME"` block is
 * then looked up in that folder's `.tf` files. A plan whose configuration folder is not at hand gives
 * no position; the resource is still named by its address.
 */
import * as fs from "fs";
import * as path from "path";
import type { SourcePosition } from "../types";
import type { ModuleStep } from "./terraform-references";

export class SourceFinder {
    private readonly installed = new Map<string, string>();
    private readonly blocks = new Map<string, Map<string, SourcePosition>>();

    constructor(private readonly rootDir: string) {
        try {
            const manifest = JSON.parse(fs.readFileSync(path.join(rootDir, ".terraform", "modules", "modules.json"), "utf8"));
            for (const entry of Array.isArray(manifest?.Modules) ? manifest.Modules : []) {
                if (typeof entry?.Key === "string" && typeof entry?.Dir === "string") this.installed.set(entry.Key, path.resolve(rootDir, entry.Dir));
            }
        } catch {
            // no `terraform init` manifest: local module sources are resolved from the configuration
        }
    }

    /** The folder of the module a resource is in: from Terraform's manifest, else its local `source` paths. */
    moduleDir(modulePath: readonly ModuleStep[], sources: readonly string[]): string | undefined {
        if (modulePath.length === 0) return this.rootDir;
        const key = modulePath.map((s) => s.call).join(".");
        const installed = this.installed.get(key);
        if (installed) return installed;
        if (sources.length !== modulePath.length || !sources.every((s) => s.startsWith("./") || s.startsWith("../"))) return undefined;
        return sources.reduce((dir, source) => path.resolve(dir, source), this.rootDir);
    }

    /** The root module itself: its main.tf (else its first .tf file), where reports place the stack. */
    rootPosition(): SourcePosition | undefined {
        let files: string[] = [];
        try {
            files = fs.readdirSync(this.rootDir).filter((f) => f.endsWith(".tf")).sort();
        } catch {
            return undefined;
        }
        const file = files.includes("main.tf") ? "main.tf" : files[0];
        return file ? { file: path.join(this.rootDir, file), line: 1, column: 1 } : undefined;
    }

    /** The position of `resource "type" "name"` in the folder's .tf files. */
    find(dir: string | undefined, type: string, name: string): SourcePosition | undefined {
        if (!dir) return undefined;
        return this.blocksIn(dir).get(`${type}.${name}`);
    }

    private blocksIn(dir: string): Map<string, SourcePosition> {
        let found = this.blocks.get(dir);
        if (found) return found;
        found = new Map();
        this.blocks.set(dir, found);
        let files: string[] = [];
        try {
            files = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
        } catch {
            return found;
        }
        const block = /^(\s*)resource\s+"([^"]+)"\s+"([^"]+)"/;
        for (const file of files) {
            let text: string;
            try {
                text = fs.readFileSync(path.join(dir, file), "utf8");
            } catch {
                continue;
            }
            text.split("\n").forEach((line, i) => {
                const match = block.exec(line);
                const key = match && `${match[2]}.${match[3]}`;
                if (match && key && !found!.has(key)) found!.set(key, { file: path.join(dir, file), line: i + 1, column: match[1].length + 1 });
            });
        }
        return found;
    }
}
