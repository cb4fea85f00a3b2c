import { ManagedInstancesCapacity } from "../../components/managed-instances-capacity";
import { ComponentArgumentError } from "../../components/lib/argument-errors";
import { argumentError, byType, one, recordResources, settle, valueOf, type Registered } from "../helpers/component-recorder";

const subnetIds = ["subnet-a", "subnet-b", "subnet-c"];
const securityGroupIds = ["sg-1"];

let registered: Registered[];

describe("ManagedInstancesCapacity", () => {
    beforeEach(() => {
        registered = recordResources();
    });

    test("defaults: a provider capped at 64 vCPUs on Auto scaling, in the given subnets, with an operator role", async () => {
        const capacity = new ManagedInstancesCapacity("fleet", { subnetIds, securityGroupIds });
        await valueOf(capacity.capacityProviderArn);
        await settle();
        const provider = one(registered, "aws:lambda/capacityProvider:CapacityProvider");
        expect(provider.name).toBe("fleet-provider");
        expect(provider.inputs).toMatchObject({
            vpcConfig: { subnetIds, securityGroupIds },
            capacityProviderScalingConfigs: [{ scalingMode: "Auto", maxVcpuCount: 64 }],
        });
        expect(provider.inputs.capacityProviderScalingConfigs[0].scalingPolicies).toBeUndefined();
        expect(provider.inputs.instanceRequirements).toBeUndefined();
        const role = one(registered, "aws:iam/role:Role");
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "lambda.amazonaws.com" });
        expect(one(registered, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator");
        expect(provider.inputs.permissionsConfig.capacityProviderOperatorRoleArn).toBe(await valueOf(capacity.operatorRoleArn));
        expect(await valueOf(capacity.capacityProviderArn)).toMatch(/^arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet-provider-/);
    });

    test("a CPU target switches to Manual scaling; instance requirements and a given operator role are passed on", async () => {
        const operator = "arn:aws:iam::123456789012:role/lambda-operator";
        const capacity = new ManagedInstancesCapacity("batch", { subnetIds, securityGroupIds, maxVcpuCount: 200, targetCpuUtilization: 40, architecture: "arm64", allowedInstanceTypes: ["m7g.large", "c7g.xlarge"], operatorRoleArn: operator });
        await valueOf(capacity.capacityProviderArn);
        await settle();
        const provider = one(registered, "aws:lambda/capacityProvider:CapacityProvider");
        expect(provider.inputs.capacityProviderScalingConfigs).toEqual([{ scalingMode: "Manual", maxVcpuCount: 200, scalingPolicies: [{ predefinedMetricType: "LambdaCapacityProviderAverageCPUUtilization", targetValue: 40 }] }]);
        expect(provider.inputs.instanceRequirements).toEqual([{ architectures: ["arm64"], allowedInstanceTypes: ["m7g.large", "c7g.xlarge"] }]);
        expect(provider.inputs.permissionsConfig.capacityProviderOperatorRoleArn).toBe(operator);
        expect(byType(registered, "aws:iam/role:Role")).toHaveLength(0);
    });

    test("invalid arguments throw one error naming each, before any child resource", async () => {
        const error = await argumentError(registered, () =>
            new ManagedInstancesCapacity("bad", {
                subnetIds: ["subnet-a"],
                securityGroupIds: [],
                maxVcpuCount: 1,
                targetCpuUtilization: 150,
                architecture: "sparc",
                allowedInstanceTypes: ["m7g.large"],
                excludedInstanceTypes: ["t3.micro"],
            }),
        );
        expect(error).toBeInstanceOf(ComponentArgumentError);
        expect((error as ComponentArgumentError).arguments).toEqual(["subnetIds", "securityGroupIds", "maxVcpuCount", "targetCpuUtilization", "architecture", "excludedInstanceTypes"]);
        expect(error.message).toMatch(/subnetIds: must list at least 2 distinct subnets, in different Availability Zones/);
    });

    test("malformed arguments are argument errors, not crashes", async () => {
        for (const args of [undefined, null, "fleet", { subnetIds: "subnet-a", securityGroupIds }, { subnetIds: [null, 3], securityGroupIds }, { subnetIds: ["a", "a"], securityGroupIds }]) {
            const error = await argumentError(registered, () => new ManagedInstancesCapacity("odd", args as any));
            expect(error).toBeInstanceOf(ComponentArgumentError);
        }
    });
});
