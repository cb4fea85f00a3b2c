import type { Node, ResourceGraph } from "../graph";
import { asString, isSet, peek } from "../props";
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
 */
export function functionLogGroup(graph: ResourceGraph, fn: Node): { group?: Node; external?: string } {
    if (isSet(fn.raw, "loggingConfig.logGroup")) {
        const group = graph.targets(fn, "loggingConfig", T.logGroup)[0];
        if (group) return { group };
        const name = asString(peek(fn.raw, "loggingConfig.logGroup"));
        const byName = name ? logGroupsByName(graph).get(name) : undefined;
        if (byName) return { group: byName };
        if (name) return { external: name };
    }
    const fromFunction = graph.referrers(fn, "name", T.logGroup)[0];
    if (fromFunction) return { group: fromFunction };
    const fnName = asString(peek(fn.raw, "name"));
    const byName = fnName ? logGroupsByName(graph).get(`${LAMBDA_LOG_PREFIX}${fnName}`) : undefined;
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
