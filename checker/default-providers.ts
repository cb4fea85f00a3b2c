/**
 * The default providers the engine registers itself (pulumi/pulumi pkg/resource/deploy/default_providers.go):
 * for each package a custom resource uses without an explicit provider, a `pulumi:providers:<package>`
 * resource named `default_<major>_<minor>_<patch>` after the version the SDK asked for, with no parent, and
 * as inputs the package's config (`aws:region` -> `region`, values as the strings the config holds) plus
 * `version` and the engine's `__internal` key (providers/registry.go SetProviderVersion). It is registered
 * before the first resource that needs it, and analyzed like any other resource; every resource that uses it
 * carries it as its `provider`.
 */
import type { CapturedResource, DefaultProviderRef } from "./types";

const PROVIDER_PREFIX = "pulumi:providers:";

/** `7.48.0` -> `default_7_48_0` (providers/provider.go DefaultName); `default` without a version. */
export function defaultProviderName(version: string | undefined): string {
    const match = version ? /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version) : null;
    if (!match) return "default";
    const [, major, minor, patch, pre, build] = match;
    const parts = [major, minor, patch, ...(pre ? pre.split(".") : []), ...(build ? build.split(".") : [])];
    return `default_${parts.join("_")}`;
}

/**
 * The default provider of a custom resource of `type` registered without a provider; undefined for
 * providers themselves and the engine's own `pulumi:` types. `config` is the program's config, namespaced.
 */
export function defaultProviderFor(
    type: string,
    version: string | undefined,
    at: { stack: string; project: string; config: Record<string, string> },
): DefaultProviderRef | undefined {
    const pkg = type.split(":")[0];
    if (!pkg || pkg === "pulumi") return undefined;
    const inputs: Record<string, unknown> = { __internal: {} };
    for (const [key, value] of Object.entries(at.config)) {
        if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = value;
    }
    if (version) inputs.version = version;
    const name = defaultProviderName(version);
    const providerType = `${PROVIDER_PREFIX}${pkg}`;
    return { urn: `urn:pulumi:${at.stack}::${at.project}::${providerType}::${name}`, type: providerType, name, inputs };
}

/**
 * The resources as the engine registers them: each default provider inserted before the first resource
 * that uses it (a provider resource's state is its inputs), then the resources in the program's order.
 */
export function withDefaultProviders(resources: readonly CapturedResource[]): CapturedResource[] {
    const result: CapturedResource[] = [];
    const added = new Set<string>(resources.map((r) => r.urn));
    for (const resource of resources) {
        const provider = resource.defaultProvider;
        if (provider && !added.has(provider.urn)) {
            added.add(provider.urn);
            result.push({
                urn: provider.urn,
                type: provider.type,
                name: provider.name,
                custom: true,
                dependencies: [],
                propertyDependencies: {},
                inputs: provider.inputs,
                outputs: { ...provider.inputs },
            });
        }
        result.push(resource);
    }
    return result;
}

/** The URN of the provider the engine gives a resource: the explicit one, else its default provider. */
export function providerOf(resource: CapturedResource): string | undefined {
    return resource.provider ?? resource.defaultProvider?.urn;
}
