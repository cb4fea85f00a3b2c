import { DURABLE, isDurable } from "../lib/lambda-kinds";
import { resourcePolicy } from "../lib/policy";
import { UNKNOWN, asNumber, asRecord, isSet, known, peek } from "../lib/props";
import { T } from "../lib/types";

interface Config {
    maximumExecutionTimeoutSeconds: number;
    minimumRetentionDays: number;
    maximumRetentionDays: number;
}

/** AWS: `RetentionPeriodInDays` defaults to 14 (the provider's Check fills it in). */
const DEFAULT_RETENTION_DAYS = 14;

export const durableExecutionBounds = resourcePolicy<Config>({
    name: "durable-execution-bounds",
    displayName: "Durable executions are bounded in time and history",
    description:
        "A durable execution runs, and holds its checkpointed state, until its execution timeout: up to a year. A timeout " +
        "far above the workflow's longest expected run keeps stuck executions alive, billing and counting against the " +
        "account's running-executions quota; history kept too briefly is gone before a failure is investigated, and " +
        "kept too long costs storage.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["lambda", "durable-functions", "cost", "reliability"],
    remediationSteps:
        "Set `durableConfig.executionTimeout` (seconds) to a little above the workflow's longest expected run, at most " +
        "`maximumExecutionTimeoutSeconds`, and `durableConfig.retentionPeriod` (days) within " +
        "[`minimumRetentionDays`, `maximumRetentionDays`].",
    config: {
        maximumExecutionTimeoutSeconds: { type: "integer", minimum: 1, maximum: 31622400, default: 2592000, description: "largest executionTimeout allowed, in seconds (default 30 days)" },
        minimumRetentionDays: { type: "integer", minimum: 1, maximum: 90, default: 7, description: "shortest retentionPeriod allowed, in days" },
        maximumRetentionDays: { type: "integer", minimum: 1, maximum: 90, default: 90, description: "longest retentionPeriod allowed, in days" },
    },
    resourceTypes: [T.lambdaFunction],
    check({ raw }, config) {
        if (!isDurable(raw)) return undefined;
        const block = peek(raw, DURABLE);
        if (block !== UNKNOWN && !asRecord(block)) return "`durableConfig` is not a block: set `durableConfig: { executionTimeout, retentionPeriod }`.";
        const problems: string[] = [];
        if (!isSet(raw, `${DURABLE}.executionTimeout`)) {
            problems.push(`\`durableConfig.executionTimeout\` is not set: set it to the workflow's longest expected run in seconds, at most ${config.maximumExecutionTimeoutSeconds}.`);
        } else {
            const timeout = asNumber(known(raw, `${DURABLE}.executionTimeout`));
            if (timeout === undefined || timeout < 1) {
                problems.push("`durableConfig.executionTimeout` is not a positive number of seconds: set it to the workflow's longest expected run.");
            } else if (timeout > config.maximumExecutionTimeoutSeconds) {
                problems.push(`\`durableConfig.executionTimeout\` is ${timeout} seconds, above the allowed maximum of ${config.maximumExecutionTimeoutSeconds}: lower it to the workflow's longest expected run (at most ${config.maximumExecutionTimeoutSeconds}).`);
            }
        }
        const retention = isSet(raw, `${DURABLE}.retentionPeriod`) ? asNumber(known(raw, `${DURABLE}.retentionPeriod`)) : DEFAULT_RETENTION_DAYS;
        if (retention === undefined) {
            problems.push("`durableConfig.retentionPeriod` is not a number of days: set it to how long failed executions must stay available for investigation.");
        } else if (retention < config.minimumRetentionDays || retention > config.maximumRetentionDays) {
            problems.push(`\`durableConfig.retentionPeriod\` is ${retention} days, outside the allowed range [${config.minimumRetentionDays}, ${config.maximumRetentionDays}]: change it to a value in that range.`);
        }
        return problems;
    },
});
