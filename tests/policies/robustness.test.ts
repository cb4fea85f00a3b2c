/**
 * Every resource policy of the pack gets thousands of malformed property bags and must never throw
 * anything but the engine's UnknownValueError; a remediation must not throw either, and what it
 * returns must then pass its own policy. Seeded, so a failure names the seed that replays it.
 */
import { ResourceValidationPolicy, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { withProviderDefaults } from "../../checker/provider-defaults";
import { allPolicies } from "../../policies/all";
import { createRandom, malformedProps, propertyPaths } from "../helpers/fuzz";
import { jsonCopy } from "../helpers/json-copy";
import { engineConfig, urnOf } from "../helpers/policy-harness";

const BAGS_PER_TYPE = 1000;

const resourcePolicies = allPolicies.filter((p): p is ResourceValidationPolicy => "validateResource" in p && !!p.validateResource);
const validationsOf = (policy: ResourceValidationPolicy) =>
    Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
const validations = new Map(resourcePolicies.map((p) => [p, validationsOf(p)]));
/** Every resource type the pack's resource policies judge (and a few they read elsewhere). */
const resourceTypes = Object.keys(propertyPaths).sort();

const urns = new Map(resourceTypes.map((type) => [type, urnOf(type, "fuzzed")]));

class NotApplicable extends Error {}

/** The arguments of a validation or remediation; `inputs` are the props over the provider's Check defaults. */
function args(type: string, inputs: Record<string, unknown>, config: Record<string, unknown>) {
    return {
        type,
        name: "fuzzed",
        urn: urns.get(type) ?? urnOf(type, "fuzzed"),
        props: unknownCheckingProxy(inputs),
        opts: {},
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => ({ ...config }),
        notApplicable: (): never => {
            throw new NotApplicable();
        },
    } as any;
}

/** Runs one validation; returns its violations, or undefined when it could not judge at preview. */
function run(validation: (...a: any[]) => unknown, callArgs: unknown): string[] | undefined {
    const violations: string[] = [];
    try {
        const result = validation(callArgs, (message: string) => violations.push(message));
        if (result instanceof Promise) throw new Error("resource validations of this pack are synchronous");
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
    return violations;
}

describe("robustness: malformed property bags through every resource policy", () => {
    test("the pack has resource policies and types to fuzz", () => {
        expect(resourcePolicies.length).toBeGreaterThanOrEqual(16);
        expect(resourceTypes.length).toBeGreaterThanOrEqual(13);
    });

    test.each(resourceTypes)("%s: never throws anything but UnknownValueError", async (type) => {
        const seed = [...type].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
        const rng = createRandom(seed);
        const configs = new Map(resourcePolicies.map((p) => [p, engineConfig(p)]));
        let judged = 0;
        for (let i = 0; i < BAGS_PER_TYPE; i++) {
            const bag = malformedProps(rng, type);
            // The validations only read their props: one copy over the defaults serves them all.
            const inputs = withProviderDefaults(type, bag);
            // A remediation gets the bag as JSON carries it (jsonCopy: a JSON round trip without the text). The pack's
            // remediations write only into the top-level copy over the defaults, and only when they return a fix: until
            // one does, they share one copy (a bag is up to megabytes of JSON; copying it per remediation was most of
            // this test). The validations only read the bag, so a copy made from it later is the one made first.
            let sent: Record<string, unknown> | undefined;
            for (const policy of resourcePolicies) {
                const config = configs.get(policy)!;
                // Every validation, as the server runs a validation without a type token on every resource.
                for (const validation of validations.get(policy)!) {
                    try {
                        if (run(validation, args(type, inputs, config)) !== undefined) judged++;
                    } catch (e) {
                        throw new Error(`${policy.name} threw on bag #${i} (seed ${seed}, type ${type}): ${(e as Error).stack}`);
                    }
                }
                if (!policy.remediateResource) continue;
                let fixed: unknown;
                try {
                    sent ??= jsonCopy(bag);
                    fixed = await policy.remediateResource(args(type, withProviderDefaults(type, sent), config));
                    if (fixed !== undefined) sent = undefined;
                } catch (e) {
                    sent = undefined;
                    if (e instanceof UnknownValueError) continue;
                    throw new Error(`remediation of ${policy.name} threw on bag #${i} (seed ${seed}): ${(e as Error).stack}`);
                }
                if (!fixed) continue;
                for (const validation of validations.get(policy)!) {
                    const violations = run(validation, args(type, withProviderDefaults(type, fixed as Record<string, unknown>), config));
                    if (violations && violations.length > 0) {
                        throw new Error(`${policy.name}: remediated bag #${i} (seed ${seed}) still violates: ${violations.join(" | ")}`);
                    }
                }
            }
        }
        expect(judged).toBeGreaterThan(BAGS_PER_TYPE);
    });
});
