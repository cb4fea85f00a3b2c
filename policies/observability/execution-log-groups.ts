import type { Node, ResourceGraph } from "../lib/graph";
import { logGroupsByName } from "../lib/graph/index";
import { asString, known, peek } from "../lib/props";
import { T } from "../lib/types";

/**
 * REST API execution logs. When a stage's `loggingLevel` is ERROR or INFO (an `aws.apigateway.MethodSettings`),
 * API Gateway creates `API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}` itself, with no retention
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-execution-logging.html).
 */
export const EXECUTION_LOG_PREFIX = "API-Gateway-Execution-Logs_";

/** A MethodSettings that turns execution logging on, with the stage and API it is for. */
export interface ExecutionLogging {
    settings: Node;
    level: string;
    stage?: Node;
    api?: Node;
    /** Known parts of the group name, when known. */
    restApiId?: string;
    stageName?: string;
}

/**
 * The MethodSettings' execution logging, undefined when it logs nothing. `settings.loggingLevel` is
 * Optional+Computed: at a first preview it is unknown when the program did not set it, which
 * `graph.presence` reads as unset (no resource produced it).
 */
export function executionLogging(graph: ResourceGraph, settings: Node): ExecutionLogging | undefined {
    const presence = graph.presence(settings, "settings.loggingLevel");
    if (presence === "unset") return undefined;
    const level = asString(known(settings.raw, "settings.loggingLevel"))?.toUpperCase();
    if (level !== "ERROR" && level !== "INFO") return undefined;
    const api = graph.targets(settings, "restApi", T.restApi)[0] ?? graph.byLiteral(peek(settings.raw, "restApi"));
    const restApiId = asString(peek(api?.raw, "id")) ?? asString(peek(settings.raw, "restApi"));
    const stageName = asString(peek(settings.raw, "stageName"));
    let stage: Node | undefined = graph.targets(settings, "stageName", T.restApiStage)[0];
    if (!stage && api && stageName) {
        stage = graph.referrers(api, "restApi", T.restApiStage).find((s) => asString(peek(s.raw, "stageName")) === stageName);
    }
    return { settings, level, stage, api, restApiId, stageName: stageName ?? asString(peek(stage?.raw, "stageName")) };
}

function isAccessLogDestination(graph: ResourceGraph, group: Node): boolean {
    return graph.referrers(group, "accessLogSettings").length > 0;
}

/**
 * The stack's log group for these execution logs: the group with the known name
 * `API-Gateway-Execution-Logs_<id>/<stage>`, else (a first preview, where the API's id is unknown) a
 * group whose `name` comes from the API, that no stage writes access logs to, and whose name, when
 * known, has the prefix and stage, and when unknown comes from this stage or from no stage.
 */
export function executionLogGroup(graph: ResourceGraph, logging: ExecutionLogging): Node | undefined {
    const { api, stage, restApiId, stageName } = logging;
    if (restApiId && stageName) {
        const byName = logGroupsByName(graph).get(`${EXECUTION_LOG_PREFIX}${restApiId}/${stageName}`);
        if (byName) return byName;
    }
    if (!api) return undefined;
    return graph.referrers(api, "name", T.logGroup).find((group) => {
        if (isAccessLogDestination(graph, group)) return false;
        const name = asString(peek(group.raw, "name"));
        if (name !== undefined) return name.startsWith(EXECUTION_LOG_PREFIX) && (stageName === undefined || name.endsWith(`/${stageName}`));
        const stages = graph.targets(group, "name", T.restApiStage);
        return stages.length === 0 || (stage !== undefined && stages.includes(stage));
    });
}
