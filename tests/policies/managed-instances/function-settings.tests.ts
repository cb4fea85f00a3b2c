import { managedInstancesFunctionSettings } from "../../../policies/managed-instances/function-settings";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const PROVIDER_ARN = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet";

function managed(config: Record<string, unknown> = {}) {
    return { capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: PROVIDER_ARN, ...config } } };
}

const fn = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(managedInstancesFunctionSettings, { type: T.lambdaFunction, name: "api", props: { runtime: "nodejs24.x", ...props }, config });

const compliant = { ...managed(), memorySize: 2048, publish: true, publishTo: "LATEST_PUBLISHED" };

describe("managed-instances-function-settings", () => {
    test("compliant: 2 GB or more, published, a supported runtime, ratios within AWS's ranges", async () => {
        expect((await fn(compliant)).violations).toEqual([]);
        expect((await fn({ ...compliant, ...managed({ executionEnvironmentMemoryGibPerVcpu: 4, perExecutionEnvironmentMaxConcurrency: 64 }), memorySize: 32768, runtime: "python3.14" })).violations).toEqual([]);
        for (const runtime of ["nodejs22.x", "java21", "java25", "dotnet8", "dotnet10", "provided.al2023", "python3.13"]) {
            expect([runtime, (await fn({ ...compliant, runtime })).violations]).toEqual([runtime, []]);
        }
        expect((await fn({ ...compliant, runtime: undefined, packageType: "Image" })).violations).toEqual([]);
    });

    test("compliant: an on-demand function is not this policy's business", async () => {
        expect((await fn({ memorySize: 128 })).violations).toEqual([]);
    });

    test("violating: the 128 MB default, unpublished (the provider's defaults), each reported", async () => {
        const { violations } = await fn(managed());
        expect(violations).toHaveLength(2);
        expect(violations[0]).toMatch(/`memorySize` is 128 MB, below the 2048 MB/);
        expect(violations[1]).toMatch(/`publish` is not true: Lambda launches instances for a published version only/);
    });

    test("violating: a runtime older than Managed Instances support, ratios out of range, no capacity provider ARN", async () => {
        expect((await fn({ ...compliant, runtime: "nodejs20.x" })).violations[0]).toMatch(/`nodejs20.x` does not run on Managed Instances: use Node.js 22 or later/);
        expect((await fn({ ...compliant, runtime: "python3.12" })).violations[0]).toMatch(/Python 3.13 or later/);
        expect((await fn({ ...compliant, runtime: "ruby3.3" })).violations[0]).toMatch(/Node.js 22\+, Python 3.13\+/);
        expect((await fn({ ...compliant, ...managed({ executionEnvironmentMemoryGibPerVcpu: 16 }) })).violations[0]).toMatch(/`executionEnvironmentMemoryGibPerVcpu` must be a number from 2 to 8/);
        expect((await fn({ ...compliant, ...managed({ perExecutionEnvironmentMaxConcurrency: 0 }) })).violations[0]).toMatch(/from 1 to 1600/);
        expect((await fn({ ...compliant, capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: {} } })).violations[0]).toMatch(/capacityProviderArn` is not set/);
    });

    test("unknown at preview: the capacity provider's ARN may be unknown; an unknown memory size gives the engine's advisory", async () => {
        const unknownArn = { capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: UNKNOWN } } };
        expect((await fn({ ...compliant, ...unknownArn })).violations).toEqual([]);
        const outcome = await fn({ ...compliant, memorySize: UNKNOWN });
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/memorySize/);
    });

    test("malformed: odd blocks and values give messages, never a throw", async () => {
        expect((await fn({ ...compliant, capacityProviderConfig: "fleet" })).violations[0]).toMatch(/is missing/);
        expect((await fn({ ...compliant, memorySize: "big" })).violations[0]).toMatch(/not a number of MB/);
        expect((await fn({ ...compliant, runtime: 22 })).violations[0]).toMatch(/not a runtime name/);
        expect((await fn({ ...compliant, publish: "yes" })).violations[0]).toMatch(/`publish` is not true/);
        expect((await fn({ ...compliant, ...managed({ executionEnvironmentMemoryGibPerVcpu: [4] }) })).violations).toHaveLength(1);
    });

    test("waiver: a waived function is not applicable", async () => {
        const outcome = await fn(managed(), { waivers: [{ resource: "api", reason: "being migrated" }] });
        expect(outcome.notApplicable).toBe("waived: being migrated");
    });
});
