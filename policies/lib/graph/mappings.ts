import type { Node, ResourceGraph } from "../graph";
import { EventSourceKind, eventSourceKind } from "../event-sources";
import { T } from "../types";
import { memo } from "./findings";

/** An event source mapping with the resources it joins. */
export interface SourceMapping {
    mapping: Node;
    /** The queue, stream or table it reads (undefined when outside the stack). */
    source?: Node;
    /** The function it feeds (undefined when outside the stack). */
    fn?: Node;
    kind: EventSourceKind;
}

const kindOfSourceType: Record<string, EventSourceKind> = {
    [T.sqsQueue]: "sqs",
    [T.kinesisStream]: "stream",
    [T.dynamodbTable]: "stream",
};

interface MappingIndex {
    all: SourceMapping[];
    byFunction: Map<Node, SourceMapping[]>;
    bySource: Map<Node, SourceMapping[]>;
}

const index = memo((graph: ResourceGraph): MappingIndex => {
    const result: MappingIndex = { all: [], byFunction: new Map(), bySource: new Map() };
    for (const mapping of graph.ofType(T.lambdaEventSourceMapping)) {
        const source = graph.targets(mapping, "eventSourceArn")[0];
        const fn = graph.targets(mapping, "functionName", T.lambdaFunction)[0];
        const kind = (source && kindOfSourceType[source.type]) || eventSourceKind(mapping.raw);
        const link: SourceMapping = { mapping, source, fn, kind };
        result.all.push(link);
        if (fn) add(result.byFunction, fn, link);
        if (source) add(result.bySource, source, link);
    }
    return result;
});

function add<K, V>(map: Map<K, V[]>, key: K, value: V) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

/** Every event source mapping of the stack with its source and function. */
export function sourceMappings(graph: ResourceGraph): readonly SourceMapping[] {
    return index(graph).all;
}

/** The mappings that feed `fn`. */
export function mappingsInto(graph: ResourceGraph, fn: Node): readonly SourceMapping[] {
    return index(graph).byFunction.get(fn) ?? [];
}

/** The mappings that read `source` (a queue, stream or table). */
export function mappingsFrom(graph: ResourceGraph, source: Node): readonly SourceMapping[] {
    return index(graph).bySource.get(source) ?? [];
}
