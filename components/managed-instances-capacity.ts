import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import type * as awsInputs from "@pulumi/aws/types/input";
import { ArgumentErrors } from "./lib/argument-errors";
import { plainString } from "./lib/arns";
import { assumeRolePolicy } from "./lib/iam";

/** The arguments of a `ManagedInstancesCapacity`: `subnetIds` and `securityGroupIds` are required. */
export interface ManagedInstancesCapacityArgs {
    /**
     * Subnets the instances run in, in at least two Availability Zones (AWS launches three instances by default, one
     * per zone): a list of at least 2 distinct subnet ids. Required.
     */
    subnetIds: pulumi.Input<string>[];
    /** Security groups of the instances: a list of at least 1 id. Required. */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * Most vCPUs the provider may run across its instances, a whole number from 2 to 15000: the bound on its scale
     * (and its EC2 bill). Default 64.
     */
    maxVcpuCount?: number;
    /**
     * Target average CPU utilization to scale on, in percent (a whole number from 1 to 100); a lower target keeps
     * headroom for spikes. Default: Lambda's own scaling (`Auto`).
     */
    targetCpuUtilization?: number;
    /**
     * The instances' architecture: `x86_64` or `arm64`. Default `x86_64`, AWS's: the component sends an architecture
     * only when given, so the default is the same with or without `allowedInstanceTypes` / `excludedInstanceTypes`
     * (give `arm64` for Graviton instance types such as `m7g.large`).
     */
    architecture?: string;
    /** Instance types Lambda may choose (e.g. `["m7g.large"]`), non-empty strings; AWS advises letting Lambda choose. Default: any. */
    allowedInstanceTypes?: string[];
    /** Instance types Lambda must not choose, non-empty strings; not with `allowedInstanceTypes`. Default: none. */
    excludedInstanceTypes?: string[];
    /** Role Lambda assumes to manage the instances. Default: a new role with `AWSLambdaManagedEC2ResourceOperator`. */
    operatorRoleArn?: pulumi.Input<string>;
    /** KMS key for the instances' volumes. Default: AWS managed encryption. */
    kmsKeyArn?: pulumi.Input<string>;
}

/** The defaults a `ManagedInstancesCapacity` applies (`architecture`: AWS's default, which the component leaves to AWS). */
export const managedInstancesCapacityDefaults = {
    maxVcpuCount: 64,
    architecture: "x86_64",
} as const;

/** AWS: the managed policy an operator role needs (Lambda operator role for Lambda Managed Instances). */
const OPERATOR_POLICY_ARN = "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator";

/**
 * A Lambda Managed Instances capacity provider with bounded scale: `maxVcpuCount` caps the EC2 capacity Lambda
 * launches (the capacity provider's reserved concurrency), the instances spread over several subnets, and an
 * operator role lets Lambda manage them. Give its `capacityProviderArn` to a function's `capacityProvider.arn`.
 */
export class ManagedInstancesCapacity extends pulumi.ComponentResource {
    /** The Lambda capacity provider. */
    public readonly capacityProvider: lambda.CapacityProvider;
    /** The capacity provider's ARN: give it to a function's `capacityProvider.arn`. */
    public readonly capacityProviderArn: pulumi.Output<string>;
    /** The capacity provider's name. */
    public readonly capacityProviderName: pulumi.Output<string>;
    /** The role Lambda assumes to manage the instances: `operatorRoleArn`, or the role created for it. */
    public readonly operatorRoleArn: pulumi.Output<string>;

    constructor(name: string, args: ManagedInstancesCapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        validateManagedInstancesCapacityArgs(name, args);
        super("serverless-guardrails:index:ManagedInstancesCapacity", name, {}, opts);
        const parent = { parent: this };
        const maxVcpuCount = args.maxVcpuCount ?? managedInstancesCapacityDefaults.maxVcpuCount;

        let operatorRoleArn: pulumi.Input<string>;
        const dependsOn: pulumi.Resource[] = [];
        if (args.operatorRoleArn !== undefined) {
            operatorRoleArn = args.operatorRoleArn;
        } else {
            const role = new iam.Role(`${name}-operator-role`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, parent);
            dependsOn.push(new iam.RolePolicyAttachment(`${name}-operator-policy`, { role: role.name, policyArn: OPERATOR_POLICY_ARN }, parent));
            operatorRoleArn = role.arn;
        }
        const manual = args.targetCpuUtilization !== undefined;
        const requirements = args.architecture !== undefined || args.allowedInstanceTypes !== undefined || args.excludedInstanceTypes !== undefined;
        this.capacityProvider = new lambda.CapacityProvider(
            `${name}-provider`,
            {
                vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
                permissionsConfig: { capacityProviderOperatorRoleArn: operatorRoleArn },
                // @pulumi/aws declares every field of these blocks required, but AWS rejects scaling policies in Auto
                // mode and both instance-type lists at once: the unused ones are left out.
                capacityProviderScalingConfigs: [
                    {
                        scalingMode: manual ? "Manual" : "Auto",
                        maxVcpuCount,
                        ...(manual ? { scalingPolicies: [{ predefinedMetricType: "LambdaCapacityProviderAverageCPUUtilization", targetValue: args.targetCpuUtilization! }] } : {}),
                    } as awsInputs.lambda.CapacityProviderCapacityProviderScalingConfig,
                ],
                instanceRequirements: requirements
                    ? [
                          {
                              // Not given: AWS's default (x86_64) applies, as it does without instance requirements.
                              ...(args.architecture !== undefined ? { architectures: [args.architecture] } : {}),
                              ...(args.allowedInstanceTypes ? { allowedInstanceTypes: args.allowedInstanceTypes } : {}),
                              ...(args.excludedInstanceTypes ? { excludedInstanceTypes: args.excludedInstanceTypes } : {}),
                          } as awsInputs.lambda.CapacityProviderInstanceRequirement,
                      ]
                    : undefined,
                kmsKeyArn: args.kmsKeyArn,
            },
            // Lambda checks the operator role's permissions when it creates the provider.
            { parent: this, dependsOn },
        );
        this.capacityProviderArn = this.capacityProvider.arn;
        this.capacityProviderName = this.capacityProvider.name;
        this.operatorRoleArn = pulumi.output(operatorRoleArn);
        this.registerOutputs({
            capacityProviderArn: this.capacityProviderArn,
            capacityProviderName: this.capacityProviderName,
            operatorRoleArn: this.operatorRoleArn,
        });
    }
}

function validateIdList(errors: ArgumentErrors, argument: string, value: unknown, minimum: number, why: string): void {
    if (!Array.isArray(value)) {
        errors.add(argument, `is required: a list of ${minimum > 1 ? `at least ${minimum} ` : ""}ids`);
        return;
    }
    value.forEach((item, index) => {
        if (item === undefined || item === null || item === "" || (typeof item !== "string" && !pulumi.Output.isInstance(item) && !(item instanceof Promise))) {
            errors.add(`${argument}[${index}]`, `must be an id (got ${JSON.stringify(item)})`);
        }
    });
    const known = value.map((item) => plainString(item)).filter((id): id is string => id !== undefined);
    const distinct = new Set(known).size + (value.length - known.length);
    if (distinct < minimum) errors.add(argument, `must list at least ${minimum} distinct ${why} (got ${distinct})`);
}

function validateManagedInstancesCapacityArgs(name: string, args: ManagedInstancesCapacityArgs): void {
    const errors = new ArgumentErrors("ManagedInstancesCapacity", name);
    if (typeof args !== "object" || args === null) {
        errors.add("args", "is required (at least `subnetIds` and `securityGroupIds`)");
        errors.throwIfAny();
    }
    validateIdList(errors, "subnetIds", args.subnetIds, 2, "subnets, in different Availability Zones, so that one zone's outage does not stop the functions");
    validateIdList(errors, "securityGroupIds", args.securityGroupIds, 1, "security group");
    errors.integerInRange("maxVcpuCount", args.maxVcpuCount, 2, 15000);
    errors.integerInRange("targetCpuUtilization", args.targetCpuUtilization, 1, 100);
    errors.oneOf("architecture", args.architecture, ["x86_64", "arm64"]);
    errors.stringList("allowedInstanceTypes", args.allowedInstanceTypes);
    errors.stringList("excludedInstanceTypes", args.excludedInstanceTypes);
    if (args.allowedInstanceTypes !== undefined && args.excludedInstanceTypes !== undefined) {
        errors.add("excludedInstanceTypes", "cannot be given with allowedInstanceTypes: give one or the other");
    }
    errors.throwIfAny();
}
