import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AsyncFunction } from "../../components/async-function";
import { CostGuardrails } from "../../components/cost-guardrails";
import { ManagedInstancesCapacity } from "../../components/managed-instances-capacity";
import { QueueWorker } from "../../components/queue-worker";
import { StreamWorker } from "../../components/stream-worker";
import { passesThePackInBothModes } from "../helpers/compliance";

const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ batchItemFailures: [] });") });

function program() {
    // budget-alarm judges the whole stack: a stack with a budget is what a real application has.
    new CostGuardrails("budget", { monthlyLimit: 100, emails: ["finance@example.com"] });
    const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
    const subnets = ["a", "b", "c"].map((zone, i) => new aws.ec2.Subnet(`app-${zone}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${zone}` }));
    const group = new aws.ec2.SecurityGroup("app", { vpcId: vpc.id });
    const fleet = new ManagedInstancesCapacity("fleet", { subnetIds: subnets.map((s) => s.id), securityGroupIds: [group.id] });
    new ManagedInstancesCapacity("batch", { subnetIds: subnets.map((s) => s.id), securityGroupIds: [group.id], maxVcpuCount: 32, targetCpuUtilization: 50, architecture: "arm64" });
    const onFleet = { arn: fleet.capacityProviderArn };
    new QueueWorker("orders", { function: { code, capacityProvider: onFleet } });
    new AsyncFunction("thumbnails", { function: { code, capacityProvider: { ...onFleet, memoryGibPerVcpu: 4 }, memorySize: 4096 } });
    const table = new aws.dynamodb.Table("events", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], billingMode: "PAY_PER_REQUEST", streamEnabled: true, streamViewType: "NEW_IMAGE" });
    new StreamWorker("events", { streamArn: table.streamArn, function: { code, capacityProvider: { ...onFleet, perExecutionEnvironmentMaxConcurrency: 32 } } });
}

describe("ManagedInstancesCapacity and functions on it through the policy pack", () => {
    passesThePackInBothModes(program, (result) => {
        const types = result.resources.map((r) => r.type);
        expect(types.filter((t) => t === "serverless-guardrails:index:ManagedInstancesCapacity")).toHaveLength(2);
        expect(types.filter((t) => t === "aws:lambda/capacityProvider:CapacityProvider")).toHaveLength(2);
        const functions = result.resources.filter((r) => r.type === "aws:lambda/function:Function");
        expect(functions).toHaveLength(3);
        for (const fn of functions) expect(fn.inputs.capacityProviderConfig).toBeDefined();
    });
});
