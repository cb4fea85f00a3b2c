/**
 * The folder of one Jest run's shared captures and checks (run-cache.ts): made by the global setup, whose
 * environment every worker inherits, and removed by the global teardown. Apart from run-cache.ts, so that the
 * global setup loads no checker code.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const RUN_CACHE_ENV = "SG_RUN_CACHE";

export function openRunCache(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sg-run-cache-"));
    process.env[RUN_CACHE_ENV] = folder;
    return folder;
}

export function closeRunCache(): void {
    const folder = process.env[RUN_CACHE_ENV];
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
    delete process.env[RUN_CACHE_ENV];
}
