import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { QueueWorker } from "../../components/queue-worker";
import { StreamWorker } from "../../components/stream-worker";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") });
const arn = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet";
const streamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";

let registered: Registered[];

describe("the capacityProvider argument of AsyncFunction, QueueWorker and StreamWorker", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test.each([
        ["AsyncFunction", () => new AsyncFunction("work", { function: { code, capacityProvider: { arn } } }).functionArn],
        ["QueueWorker", () => new QueueWorker("work", { function: { code, capacityProvider: { arn } } }).functionArn],
        ["StreamWorker", () => new StreamWorker("work", { streamArn, function: { code, capacityProvider: { arn } } }).function.arn],
    ])("%s: bound to the provider, 2 GB, published to $LATEST.PUBLISHED, no reserved concurrency", async (_, build) => {
        await valueOf(build());
        await settle();
        const fn = one(registered, "aws:lambda/function:Function");
        expect(fn.inputs).toMatchObject({
            capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: arn } },
            memorySize: 2048,
            publish: true,
            publishTo: "LATEST_PUBLISHED",
        });
        expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
    });

    test("QueueWorker on Managed Instances keeps a mapping concurrency cap (10 by default, any 2-1000)", async () => {
        new QueueWorker("a", { function: { code, capacityProvider: { arn } } });
        new QueueWorker("b", { function: { code, capacityProvider: { arn, memoryGibPerVcpu: 8, perExecutionEnvironmentMaxConcurrency: 16 }, memorySize: 16384 }, maximumConcurrency: 200 });
        await settle();
        await settle();
        const caps = registered.filter((r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping").map((m) => m.inputs.scalingConfig.maximumConcurrency);
        expect(caps.sort((x, y) => x - y)).toEqual([10, 200]);
        const b = registered.find((r) => r.name === "b-function")!;
        expect(b.inputs.capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig).toEqual({ capacityProviderArn: arn, executionEnvironmentMemoryGibPerVcpu: 8, perExecutionEnvironmentMaxConcurrency: 16 });
    });

    test("invalid Managed Instances settings are argument errors naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new AsyncFunction("bad", {
                function: { code, runtime: "nodejs20.x", memorySize: 1024, reservedConcurrentExecutions: 5, capacityProvider: { arn: "arn:aws:sqs:us-east-1:123456789012:q", memoryGibPerVcpu: 1, perExecutionEnvironmentMaxConcurrency: 5000 } },
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual([
            "function.capacityProvider.arn",
            "function.capacityProvider.memoryGibPerVcpu",
            "function.capacityProvider.perExecutionEnvironmentMaxConcurrency",
            "function.memorySize",
            "function.reservedConcurrentExecutions",
            "function.runtime",
        ]);
        for (const capacityProvider of [null, "fleet", {}]) {
            const odd = await argumentError(registered, () => new QueueWorker("odd", { function: { code, capacityProvider: capacityProvider as any } }));
            expect((odd as ComponentArgumentError).arguments[0]).toMatch(/^function\.capacityProvider/);
        }
    });
});
