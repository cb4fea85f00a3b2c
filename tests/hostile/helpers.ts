/**
 * Shared by the hostile-input tests: the compiled serverless-guardrails pack started as the engine starts it,
 * configured as the engine configures it, and values in the engine's wire form (secrets marked).
 */
import * as fs from "fs";
import * as path from "path";
import { reconcileConfig, userConfigFrom, type UserConfig } from "../../checker/config";
import { PackClient, type AnalyzeResource } from "../../checker/pack-client";

export const ROOT = path.resolve(__dirname, "../..");
export const POLICIES_DIR = path.join(ROOT, "policies");
export const HOSTILE_FIXTURES = path.join(__dirname, "fixtures");

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value as the engine sends a secret to a pack (and as a pack returns one). */
export function secret(value: unknown): Record<string, unknown> {
    return { [SIG]: SECRET_SIG, value };
}

export function isSecret(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

export function resource(type: string, name: string, properties: Record<string, unknown>): AnalyzeResource {
    return { type, name, urn: `urn:pulumi:dev::app::${type}::${name}`, properties };
}

/** The compiled pack (policies/bin, built by `npm test` before Jest). */
export async function startPack(): Promise<PackClient> {
    if (!fs.existsSync(path.join(POLICIES_DIR, "bin", "index.js"))) throw new Error("policies/bin is missing: run `npm run build` first");
    return PackClient.start(POLICIES_DIR);
}

/**
 * Configure as the engine does: every policy with its schema defaults, under the given `--policy-pack-config`.
 * lambda-runtime-supported is off unless asked for: its verdict depends on today's date.
 */
export async function configure(pack: PackClient, config: UserConfig = {}): Promise<void> {
    const info = await pack.getAnalyzerInfo();
    await pack.configure(reconcileConfig(info, userConfigFrom({ "lambda-runtime-supported": "disabled", ...config })));
}
