import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { capture } from "../../checker/capture";
import { UNKNOWN, analyzeCapturedStack } from "../helpers/policy-harness";

/**
 * Reports each queue that no redrive policy points at through a property dependency, and notes what it saw.
 * In the planned state `redrivePolicy` is unknown when the program set none: set means a known value or a
 * property dependency.
 */
function probe(seen: PolicyResource[][]): StackValidationPolicy {
    return {
        name: "probe",
        description: "test policy",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            seen.push(args.resources);
            const targets = new Set(args.resources.flatMap((r) => r.propertyDependencies.redrivePolicy ?? []));
            for (const r of args.resources) {
                const value = (r.props as any).__getSpecialProxyTarget?.redrivePolicy;
                const set = (r.propertyDependencies.redrivePolicy ?? []).length > 0 || (value !== undefined && value !== "" && value !== UNKNOWN);
                if (r.type === "aws:sqs/queue:Queue" && !set && !targets.has(r)) report(`${r.name} has no dead-letter queue`, r.urn);
            }
        },
    };
}

class Pipeline extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Pipeline", name);
        const dlq = new aws.sqs.Queue(`${name}-dlq`, {}, { parent: this });
        new aws.sqs.Queue(`${name}-queue`, { redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }) }, { parent: this });
        this.registerOutputs({});
    }
}

describe("analyzeCapturedStack", () => {
    test("feeds a captured program's graph to a stack policy: outputs, parents and property dependencies as resource objects", async () => {
        const resources = await capture(() => {
            new Pipeline("orders");
            new aws.sqs.Queue("lonely");
        });
        const seen: PolicyResource[][] = [];
        const outcome = await analyzeCapturedStack(probe(seen), resources);
        const lonely = resources.find((r) => r.name === "lonely")!;
        expect(outcome.violations).toEqual(["lonely has no dead-letter queue"]);
        expect(outcome.urns).toEqual([lonely.urn]);
        const byName = new Map(seen[0].map((r) => [r.name, r]));
        expect(byName.get("orders-queue")!.parent).toBe(byName.get("orders"));
        expect(byName.get("orders-queue")!.propertyDependencies.redrivePolicy).toEqual([byName.get("orders-dlq")]);
        expect(byName.get("orders-queue")!.dependencies).toEqual([byName.get("orders-dlq")]);
    });

    test("unknown at preview: a stack policy reading an unknown output gets the engine's can't-run outcome", async () => {
        const resources = await capture(() => {
            new aws.sqs.Queue("orders");
        });
        const readsArn: StackValidationPolicy = {
            name: "reads-arn",
            description: "test policy",
            enforcementLevel: "mandatory",
            validateStack: (args) => {
                for (const r of args.resources) if (r.type === "aws:sqs/queue:Queue") void r.props.arn.length;
            },
        };
        expect((await analyzeCapturedStack(readsArn, resources)).cantRunAtPreview).toMatch(/arn/);
        expect((await analyzeCapturedStack(readsArn, await capture(() => { new aws.sqs.Queue("orders"); }, { preview: false }))).cantRunAtPreview).toBeUndefined();
    });

    test("malformed: URNs outside the stack are dropped, as the server drops them", async () => {
        const resources = await capture(() => {
            new aws.sqs.Queue("lonely");
        });
        const broken = resources.map((r) => ({ ...r, parent: "urn:pulumi:dev::project::x:y:Z::gone", dependencies: ["urn:nowhere"], propertyDependencies: { redrivePolicy: ["urn:nowhere"] } }));
        const seen: PolicyResource[][] = [];
        const outcome = await analyzeCapturedStack(probe(seen), broken);
        expect(outcome.violations).toEqual(["lonely has no dead-letter queue"]);
        expect(seen[0].every((r) => r.parent === undefined && r.dependencies.length === 0)).toBe(true);
    });
});
