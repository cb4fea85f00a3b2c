/**
 * Seeded generators of malformed input for robustness tests: property bags with the resources' real
 * property names holding garbage (wrong types, nulls, the engine's unknown sentinels, deep nesting,
 * huge or empty arrays, strings where objects belong), and random resource graphs for stack policies.
 * Deterministic: the same seed gives the same inputs, so a failure can be replayed from its seed.
 */
import { T } from "../../policies/lib/types";

/** The engine's sentinels for unknown values (boolean, number, string, array, asset, archive, object). */
export const UNKNOWN_SENTINELS = [
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
] as const;

export interface Random {
    /** Uniform in [0, 1). */
    next(): number;
    /** Integer in [0, n). */
    int(n: number): number;
    pick<V>(items: readonly V[]): V;
    chance(p: number): boolean;
}

// Held once: under Jest every global lookup (`Math`, `Array`) goes through the sandbox's global proxy, and the
// generators below run millions of times per suite.
const { floor, imul } = Math;

/** mulberry32: small, fast, good enough for test inputs. */
export function createRandom(seed: number): Random {
    let state = seed >>> 0;
    const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = imul(t ^ (t >>> 15), t | 1);
        t ^= t + imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number) => floor(next() * n);
    return { next, int, pick: (items) => items[int(items.length)], chance: (p) => next() < p };
}

/**
 * Property paths the pack reads, per resource type ("a.b" is a nested block). The generator puts
 * garbage at these paths and at their prefixes, so every block a policy walks through gets odd values.
 */
export const propertyPaths: Readonly<Record<string, readonly string[]>> = {
    [T.lambdaFunction]: [
        "memorySize", "timeout", "reservedConcurrentExecutions", "runtime", "packageType", "imageUri", "handler", "role",
        "tracingConfig.mode", "deadLetterConfig.targetArn", "environment.variables", "vpcConfig.subnetIds", "name", "arn",
        "publish", "capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn",
        "capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.executionEnvironmentMemoryGibPerVcpu",
        "capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.perExecutionEnvironmentMaxConcurrency",
        "durableConfig.executionTimeout", "durableConfig.retentionPeriod",
    ],
    [T.lambdaCapacityProvider]: [
        "vpcConfig.subnetIds", "vpcConfig.securityGroupIds", "permissionsConfig.capacityProviderOperatorRoleArn",
        "capacityProviderScalingConfigs.0.maxVcpuCount", "capacityProviderScalingConfigs.0.scalingMode", "instanceRequirements.0.architectures",
    ],
    [T.lambdaRecursionConfig]: ["recursiveLoop", "functionName"],
    [T.lambdaFunctionUrl]: ["authorizationType", "functionName", "qualifier", "cors.allowOrigins"],
    [T.lambdaPermission]: ["principal", "sourceArn", "sourceAccount", "action", "function", "principalOrgId"],
    [T.lambdaEventInvokeConfig]: [
        "functionName", "maximumRetryAttempts", "maximumEventAgeInSeconds",
        "destinationConfig.onFailure.destination", "destinationConfig.onSuccess.destination",
    ],
    [T.lambdaEventSourceMapping]: [
        "eventSourceArn", "functionName", "startingPosition", "batchSize", "maximumRetryAttempts", "maximumRecordAgeInSeconds",
        "bisectBatchOnFunctionError", "functionResponseTypes", "scalingConfig.maximumConcurrency",
        "destinationConfig.onFailure.destinationArn", "queues", "selfManagedEventSource.endpoints", "documentDbEventSourceConfig.databaseName",
        "filterCriteria.filters", "enabled", "maximumBatchingWindowInSeconds",
    ],
    [T.snsTopicSubscription]: ["topic", "protocol", "endpoint", "redrivePolicy", "redrivePolicy.deadLetterTargetArn", "rawMessageDelivery"],
    [T.eventTarget]: ["rule", "arn", "deadLetterConfig.arn", "retryPolicy.maximumRetryAttempts", "eventBusName", "input"],
    [T.schedulerSchedule]: ["scheduleExpression", "target.arn", "target.roleArn", "target.deadLetterConfig.arn", "target.retryPolicy.maximumRetryAttempts", "flexibleTimeWindow.mode"],
    [T.pipe]: [
        "source", "target", "roleArn",
        "sourceParameters.kinesisStreamParameters.deadLetterConfig.arn", "sourceParameters.kinesisStreamParameters.startingPosition",
        "sourceParameters.dynamodbStreamParameters.deadLetterConfig.arn", "sourceParameters.sqsQueueParameters.batchSize",
    ],
    [T.restApiStage]: ["restApi", "deployment", "stageName", "accessLogSettings.destinationArn", "accessLogSettings.format", "xrayTracingEnabled"],
    [T.httpApiStage]: ["apiId", "name", "accessLogSettings.destinationArn", "accessLogSettings.format", "defaultRouteSettings.throttlingRateLimit"],
    [T.sqsQueue]: ["name", "fifoQueue", "redrivePolicy", "redrivePolicy.deadLetterTargetArn", "visibilityTimeoutSeconds", "messageRetentionSeconds"],
    [T.snsTopic]: ["name", "fifoTopic", "kmsMasterKeyId"],
    [T.metricAlarm]: ["metricName", "namespace", "dimensions.QueueName", "alarmActions", "threshold", "comparisonOperator", "metricQueries"],
    [T.logGroup]: ["name", "arn", "retentionInDays", "logGroupClass"],
    [T.restApiMethodSettings]: ["restApi", "stageName", "methodPath", "settings.loggingLevel", "settings.throttlingBurstLimit", "settings.throttlingRateLimit"],
    [T.sfnStateMachine]: ["type", "loggingConfiguration.level", "loggingConfiguration.logDestination", "tracingConfiguration.enabled"],
};

const SERVICES = ["sqs", "sns", "s3", "lambda", "kinesis", "dynamodb", "kafka", "mq", "events", "logs", "iam", "rds"];
const WORDS = [
    "Allow", "Terminate", "NONE", "AWS_IAM", "Active", "PassThrough", "LATEST", "TRIM_HORIZON", "Image", "Zip",
    "ReportBatchItemFailures", "nodejs18.x", "nodejs22.x", "python3.8", "go1.x", "provided.al2023", "s3.amazonaws.com",
    "sns.amazonaws.com", "*", "true", "false", "-1", "0", "128", "3", "1e309", "NaN", "{", "}", "[]", "{}", "null",
    "__proto__", "constructor", "toString", "hasOwnProperty", "arn:", "arn:aws", ":::::", ".fifo", "\u0000", "💥",
];

const OBJECT_KEYS = [...WORDS, "arn", "destinationArn", "mode", "deadLetterConfig"];

function randomArn(rng: Random): string {
    const service = rng.pick(SERVICES);
    const resource = rng.pick(["q", "q.fifo", "stream/s", "table/t/stream/2026-01-01T00:00:00.000", "function:f", "topic.fifo", ""]);
    return `arn:${rng.pick(["aws", "aws-cn", ""])}:${service}:${rng.pick(["eu-west-1", ""])}:${rng.pick(["123456789012", ""])}:${resource}`;
}

function randomString(rng: Random): string {
    switch (rng.int(5)) {
        case 0: return rng.pick(WORDS);
        case 1: return randomArn(rng);
        case 2: return rng.pick(UNKNOWN_SENTINELS);
        case 3: return JSON.stringify({ deadLetterTargetArn: rng.chance(0.5) ? randomArn(rng) : rng.pick(UNKNOWN_SENTINELS) });
        default: return "x".repeat(rng.int(20));
    }
}

function randomNumber(rng: Random): number {
    return rng.pick([0, -0, -1, 1, 3, 128, 900, 10241, 2 ** 53, -(2 ** 31), 0.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, rng.int(1e6) - 5e5]);
}

/** A scalar: null, undefined, a boolean, an odd number, a string (words, ARNs, sentinels, JSON). */
export function randomLeaf(rng: Random): unknown {
    switch (rng.int(5)) {
        case 0: return null;
        case 1: return undefined;
        case 2: return rng.chance(0.5);
        case 3: return randomNumber(rng);
        default: return randomString(rng);
    }
}

/** One string for every draw of it: the same value, without allocating 20 KB per bag. */
const LONG_STRING = "y".repeat(20_000);

/** Any value at all, malformed for whatever property it lands in. Bounded in size. */
export function randomValue(rng: Random, depth = 0): unknown {
    if (depth >= 3) return randomLeaf(rng);
    switch (rng.int(10)) {
        case 0: return [];
        case 1: return {};
        case 2: return Array.from({ length: 1 + rng.int(4) }, () => randomValue(rng, depth + 1));
        case 3: {
            const leaves = [randomLeaf(rng), randomLeaf(rng), randomLeaf(rng)];
            const huge: unknown[] = [];
            for (let i = 0; i < 2_000; i++) huge.push(leaves[i % 3]);
            return huge;
        }
        case 4: {
            const object: Record<string, unknown> = {};
            for (let i = 1 + rng.int(3); i > 0; i--) object[rng.pick(OBJECT_KEYS)] = randomValue(rng, depth + 1);
            return object;
        }
        case 5: {
            let value = randomLeaf(rng);
            for (let i = 5 + rng.int(60); i > 0; i--) value = rng.chance(0.5) ? { [rng.pick(["a", "onFailure", "mode", "arn", "0"])]: value } : [value];
            return value;
        }
        case 6: return LONG_STRING;
        default: return randomLeaf(rng);
    }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown) {
    let block: any = target;
    for (const key of path.slice(0, -1)) {
        if (block[key] === null || typeof block[key] !== "object" || Array.isArray(block[key])) {
            Object.defineProperty(block, key, { value: {}, enumerable: true, writable: true, configurable: true });
        }
        block = block[key];
    }
    Object.defineProperty(block, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A malformed property bag for a resource of `type`: its real property paths (see `propertyPaths`;
 * a few generic ones for other types) set to garbage, blocks replaced wholesale by strings, sentinels,
 * arrays or deep nests, plus stray keys.
 */
export function malformedProps(rng: Random, type: string): Record<string, unknown> {
    const paths = (propertyPaths[type] ?? ["name", "arn", "tags.Name"]).map((p) => p.split("."));
    const props: Record<string, unknown> = {};
    for (const path of paths) {
        if (!rng.chance(0.6)) continue;
        const cut = 1 + rng.int(path.length);
        setPath(props, path.slice(0, cut), randomValue(rng));
    }
    if (rng.chance(0.1)) setPath(props, ["__proto__"], randomValue(rng));
    if (rng.chance(0.2)) props[rng.pick(WORDS)] = randomValue(rng);
    return props;
}

export interface RandomResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

/**
 * A random stack: `count` resources of the given types (default: every type in `propertyPaths`) with
 * malformed props and random parents, dependencies and property dependencies, in the shape
 * `analyzeStack` of the policy harness takes. Edges point only to earlier resources: the engine's
 * graph is acyclic.
 */
export function randomGraph(rng: Random, count: number, types: readonly string[] = Object.keys(propertyPaths)): RandomResource[] {
    const resources: RandomResource[] = [];
    for (let i = 0; i < count; i++) {
        const type = rng.pick(types);
        const resource: RandomResource = { type, name: `r${i}`, props: malformedProps(rng, type) };
        if (i > 0) {
            const earlier = () => resources[rng.int(i)].name;
            if (rng.chance(0.3)) resource.parent = earlier();
            if (rng.chance(0.7)) resource.dependencies = [...new Set(Array.from({ length: 1 + rng.int(4) }, earlier))];
            const keys = [...Object.keys(resource.props), ...(propertyPaths[type] ?? []).map((p) => p.split(".")[0])];
            if (resource.dependencies && keys.length > 0 && rng.chance(0.8)) {
                resource.propertyDependencies = {};
                for (let k = 1 + rng.int(3); k > 0; k--) {
                    resource.propertyDependencies[rng.pick(keys)] = resource.dependencies.filter(() => rng.chance(0.6));
                }
            }
        }
        resources.push(resource);
    }
    return resources;
}
