import { managedInstancesBoundedScale } from "../../../policies/managed-instances/bounded-scale";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const base = {
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-1"] },
    permissionsConfig: { capacityProviderOperatorRoleArn: "arn:aws:iam::123456789012:role/operator" },
};

const provider = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    analyze(managedInstancesBoundedScale, { type: T.lambdaCapacityProvider, name: "fleet", props: { ...base, ...props }, config });

const scaling = (block: Record<string, unknown>) => ({ capacityProviderScalingConfigs: [block] });

describe("managed-instances-bounded-scale", () => {
    test("compliant: maxVcpuCount set within [2, maximumVcpuCount], Auto or Manual", async () => {
        expect((await provider(scaling({ scalingMode: "Auto", maxVcpuCount: 64 }))).violations).toEqual([]);
        expect((await provider(scaling({ scalingMode: "Manual", maxVcpuCount: 1000, scalingPolicies: [{ predefinedMetricType: "LambdaCapacityProviderAverageCPUUtilization", targetValue: 50 }] }))).violations).toEqual([]);
        expect((await provider(scaling({ maxVcpuCount: 4000 }), { maximumVcpuCount: 5000 })).violations).toEqual([]);
    });

    test("violating: no scaling config, or one without maxVcpuCount: only the EC2 quota bounds the fleet", async () => {
        expect((await provider({})).violations[0]).toMatch(/`capacityProviderScalingConfigs\[0\].maxVcpuCount` is not set/);
        expect((await provider(scaling({ scalingMode: "Auto" }))).violations[0]).toMatch(/is not set/);
        expect((await provider({ capacityProviderScalingConfigs: [] })).violations[0]).toMatch(/is not set/);
    });

    test("violating: above maximumVcpuCount", async () => {
        expect((await provider(scaling({ maxVcpuCount: 1200 }))).violations[0]).toMatch(/`maxVcpuCount` is 1200, outside the allowed range \[2, 1000\]/);
        expect((await provider(scaling({ maxVcpuCount: 64 }), { maximumVcpuCount: 32 })).violations[0]).toMatch(/\[2, 32\]/);
    });

    test("unknown at preview: an unknown cap gives the engine's advisory, no false verdict", async () => {
        const outcome = await provider(scaling({ maxVcpuCount: UNKNOWN }));
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/maxVcpuCount/);
        expect((await provider({ capacityProviderScalingConfigs: UNKNOWN })).cantRunAtPreview).toMatch(/capacityProviderScalingConfigs/);
    });

    test("malformed: odd blocks give a message, never a throw", async () => {
        expect((await provider({ capacityProviderScalingConfigs: { maxVcpuCount: 8 } })).violations[0]).toMatch(/not a list/);
        expect((await provider(scaling({ maxVcpuCount: "many" }))).violations[0]).toMatch(/not a list with a numeric/);
        expect((await provider({ capacityProviderScalingConfigs: [null] })).violations[0]).toMatch(/is not set/);
    });

    test("waiver: a waived provider is not applicable", async () => {
        expect((await provider({}, { waivers: [{ resource: "fleet", reason: "bounded by function scaling configs" }] })).notApplicable).toMatch(/function scaling configs/);
    });
});
