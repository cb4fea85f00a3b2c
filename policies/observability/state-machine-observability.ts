import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { findingOn, judgeEach } from "../lib/graph/index";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { asBoolean, asString, known, peek } from "../lib/props";
import { shown } from "../lib/secrets";
import { T } from "../lib/types";

interface Config {
    /** The least a state machine must log: FATAL < ERROR < ALL. */
    minimumLogLevel: "FATAL" | "ERROR" | "ALL";
    requireTracing: boolean;
}

const LEVELS = ["OFF", "FATAL", "ERROR", "ALL"];
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[^:]*:[0-9]*:log-group:[^:]+(:\*)?$/;

/**
 * `loggingConfiguration` and `tracingConfiguration` are Optional+Computed in the provider
 * (terraform-provider-aws internal/service/sfn/state_machine.go): at a first preview AnalyzeStack sees
 * them unknown when the program did not set them, which `graph.presence` reads as unset. Their fields
 * (`level`, `logDestination`, `enabled`) are Optional without defaults: absent when not given.
 */
function loggingProblem(graph: ResourceGraph, machine: Node, minimum: string): string | undefined {
    const express = peek(machine.raw, "type") === "EXPRESS";
    const why = express ? "an Express workflow keeps no execution history, so its failures leave no trace" : "failed executions leave no searchable record";
    if (graph.presence(machine, "loggingConfiguration") === "unset") {
        const level = minimum === "ALL" ? "ALL" : "ERROR";
        return `has no \`loggingConfiguration\`: ${why}. Set \`loggingConfiguration\` with \`level: "${level}"\` and \`logDestination\` \`<log group arn>:*\` of a log group of the stack`;
    }
    const problems: string[] = [];
    if (graph.presence(machine, "loggingConfiguration.level") === "unset") {
        problems.push(`\`loggingConfiguration.level\` is not set (Step Functions logs nothing: \`OFF\`), set it to \`${minimum}\` or higher`);
    } else {
        const level = asString(known(machine.raw, "loggingConfiguration.level"))?.toUpperCase();
        const rank = level === undefined ? -1 : LEVELS.indexOf(level);
        if (rank < LEVELS.indexOf(minimum)) problems.push(`\`loggingConfiguration.level\` is ${shown(machine.raw, "loggingConfiguration.level", `\`${level ?? "not a level"}\``)}, below \`${minimum}\``);
    }
    const destination = destinationProblem(graph, machine);
    if (destination) problems.push(destination);
    return problems.length > 0 ? `logs too little: ${problems.join("; ")}. Without logs ${why}` : undefined;
}

/** The destination must be a CloudWatch Logs group: one of the stack (through the graph), or a known log-group ARN. */
function destinationProblem(graph: ResourceGraph, machine: Node): string | undefined {
    const presence = graph.presence(machine, "loggingConfiguration.logDestination");
    if (presence === "unset") return "`loggingConfiguration.logDestination` is not set: give it `<log group arn>:*`";
    if (graph.targets(machine, "loggingConfiguration", T.logGroup).length > 0) return undefined;
    const arn = asString(known(machine.raw, "loggingConfiguration.logDestination"));
    if (arn === undefined) return "`loggingConfiguration.logDestination` is not a string";
    const group = graph.byLiteral(arn.replace(/:\*$/, ""));
    if (group?.type === T.logGroup || (!group && LOG_GROUP_ARN.test(arn))) return undefined;
    return `\`loggingConfiguration.logDestination\` ${shown(machine.raw, "loggingConfiguration.logDestination", `\`${arn}\``)} is not a CloudWatch Logs log group ARN (\`arn:aws:logs:<region>:<account>:log-group:<name>:*\`)`;
}

function tracingProblem(graph: ResourceGraph, machine: Node): string | undefined {
    if (graph.presence(machine, "tracingConfiguration.enabled") !== "unset" && asBoolean(known(machine.raw, "tracingConfiguration.enabled")) === true) {
        return undefined;
    }
    return "does not trace with X-Ray: a slow or failed execution cannot be followed into the functions and services its states call. Set `tracingConfiguration: { enabled: true }`";
}

export const stateMachineObservability = stackPolicy<Config, ResourceGraph>(
    {
        name: "state-machine-observability",
        displayName: "Step Functions state machines log and trace",
        description:
            "A state machine with no logging configuration leaves no searchable record of failed executions (an Express workflow " +
            "none at all, as it keeps no execution history), and one without X-Ray tracing cannot be followed into the " +
            "functions and services its states call.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["stepfunctions", "observability"],
        remediationSteps:
            "Give the `aws.sfn.StateMachine` a `loggingConfiguration` with `level` `ERROR` (or `ALL`), `includeExecutionData: true` " +
            "and `logDestination` `<arn>:*` of an `aws.cloudwatch.LogGroup` of the stack that has `retentionInDays`, and " +
            "`tracingConfiguration: { enabled: true }`; its role needs the CloudWatch Logs delivery and X-Ray write permissions.",
        config: {
            minimumLogLevel: {
                type: "string",
                enum: ["FATAL", "ERROR", "ALL"],
                default: "ERROR",
                description: "The least a state machine must log (FATAL < ERROR < ALL).",
            },
            requireTracing: { type: "boolean", default: true, description: "Also require `tracingConfiguration.enabled`." },
        },
        check(graph, config) {
            const minimum = LEVELS.includes(config.minimumLogLevel) ? config.minimumLogLevel : "ERROR";
            const checks: { machine: Node; problem: () => string | undefined }[] = [];
            for (const machine of graph.ofType(T.sfnStateMachine)) {
                checks.push({ machine, problem: () => loggingProblem(graph, machine, minimum) });
                if (config.requireTracing !== false) checks.push({ machine, problem: () => tracingProblem(graph, machine) });
            }
            return judgeEach(checks, ({ machine, problem }): StackFinding | undefined => {
                const text = problem();
                return text ? findingOn(machine, `State machine \`${machine.name}\` ${text}.`) : undefined;
            });
        },
    },
    graphOf,
);
