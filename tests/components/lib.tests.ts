import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, ComponentArgumentError } from "../../components/lib/argument-errors";
import { createFunction, functionDefaults, validateFunctionArgs } from "../../components/lib/function";
import { arnService, destinationStatements, isFifoArn } from "../../components/lib/arns";
import { policyDocument } from "../../components/lib/iam";
import { recordResources, valueOf, type Registered } from "../helpers/component-recorder";

let registered: Registered[];

class Holder extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Holder", name, {}, {});
    }
}

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") });

describe("ArgumentErrors", () => {
    test("collects every problem into one error naming each argument", () => {
        const errors = new ArgumentErrors("QueueWorker", "orders");
        errors.required("function.code", undefined);
        errors.integerInRange("function.memorySize", 64, 128, 10240);
        errors.oneOf("function.logFormat", "XML", ["JSON", "Text"]);
        expect(errors.count).toBe(3);
        let thrown: unknown;
        try {
            errors.throwIfAny();
        } catch (e) {
            thrown = e;
        }
        expect(thrown).toBeInstanceOf(ComponentArgumentError);
        const error = thrown as ComponentArgumentError;
        expect(error.arguments).toEqual(["function.code", "function.memorySize", "function.logFormat"]);
        expect(error.message).toContain('QueueWorker "orders"');
        expect(error.message).toContain("function.memorySize: must be a whole number from 128 to 10240 (got 64)");
    });

    test("does not throw without problems and accepts undefined optional values", () => {
        const errors = new ArgumentErrors("X", "x");
        errors.integerInRange("a", undefined, 1, 2);
        errors.oneOf("b", undefined, ["c"]);
        expect(() => errors.throwIfAny()).not.toThrow();
    });

    test("rejects non-integers and wrong types", () => {
        const errors = new ArgumentErrors("X", "x");
        errors.integerInRange("a", 1.5, 1, 2);
        errors.integerInRange("b", "1", 1, 2);
        expect(errors.count).toBe(2);
    });
});

describe("validateFunctionArgs", () => {
    test("names every out-of-range field under the given prefix", () => {
        const errors = new ArgumentErrors("X", "x");
        validateFunctionArgs(errors, "function", {
            code,
            memorySize: 20000,
            timeout: 901,
            reservedConcurrentExecutions: 0,
            logRetentionInDays: 10,
            tracingMode: "On" as never,
            runtime: "",
        });
        expect(() => errors.throwIfAny()).toThrow(ComponentArgumentError);
        try {
            errors.throwIfAny();
        } catch (e) {
            expect((e as ComponentArgumentError).arguments.sort()).toEqual(
                [
                    "function.memorySize",
                    "function.timeout",
                    "function.reservedConcurrentExecutions",
                    "function.logRetentionInDays",
                    "function.tracingMode",
                    "function.runtime",
                ].sort(),
            );
        }
    });

    test("a missing function block or code is reported, not a crash", () => {
        const errors = new ArgumentErrors("X", "x");
        validateFunctionArgs(errors, "function", undefined);
        validateFunctionArgs(errors, "other", {} as any);
        expect(errors.count).toBe(2);
    });
});

describe("createFunction", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: memory, timeout, concurrency, tracing, runtime, log group with retention, scoped role", async () => {
        const holder = new Holder("h");
        const parts = createFunction("h", { code }, [{ actions: ["sqs:ReceiveMessage"], resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }], holder);
        await valueOf(parts.function.arn);
        await valueOf(parts.rolePolicy.policy);
        const fn = registered.find((r) => r.type === "aws:lambda/function:Function")!;
        expect(fn.name).toBe("h-function");
        expect(fn.inputs.memorySize).toBe(functionDefaults.memorySize);
        expect(fn.inputs.timeout).toBe(30);
        expect(fn.inputs.reservedConcurrentExecutions).toBe(10);
        expect(fn.inputs.tracingConfig).toEqual({ mode: "Active" });
        expect(fn.inputs.runtime).toBe("nodejs24.x");
        expect(fn.inputs.handler).toBe("index.handler");
        expect(fn.inputs.loggingConfig).toEqual({ logFormat: "JSON", logGroup: await valueOf(parts.logGroup.name) });
        const logs = registered.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!;
        expect(logs.inputs.retentionInDays).toBe(30);
        const policy = JSON.parse(registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy);
        const actions = policy.Statement.flatMap((s: any) => s.Action);
        expect(actions).toEqual(expect.arrayContaining(["logs:PutLogEvents", "xray:PutTraceSegments", "sqs:ReceiveMessage"]));
        for (const statement of policy.Statement) {
            if (statement.Resource.includes("*")) expect(statement.Action.every((a: string) => a.startsWith("xray:"))).toBe(true);
            expect(statement.Action.some((a: string) => a === "*" || a.endsWith(":*"))).toBe(false);
        }
        const role = JSON.parse(registered.find((r) => r.type === "aws:iam/role:Role")!.inputs.assumeRolePolicy);
        expect(role.Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
        expect(registered.some((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toBe(false);
    });

    test("every default is overridable", async () => {
        const holder = new Holder("h");
        const parts = createFunction(
            "h",
            {
                code,
                handler: "main.run",
                runtime: "python3.13",
                memorySize: 2048,
                timeout: 120,
                reservedConcurrentExecutions: 3,
                tracingMode: "PassThrough",
                logRetentionInDays: 7,
                logFormat: "Text",
                architectures: ["arm64"],
                environment: { STAGE: "prod" },
                policyStatements: [{ actions: ["dynamodb:GetItem"], resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"] }],
            },
            [],
            holder,
        );
        await valueOf(parts.function.arn);
        await valueOf(parts.rolePolicy.policy);
        const fn = registered.find((r) => r.type === "aws:lambda/function:Function")!.inputs;
        expect(fn).toMatchObject({
            handler: "main.run",
            runtime: "python3.13",
            memorySize: 2048,
            timeout: 120,
            reservedConcurrentExecutions: 3,
            tracingConfig: { mode: "PassThrough" },
            architectures: ["arm64"],
            environment: { variables: { STAGE: "prod" } },
        });
        expect(fn.loggingConfig.logFormat).toBe("Text");
        expect(registered.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!.inputs.retentionInDays).toBe(7);
        const policy = JSON.parse(registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy);
        expect(policy.Statement.flatMap((s: any) => s.Action)).toContain("dynamodb:GetItem");
    });
});

describe("arns", () => {
    test("service, FIFO, and the statement a destination needs", async () => {
        expect(arnService("arn:aws:sqs:us-east-1:1:q")).toBe("sqs");
        expect(arnService("not-an-arn")).toBeUndefined();
        expect(isFifoArn("arn:aws:sqs:us-east-1:1:q.fifo")).toBe(true);
        expect(await valueOf(destinationStatements("arn:aws:sns:us-east-1:1:t"))).toEqual({ actions: ["sns:Publish"], resources: ["arn:aws:sns:us-east-1:1:t"] });
        expect((await valueOf(destinationStatements("arn:aws:s3:::b"))).resources).toEqual(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
        expect((await valueOf(destinationStatements("arn:aws:events:us-east-1:1:event-bus/b"))).actions).toEqual(["events:PutEvents"]);
    });

    test("policyDocument renders statements with Allow by default", async () => {
        const doc = JSON.parse(await valueOf(policyDocument([{ actions: ["sqs:SendMessage"], resources: [pulumi.output("arn:q")] }])));
        expect(doc).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:q"] }] });
    });
});

describe("malformed function args", () => {
    test("wrong types are argument errors, not crashes", () => {
        const errors = new ArgumentErrors("X", "x");
        validateFunctionArgs(errors, "function", {
            code,
            architectures: "arm64" as any,
            environment: ["A=1"] as any,
            policyStatements: [{ actions: [], resources: ["arn:aws:s3:::b"] }, { actions: ["s3:GetObject"], resources: [] as string[], effect: "Maybe" }, null as any],
            memorySize: "1024" as any,
        });
        let error: ComponentArgumentError | undefined;
        try {
            errors.throwIfAny();
        } catch (e) {
            error = e as ComponentArgumentError;
        }
        expect(error?.arguments).toEqual([
            "function.memorySize",
            "function.architectures",
            "function.environment",
            "function.policyStatements[0].actions",
            "function.policyStatements[1].resources",
            "function.policyStatements[1].effect",
            "function.policyStatements[2]",
        ]);
    });
});
