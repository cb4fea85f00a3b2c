import { managedInstancesVcpuQuota } from "../../../policies/managed-instances/vcpu-quota";
import { T } from "../../../policies/lib/types";
import { nowAndAtFirstPreview, resource, survivesMalformed } from "../../helpers/graph-fixtures";
import { UNKNOWN, analyzeStack, urnOf } from "../../helpers/policy-harness";

const policy = managedInstancesVcpuQuota;

const providers = (caps: unknown[]) =>
    caps.map((cap, i) =>
        resource(T.lambdaCapacityProvider, `fleet-${i}`, {
            vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] },
            ...(cap === undefined ? {} : { capacityProviderScalingConfigs: [{ scalingMode: "Auto", maxVcpuCount: cap }] }),
        }),
    );

describe("managed-instances-vcpu-quota", () => {
    test("compliant: caps within the account's EC2 vCPU quota; uncapped providers are bounded-scale's to report", async () => {
        for (const graph of [providers([400, 600]), providers([1000]), providers([undefined, 500]), providers([])]) {
            const { known, preview } = await nowAndAtFirstPreview(policy, graph);
            expect(known.violations).toEqual([]);
            expect(preview.violations).toEqual([]);
            expect(preview.cantRunAtPreview).toBeUndefined();
        }
    });

    test("compliant: an unset scaling config is unknown in a first preview's planned state, and still no verdict is asked for", async () => {
        const outcome = await analyzeStack(policy, [resource(T.lambdaCapacityProvider, "fleet", { capacityProviderScalingConfigs: UNKNOWN })]);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toBeUndefined();
    });

    test("violating: caps summing above accountVcpuQuota, reported on the largest, listing all", async () => {
        const { known, preview } = await nowAndAtFirstPreview(policy, providers([400, 700]));
        expect(known.violations).toHaveLength(1);
        expect(known.violations[0]).toMatch(/may launch 1100 vCPUs \(capacity provider `fleet-1` 700, capacity provider `fleet-0` 400\), more than the account's EC2 vCPU quota of 1000/);
        expect(known.urns).toEqual([urnOf(T.lambdaCapacityProvider, "fleet-1")]);
        expect(preview.violations).toEqual(known.violations);
        expect((await analyzeStack(policy, providers([400, 700]), { accountVcpuQuota: 2000 })).violations).toEqual([]);
    });

    test("unknown at preview: a cap from another resource's output gives the engine's advisory; the known sum is still judged", async () => {
        const graph = [...providers([1200]), { ...resource(T.lambdaCapacityProvider, "later", { capacityProviderScalingConfigs: UNKNOWN }), propertyDependencies: { capacityProviderScalingConfigs: ["fleet-0"] } }];
        const outcome = await analyzeStack(policy, graph);
        expect(outcome.violations).toHaveLength(1);
        expect(outcome.cantRunAtPreview).toMatch(/capacityProviderScalingConfigs/);
    });

    test("malformed: odd scaling configs never throw", async () => {
        expect((await analyzeStack(policy, providers(["many", -4, null, { a: 1 }]))).violations).toEqual([]);
        expect(await survivesMalformed(policy, providers([400, 700, 100]))).toBe(40);
    });

    test("waiver: a waived finding is reported as not applicable", async () => {
        const outcome = await analyzeStack(policy, providers([400, 700]), { waivers: [{ resource: "fleet-1", reason: "quota raised to 4000" }] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/quota raised/);
    });
});
