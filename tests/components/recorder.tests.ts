/**
 * The recorder the component tests assert with (tests/helpers/component-recorder.ts): `settle` must not return before
 * a registration the construction started has reached the mock, or "nothing registered before the throw" would pass
 * on a component that registers first.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argumentError, recordResources, settle } from "../helpers/component-recorder";

class RegistersThenThrows extends pulumi.ComponentResource {
    constructor(name: string, alsoInCallback: boolean) {
        super("test:index:RegistersThenThrows", name, {}, {});
        if (alsoInCallback) pulumi.output("known").apply(() => new aws.sqs.Queue(`${name}-late`, {}, { parent: this }));
        new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
        throw new Error("invalid arguments");
    }
}

describe("the component recorder", () => {
    test.each([false, true])("argumentError fails a construction that registers before it throws (also in a callback: %s)", async (alsoInCallback) => {
        const registered = recordResources();
        await expect(argumentError(registered, () => new RegistersThenThrows("early", alsoInCallback))).rejects.toThrow(/^resources registered before the throw: .*aws:sqs\/queue:Queue early-queue/);
    });

    test("settle returns once resources made from another resource's outputs have registered too", async () => {
        const registered = recordResources();
        const first = new aws.sqs.Queue("first", {});
        first.arn.apply(() => new aws.sqs.Queue("second", {}));
        await settle();
        expect(registered.map((r) => r.name).sort()).toEqual(["first", "second"]);
    });
});
