import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    AnalysisResult,
    analyze,
    capture,
    checkProgram,
    expectNoViolation,
    expectNoViolations,
    expectViolation,
    guardrailMatchers,
} from "../../testing";
import { packDir } from "./helpers";

expect.extend(guardrailMatchers);

const fixturePack = packDir("basic");

class Thing extends pulumi.CustomResource {
    declare readonly label: pulumi.Output<string>;
    constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, { label: undefined, ...props }, opts);
    }
}

class Forbidden extends pulumi.CustomResource {
    declare readonly arn: pulumi.Output<string>;
    constructor(name: string) {
        super("test:index:Forbidden", name, { arn: undefined });
    }
}

const urn = (name: string) => `urn:pulumi:dev::project::test:index:Thing::${name}`;
const violation = (policy: string, name: string | undefined, enforcementLevel: "mandatory" | "advisory", extra = {}) => ({
    policyPack: "p",
    policyPackVersion: "1.0.0",
    policy,
    enforcementLevel,
    message: `${policy} says no`,
    urn: name === undefined ? undefined : urn(name),
    ...extra,
});
const result = (violations: ReturnType<typeof violation>[]): AnalysisResult => ({
    resources: ["open", "closed"].map((name) => ({
        urn: urn(name), type: "test:index:Thing", name, custom: true, dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {},
    })),
    violations,
    waivers: [],
    remediations: [],
    policyPacks: [{ name: "p", version: "1.0.0", policies: 2 }],
});

describe("kit assertions", () => {
    const found = result([
        violation("no-public", "open", "mandatory"),
        violation("has-note", "closed", "advisory"),
        violation("known-label", "closed", "advisory", { unknownAtPreview: true, message: "can't run policy 'known-label' during preview" }),
    ]);

    test("expectViolation finds a policy's violation by resource name or URN and returns it", () => {
        expect(expectViolation(found, "no-public", "open")).toHaveLength(1);
        expect(expectViolation(found, "no-public", urn("open"))[0].message).toBe("no-public says no");
        expect(expectViolation(found, "has-note")).toHaveLength(1);
    });

    test("expectViolation fails with a message listing what was found", () => {
        expect(() => expectViolation(found, "no-public", "closed")).toThrow(
            /expected a violation of no-public on closed; the violations found:\n {2}- \[mandatory\] no-public on open: no-public says no\n {2}- \[advisory\] has-note on closed/,
        );
        expect(() => expectViolation(result([]), "no-public", "open")).toThrow(/found:\n {2}\(none\)/);
    });

    test("a policy that could not run at preview is no verdict, and the failure says so", () => {
        expect(() => expectViolation(found, "known-label", "closed")).toThrow(/known-label could not run at preview here \(try capture with \{ preview: false \}\)/);
        expect(() => expectNoViolation(found, "known-label", "closed")).not.toThrow();
        expect(() => expectNoViolations(result([violation("known-label", "closed", "advisory", { unknownAtPreview: true })]))).not.toThrow();
        expect(() => expectNoViolations(result([violation("known-label", "closed", "advisory", { unknownAtPreview: true })]), { includeUnknownAtPreview: true })).toThrow();
    });

    test("expectNoViolation fails on the named resource only", () => {
        expect(() => expectNoViolation(found, "no-public", "closed")).not.toThrow();
        expect(() => expectNoViolation(found, "no-public", "open")).toThrow(/expected no violation of no-public on open, found:\n {2}- \[mandatory\] no-public on open/);
    });

    test("expectNoViolations counts every level by default, or only mandatory ones", () => {
        expect(() => expectNoViolations(found)).toThrow(/expected no violations, found 2:/);
        expect(() => expectNoViolations(found, { level: "mandatory" })).toThrow(/expected no mandatory violations, found 1:\n {2}- \[mandatory\] no-public on open/);
        expect(() => expectNoViolations(result([violation("has-note", "closed", "advisory")]), { level: "mandatory" })).not.toThrow();
        expect(() => expectNoViolations(result([]))).not.toThrow();
    });

    test("a stack-level finding is reported on (stack)", () => {
        expect(() => expectNoViolations(result([violation("budget", undefined, "mandatory")]))).toThrow(/budget on \(stack\)/);
    });

    test("Jest matchers: toHaveViolation and toHaveNoViolations, negations included", () => {
        expect(found).toHaveViolation("no-public", "open");
        expect(found).not.toHaveViolation("no-public", "closed");
        expect(result([])).toHaveNoViolations();
        expect(found).not.toHaveNoViolations();
        expect(() => expect(found).not.toHaveViolation("no-public", "open")).toThrow(/expected no violation of no-public on open/);
    });
});

describe("kit with a policy pack", () => {
    test("checkProgram captures a callback and runs the pack over it: resource and stack policies", async () => {
        const checked = await checkProgram(
            () => {
                const forbidden = new Forbidden("secret-store");
                new Thing("open", { public: true, note: "n" });
                new Thing("fine", { note: "n" });
                new Thing("pointing", { note: "n", target: forbidden.arn });
            },
            { policyPacks: [fixturePack] },
        );
        expect(checked).toHaveViolation("no-public", "open");
        expectNoViolation(checked, "no-public", "fine");
        expectViolation(checked, "no-forbidden-target", "pointing");
        expect(() => expectNoViolations(checked, { level: "mandatory" })).toThrow(/no-public on open[\s\S]*no-forbidden-target on pointing/);
    });

    test("policy config in the --policy-pack-config format", async () => {
        const resources = await capture(() => {
            new Thing("open", { public: true });
        });
        const relaxed = await analyze(resources, { policyPacks: [fixturePack], config: { "no-public": { allowPublic: true }, "has-note": "disabled" } });
        expectNoViolations(relaxed);
    });

    test("unknown at preview: the pack cannot judge a computed value until the update", async () => {
        const program = () => {
            const source = new Thing("source", { note: "n" });
            new Thing("labelled", { note: "n", label: source.label });
        };
        const preview = await checkProgram(program, { policyPacks: [fixturePack] });
        expectNoViolations(preview);
        expect(preview.violations).toEqual([expect.objectContaining({ policy: "known-label", unknownAtPreview: true })]);
    });

    test("the serverless-guardrails pack by default", async () => {
        const program = () => {
            new aws.lambda.Function("worker", { role: "arn:aws:iam::123456789012:role/worker", runtime: "nodejs22.x", handler: "index.handler" });
            new aws.lambda.Function("sized", { role: "arn:aws:iam::123456789012:role/worker", runtime: "nodejs22.x", handler: "index.handler", memorySize: 1024 });
        };
        const checked = await checkProgram(program);
        expect(checked.policyPacks[0].name).toBe("serverless-guardrails");
        expectViolation(checked, "lambda-memory-size", "worker");
        expectNoViolation(checked, "lambda-memory-size", "sized");
        const allowed = await checkProgram(program, { config: { "lambda-memory-size": { allowPlatformDefault: true } } });
        expectNoViolation(allowed, "lambda-memory-size", "worker");
    });
});
