import { Secret } from "@pulumi/policy";
import { asset } from "@pulumi/pulumi";
import { specialArchiveSig, specialAssetSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { holdsSecret, recordSecretPaths, revealSecrets } from "./secrets";

/** The plain object behind @pulumi/policy's proxies (an unknown-checking proxy over a secrets-preserving one). */
function proxyTarget(props: unknown): any {
    let target: any = props;
    while (target !== null && typeof target === "object" && target.__isSpecialProxy === true) target = target.__getSpecialProxyTarget;
    return target;
}

/**
 * What a remediation reads and what it changes. @pulumi/policy hands Remediate its props with each secret as a
 * `Secret` instance: behind its proxy for the first remediation, as a plain object for the ones after it (the
 * server passes on what the previous one returned). `raw` is a copy with every secret read as its value, as
 * Analyze sees it (so a remediation judges `secret(2048)` as 2048); `target` is the object the changes go into.
 */
export function remediationInput(props: unknown): { target: Record<string, unknown>; raw: Record<string, unknown> } {
    const target = proxyTarget(props);
    const plain = target !== null && typeof target === "object" ? target : {};
    const { value, paths } = revealSecrets(plain);
    const raw = value as Record<string, unknown>;
    recordSecretPaths(raw, paths);
    return { target: plain, raw };
}

/** Sets each changed top-level property on `target`; one that was secret, or held a secret, stays secret. */
export function applyRemediation(target: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
    for (const [key, value] of Object.entries(changes)) {
        target[key] = holdsSecret(target[key]) && !(value instanceof Secret) ? new Secret(value) : value;
    }
    return target;
}

/**
 * What a remediation returns to the server: the plain properties behind @pulumi/policy's proxies (secrets stay
 * wrapped, so they stay secret), with every AssetArchive in its wire form. @pulumi/policy 1.21 serializes an
 * AssetArchive as the list of its asset names, which the engine cannot read back: a remediated Lambda function
 * would lose its code. The wire form passes through the server untouched.
 */
export async function remediatedProperties(props: object): Promise<Record<string, unknown>> {
    return (await encodeArchives(proxyTarget(props), 0)) as Record<string, unknown>;
}

async function encodeArchives(value: any, depth: number): Promise<unknown> {
    if (depth > 32 || value === null || typeof value !== "object") return value;
    if (asset.Archive.isInstance(value) || asset.Asset.isInstance(value)) return wireForm(value, depth);
    for (const key of Object.keys(value)) {
        if (value[key] !== null && typeof value[key] === "object") value[key] = await encodeArchives(value[key], depth + 1);
    }
    return value;
}

/** An asset or archive as the engine's wire protocol carries it; only AssetArchive needs it, the others are kept. */
async function wireForm(value: any, depth: number): Promise<unknown> {
    if (asset.Archive.isInstance(value) && "assets" in value) {
        const assets: Record<string, unknown> = {};
        for (const [name, member] of Object.entries((await value.assets) ?? {})) assets[name] = await memberForm(member, depth + 1);
        return { [specialSigKey]: specialArchiveSig, assets };
    }
    return value;
}

async function memberForm(member: any, depth: number): Promise<unknown> {
    const sig = asset.Archive.isInstance(member) ? specialArchiveSig : asset.Asset.isInstance(member) ? specialAssetSig : undefined;
    if (!sig) return member;
    if ("assets" in member) return wireForm(member, depth);
    for (const key of ["path", "text", "uri"]) {
        if (key in member) return { [specialSigKey]: sig, [key]: await member[key] };
    }
    return member;
}
