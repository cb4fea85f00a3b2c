import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import { anyHolds, findingOn, judgeEach } from "../lib/graph/index";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { asArray, asNumber, asString, known, peek } from "../lib/props";
import { T } from "../lib/types";

function positive(node: Node, path: string): boolean {
    const value = asNumber(known(node.raw, path));
    return value !== undefined && value > 0;
}

function restApiOf(graph: ResourceGraph, node: Node, property = "restApi"): Node | undefined {
    return graph.targets(node, property, T.restApi)[0];
}

/** Does `stageName` of `settings` (a MethodSettings or a usage plan's apiStages entry) name `stage`? */
function namesStage(graph: ResourceGraph, stage: Node, holder: Node, property: string, stageName: unknown, apiProperty: string): boolean {
    if (graph.referrers(stage, property).includes(holder)) return true;
    const name = asString(peek(stage.raw, "stageName"));
    const api = restApiOf(graph, stage);
    return name !== undefined && asString(stageName) === name && api !== undefined && graph.targets(holder, apiProperty, T.restApi).includes(api);
}

/** Resources of `type` that point at the stage, or at its REST API (then matched by literal stage name). */
function nearby(graph: ResourceGraph, stage: Node, type: string, stageProperty: string, apiProperty: string): Node[] {
    const api = restApiOf(graph, stage);
    const result = graph.referrers(stage, stageProperty, type);
    for (const node of api ? graph.referrers(api, apiProperty, type) : []) if (!result.includes(node)) result.push(node);
    return result;
}

function methodSettingsThrottle(graph: ResourceGraph, stage: Node): Node | undefined {
    const candidates = nearby(graph, stage, T.restApiMethodSettings, "stageName", "restApi")
        .filter((m) => peek(m.raw, "methodPath") === "*/*" && namesStage(graph, stage, m, "stageName", peek(m.raw, "stageName"), "restApi"));
    return anyHolds(candidates, (m) => positive(m, "settings.throttlingBurstLimit") && positive(m, "settings.throttlingRateLimit"));
}

function usagePlanThrottle(graph: ResourceGraph, stage: Node): Node | undefined {
    const candidates = nearby(graph, stage, T.restApiUsagePlan, "apiStages", "apiStages")
        .filter((plan) => asArray(peek(plan.raw, "apiStages")).some((entry) => namesStage(graph, stage, plan, "apiStages", peek(entry, "stage"), "apiStages")));
    return anyHolds(candidates, (plan) => positive(plan, "throttleSettings.burstLimit") && positive(plan, "throttleSettings.rateLimit"));
}

export const apiThrottling = stackPolicy<{}, ResourceGraph>(
    {
        name: "api-throttling",
        displayName: "API stages are throttled",
        description:
            "Without stage throttling an API passes every request to its functions up to the account's limit of 10,000 " +
            "requests per second: one noisy client exhausts the account's Lambda concurrency for every other function " +
            "and runs up the bill.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["api", "reliability", "cost"],
        remediationSteps:
            "REST API: add an `aws.apigateway.MethodSettings` with `methodPath: \"*/*\"` for the stage and positive " +
            "`settings.throttlingBurstLimit` and `settings.throttlingRateLimit` (or a usage plan with `throttleSettings`). " +
            "HTTP API: set `defaultRouteSettings.throttlingBurstLimit` and `throttlingRateLimit` on the stage.",
        check(graph) {
            const judges: Record<string, (stage: Node) => StackFinding | undefined> = {
                [T.restApiStage]: (stage) => {
                    if (methodSettingsThrottle(graph, stage) || usagePlanThrottle(graph, stage)) return undefined;
                    return findingOn(
                        stage,
                        `REST API stage \`${stage.name}\` is not throttled: add an \`aws.apigateway.MethodSettings\` for it with \`methodPath\` \`*/*\` ` +
                            "and positive `settings.throttlingBurstLimit` and `settings.throttlingRateLimit` (or a usage plan with `throttleSettings`).",
                    );
                },
                [T.httpApiStage]: (stage) => {
                    if (positive(stage, "defaultRouteSettings.throttlingBurstLimit") && positive(stage, "defaultRouteSettings.throttlingRateLimit")) return undefined;
                    return findingOn(
                        stage,
                        `HTTP API stage \`${stage.name}\` is not throttled: set positive \`defaultRouteSettings.throttlingBurstLimit\` and \`defaultRouteSettings.throttlingRateLimit\`.`,
                    );
                },
            };
            return judgeEach(graph.ofType(...Object.keys(judges)), (stage) => judges[stage.type](stage));
        },
    },
    graphOf,
);
