import type { Node, ResourceGraph } from "../graph";
import { asString, peek } from "../props";
import { T } from "../types";
import { memo } from "./findings";

/** The log group Lambda writes to when a function names none. */
export const LAMBDA_LOG_PREFIX = "/aws/lambda/";

/** Log groups of the stack by their known name. */
export const logGroupsByName = memo((graph: ResourceGraph) => {
    const byName = new Map<string, Node>();
    for (const group of graph.ofType(T.logGroup)) {
        const name = asString(peek(group.raw, "name"));
        if (name && !byName.has(name)) byName.set(name, group);
    }
    return byName;
});

/**
 * The function's log group: the one its `loggingConfig.logGroup` names, else `/aws/lambda/<name>`
 * (a group whose `name` came from the function, or whose known name matches its known name).
 * `external` when the function names a group that is not in the stack.
 *
 * `loggingConfig` is Optional+Computed: unknown in a first preview's planned state when the program sets
 * none, and after the create AWS reports Lambda's own `/aws/lambda/<name>` in it, which is the default,
 * not a group the program chose.
 */
export function functionLogGroup(graph: ResourceGraph, fn: Node): { group?: Node; external?: string } {
    const fnName = asString(peek(fn.raw, "name"));
    const lambdaDefault = fnName !== undefined ? `${LAMBDA_LOG_PREFIX}${fnName}` : undefined;
    if (graph.isSet(fn, "loggingConfig.logGroup")) {
        const group = graph.targets(fn, "loggingConfig", T.logGroup)[0];
        if (group) return { group };
        const name = asString(peek(fn.raw, "loggingConfig.logGroup"));
        const byName = name ? logGroupsByName(graph).get(name) : undefined;
        if (byName) return { group: byName };
        if (name && name !== lambdaDefault) return { external: name };
    }
    const fromFunction = graph.referrers(fn, "name", T.logGroup)[0];
    if (fromFunction) return { group: fromFunction };
    const byName = lambdaDefault ? logGroupsByName(graph).get(lambdaDefault) : undefined;
    return byName ? { group: byName } : {};
}

/** Every log group of the stack that some function writes to (judged by `lambda-log-retention`). */
export const functionLogGroups = memo((graph: ResourceGraph) => {
    const groups = new Set<Node>();
    for (const fn of graph.ofType(T.lambdaFunction)) {
        const { group } = functionLogGroup(graph, fn);
        if (group) groups.add(group);
    }
    return groups;
});
