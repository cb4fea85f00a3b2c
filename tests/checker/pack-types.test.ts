/**
 * Through the real pack over gRPC (not the in-process harness): @pulumi/policy's server skips other
 * resource types by the `__pulumiType` token only when `validateResource` is a single function; in an
 * array it calls every function for every resource. Resource policies must still only judge their types.
 */
import * as path from "path";
import { analyzeResources } from "../../checker/analyze";
import { withProviderDefaults } from "../../checker/provider-defaults";
import type { AnalysisResult, CapturedResource } from "../../checker/types";
import { ROOT, UNKNOWN } from "./helpers";

function resource(type: string, name: string, inputs: Record<string, unknown>, custom = true): CapturedResource {
    const checked = withProviderDefaults(type, inputs);
    return { urn: `urn:pulumi:dev::app::${type}::${name}`, type, name, custom, dependencies: [], propertyDependencies: {}, inputs: checked, outputs: { ...checked, arn: UNKNOWN } };
}

/** The pack's resource policies, as its GetAnalyzerInfo lists them. */
function resourcePolicyNames(result: AnalysisResult): Set<string> {
    return new Set(result.policyPacks[0].details!.filter((p) => p.type === "resource").map((p) => p.name));
}

describe("resource policies over gRPC", () => {
    it("judge only the resource types they name: the stack and a topic get no resource-policy findings", async () => {
        const resources = [
            resource("pulumi:pulumi:Stack", "app-dev", {}, false),
            resource("aws:sqs/queue:Queue", "orders", {}),
            resource("aws:sns/topic:Topic", "events", {}),
        ];
        const result = await analyzeResources(resources, { packs: [{ dir: path.join(ROOT, "policies") }] });
        const resourcePolicies = resourcePolicyNames(result);
        expect(resourcePolicies.size).toBeGreaterThan(10);
        const onThese = result.violations.filter((v) => resourcePolicies.has(v.policy) && v.urn !== resources[1].urn);
        expect(onThese.map((v) => `${v.policy} on ${v.urn}`)).toEqual([]);
    });

    it("report a function's finding once, not once per type the policy names", async () => {
        const fn = resource("aws:lambda/function:Function", "worker", { runtime: "nodejs20.x", handler: "index.handler", role: UNKNOWN });
        const result = await analyzeResources([fn], { packs: [{ dir: path.join(ROOT, "policies") }] });
        const perPolicy = new Map<string, number>();
        for (const v of result.violations.filter((v) => v.urn === fn.urn)) perPolicy.set(v.policy, (perPolicy.get(v.policy) ?? 0) + 1);
        expect([...perPolicy].filter(([, count]) => count > 1)).toEqual([]);
        expect(perPolicy.get("lambda-memory-size")).toBe(1);
    });
});
