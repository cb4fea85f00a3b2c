import type { Node } from "../lib/graph";
import { memo } from "../lib/graph/findings";
import { type FlowEdge, type FlowGraph, isEventSource, isHub } from "./event-flow";

/**
 * Loops a wildcard grant makes possible: a function's wildcard write ("may write to any SQS queue") that
 * reaches, through certain edges, an event source that triggers the function. Not evidence that the code
 * writes there (no-recursive-loops needs a grant that names the target), but what the wildcard allows:
 * lambda-role-least-privilege names it. One breadth-first search per "any <kind>" vertex, so the cost
 * stays O(kinds x (V + E)) however many functions share the wildcard.
 */

export interface WildcardLoop {
    /** The function's wildcard write. */
    edge: FlowEdge;
    /** From the written vertex back to the function, ending with the trigger edge into it. */
    path: FlowEdge[];
}

function breadthFirst(flow: FlowGraph, start: number): Map<number, FlowEdge> {
    const via = new Map<number, FlowEdge>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
        for (const e of flow.out[queue[head]]) {
            if (!e.certain || e.to === start || via.has(e.to)) continue;
            via.set(e.to, e);
            queue.push(e.to);
        }
    }
    return via;
}

function pathTo(via: Map<number, FlowEdge>, start: number, end: number): FlowEdge[] {
    const path: FlowEdge[] = [];
    for (let at = end; at !== start; ) {
        const e = via.get(at)!;
        path.unshift(e);
        at = e.from;
    }
    return path;
}

/** The wildcard loops of each function, computed once per flow graph. */
export const wildcardLoopsOf = memo((flow: FlowGraph): Map<Node, WildcardLoop[]> => {
    const into: FlowEdge[][] = flow.vertices.map(() => []);
    for (const e of flow.edges) if (e.certain && !e.write && isEventSource(flow.vertices[e.from])) into[e.to].push(e);
    const trees = new Map<number, Map<number, FlowEdge>>();
    const result = new Map<Node, WildcardLoop[]>();
    for (const edge of flow.edges) {
        if (!edge.write || !edge.certain || edge.grant?.evidence !== "wildcard") continue;
        const triggers = into[edge.from];
        if (triggers.length === 0) continue;
        const fromHub = isHub(flow.vertices[edge.to]);
        let best: FlowEdge[] | undefined;
        if (fromHub) {
            let via = trees.get(edge.to);
            if (!via) trees.set(edge.to, (via = breadthFirst(flow, edge.to)));
            for (const trigger of triggers) {
                if (!via.has(trigger.from)) continue;
                const path = [...pathTo(via, edge.to, trigger.from), trigger];
                if (!best || path.length < best.length) best = path;
            }
        } else {
            // A wildcard judged on one resource (a Deny or NotResource elsewhere): only that resource re-triggering the function.
            const direct = triggers.find((t) => t.from === edge.to);
            if (direct) best = [direct];
        }
        if (!best) continue;
        const fn = flow.vertices[edge.from];
        const list = result.get(fn);
        if (list) list.push({ edge, path: best });
        else result.set(fn, [{ edge, path: best }]);
    }
    return result;
});
