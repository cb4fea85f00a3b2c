import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capture } from "../../checker/capture";

// Pulumi's auto-naming adds a random suffix to each physical name; the mocks derive it from the URN.

test("a failed capture does not leak into the next", async () => {
    await expect(capture(() => { new aws.sqs.Queue("q"); throw new Error("boom"); })).rejects.toThrow(/boom/);
    const resources = await capture(() => { new aws.sqs.Queue("ok"); });
    expect(resources.some((r) => r.name === "ok")).toBe(true);
});

test("a child named alike under parents of different types gets its own physical name and ARN in update mode", async () => {
    class Box extends pulumi.ComponentResource {
        constructor(type: string, name: string) {
            super(type, name);
            new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
            this.registerOutputs({});
        }
    }
    const resources = await capture(() => { new Box("test:index:Box", "audit"); new Box("test:index:Crate", "audit"); }, { preview: false });
    const arns = resources.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => r.outputs.arn);
    expect(arns).toHaveLength(2);
    expect(arns[0]).not.toEqual(arns[1]);
});
