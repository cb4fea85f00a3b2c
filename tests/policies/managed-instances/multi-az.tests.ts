import { managedInstancesMultiAz } from "../../../policies/managed-instances/multi-az";
import { T } from "../../../policies/lib/types";
import { UNKNOWN, analyze } from "../../helpers/policy-harness";

const provider = (subnetIds: unknown, config?: Record<string, unknown>) =>
    analyze(managedInstancesMultiAz, {
        type: T.lambdaCapacityProvider,
        name: "fleet",
        props: { vpcConfig: subnetIds === undefined ? { securityGroupIds: ["sg-1"] } : { subnetIds, securityGroupIds: ["sg-1"] } },
        config,
    });

describe("managed-instances-multi-az", () => {
    test("compliant: subnets in two or more zones", async () => {
        expect((await provider(["subnet-a", "subnet-b"])).violations).toEqual([]);
        expect((await provider(["subnet-a", "subnet-b", "subnet-c"], { minimumSubnets: 3 })).violations).toEqual([]);
    });

    test("violating: one subnet (or the same one twice), or none", async () => {
        expect((await provider(["subnet-a"])).violations[0]).toMatch(/lists 1 subnet, fewer than 2/);
        expect((await provider(["subnet-a", "subnet-a"])).violations[0]).toMatch(/lists 1 subnet/);
        expect((await provider(["subnet-a", "subnet-b"], { minimumSubnets: 3 })).violations[0]).toMatch(/lists 2 subnets, fewer than 3/);
        expect((await provider(undefined)).violations[0]).toMatch(/not set/);
    });

    test("unknown at preview: unknown subnet ids count one each; an unknown list gives the engine's advisory", async () => {
        expect((await provider([UNKNOWN, UNKNOWN, UNKNOWN])).violations).toEqual([]);
        expect((await provider([UNKNOWN])).violations).toHaveLength(1);
        const outcome = await provider(UNKNOWN);
        expect(outcome.violations).toEqual([]);
        expect(outcome.cantRunAtPreview).toMatch(/subnetIds/);
    });

    test("malformed: odd values give a message, never a throw", async () => {
        expect((await provider("subnet-a")).violations[0]).toMatch(/not a list/);
        expect((await provider([null, "", "subnet-a"])).violations[0]).toMatch(/lists 1 subnet/);
        expect((await provider([{ id: 1 }, ["x"]])).violations).toEqual([]);
    });

    test("waiver: a waived provider is not applicable", async () => {
        expect((await provider(["subnet-a"], { waivers: [{ resource: "fleet", reason: "dev sandbox" }] })).notApplicable).toBe("waived: dev sandbox");
    });
});
