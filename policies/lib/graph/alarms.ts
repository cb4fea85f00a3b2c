import type { Node, ResourceGraph } from "../graph";
import { UNKNOWN, asArray, asBoolean, asNumber, asRecord, asString, isSet, known, peek } from "../props";
import { T } from "../types";

/** One metric an alarm watches: its own metric, or one metric of a metric-math alarm's `metricQueries`. */
export interface AlarmMetric {
    /** Property path of the metric's fields ("" for the alarm's own, "metricQueries.0.metric" for a query). */
    path: string;
    namespace: unknown;
    metricName: unknown;
    dimensions: unknown;
}

/** The metrics an alarm watches. Values may be UNKNOWN (read them with `known`). */
export function metricsOf(alarm: Node): AlarmMetric[] {
    const metrics: AlarmMetric[] = [];
    if (isSet(alarm.raw, "metricName")) {
        metrics.push({
            path: "",
            namespace: peek(alarm.raw, "namespace"),
            metricName: peek(alarm.raw, "metricName"),
            dimensions: peek(alarm.raw, "dimensions"),
        });
    }
    asArray(peek(alarm.raw, "metricQueries")).forEach((query, i) => {
        const metric = asRecord(asRecord(query)?.metric);
        if (!metric) return;
        const path = `metricQueries.${i}.metric`;
        metrics.push({ path, namespace: peek(alarm.raw, `${path}.namespace`), metricName: peek(alarm.raw, `${path}.metricName`), dimensions: peek(alarm.raw, `${path}.dimensions`) });
    });
    return metrics;
}

/**
 * The alarms whose metric dimensions come from `node` (through `dimensions` or `metricQueries`,
 * by property dependency or a known literal such as the queue's name).
 */
export function alarmsOn(graph: ResourceGraph, node: Node): Node[] {
    const alarms = graph.referrers(node, "dimensions", T.metricAlarm);
    for (const alarm of graph.referrers(node, "metricQueries", T.metricAlarm)) {
        if (!alarms.includes(alarm)) alarms.push(alarm);
    }
    return alarms;
}

/** The resources an alarm's dimensions come from. */
export function dimensionSources(graph: ResourceGraph, alarm: Node): Node[] {
    const sources = graph.targets(alarm, "dimensions");
    for (const node of graph.targets(alarm, "metricQueries")) if (!sources.includes(node)) sources.push(node);
    return sources;
}

/** True when the alarm watches one of `metricNames` in `namespace`; throws UnknownValueError when that is unknown. */
export function watchesMetric(alarm: Node, namespace: string, metricNames: readonly string[]): boolean {
    return metricsOf(alarm).some((metric) => {
        const base = metric.path ? `${metric.path}.` : "";
        const ns = asString(known(alarm.raw, `${base}namespace`));
        const name = asString(known(alarm.raw, `${base}metricName`));
        return ns === namespace && name !== undefined && metricNames.includes(name);
    });
}

/**
 * True when the alarm fires as soon as the value reaches 1: threshold ≤ 1 with
 * GreaterThanOrEqualToThreshold, or < 1 with GreaterThanThreshold. Throws UnknownValueError when unknown.
 */
export function firesOnFirst(alarm: Node): boolean {
    const operator = asString(known(alarm.raw, "comparisonOperator"));
    const threshold = asNumber(known(alarm.raw, "threshold"));
    if (threshold === undefined) return false;
    if (operator === "GreaterThanOrEqualToThreshold") return threshold <= 1;
    if (operator === "GreaterThanThreshold") return threshold < 1;
    return false;
}

/** True when the alarm has an alarm action (known or not) and its actions are not disabled. */
export function notifies(alarm: Node): boolean {
    if (asBoolean(peek(alarm.raw, "actionsEnabled")) === false) return false;
    const actions = peek(alarm.raw, "alarmActions");
    if (!isSet(alarm.raw, "alarmActions")) return false;
    if (actions === UNKNOWN || typeof actions === "string") return true;
    return asArray(actions).some((action) => action !== null && action !== undefined && action !== "");
}
