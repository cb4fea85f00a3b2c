import { asset } from "@pulumi/pulumi";
import { specialArchiveSig, specialAssetSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * What a remediation returns to the server: the plain properties behind @pulumi/policy's proxies (secrets stay
 * wrapped, so they stay secret), with every AssetArchive in its wire form. @pulumi/policy 1.21 serializes an
 * AssetArchive as the list of its asset names, which the engine cannot read back: a remediated Lambda function
 * would lose its code. The wire form passes through the server untouched.
 */
export async function remediatedProperties(props: object): Promise<Record<string, unknown>> {
    let target: any = props;
    while (target !== null && typeof target === "object" && target.__isSpecialProxy === true) target = target.__getSpecialProxyTarget;
    return (await encodeArchives(target, 0)) as Record<string, unknown>;
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
