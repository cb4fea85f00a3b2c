/**
 * Strongly connected components (Tarjan, iterative: O(V + E), no recursion depth limit) and a shortest
 * cycle through a vertex inside its component (breadth-first, O(V + E) of the component).
 */

export interface Arc {
    from: number;
    to: number;
}

/** Component id of every vertex; `-1` never occurs. Only arcs accepted by `use` count. */
export function stronglyConnected<A extends Arc>(vertexCount: number, out: readonly A[][], use: (arc: A) => boolean): Int32Array {
    const index = new Int32Array(vertexCount).fill(-1);
    const low = new Int32Array(vertexCount);
    const component = new Int32Array(vertexCount).fill(-1);
    const onStack = new Uint8Array(vertexCount);
    const stack: number[] = [];
    const callStack: number[] = [];
    const arcPosition = new Int32Array(vertexCount);
    let counter = 0;
    let components = 0;
    for (let root = 0; root < vertexCount; root++) {
        if (index[root] !== -1) continue;
        callStack.push(root);
        index[root] = low[root] = counter++;
        stack.push(root);
        onStack[root] = 1;
        while (callStack.length > 0) {
            const v = callStack[callStack.length - 1];
            const arcs = out[v];
            if (arcPosition[v] < arcs.length) {
                const arc = arcs[arcPosition[v]++];
                if (!use(arc)) continue;
                const w = arc.to;
                if (index[w] === -1) {
                    index[w] = low[w] = counter++;
                    stack.push(w);
                    onStack[w] = 1;
                    callStack.push(w);
                } else if (onStack[w]) {
                    low[v] = Math.min(low[v], index[w]);
                }
                continue;
            }
            callStack.pop();
            if (callStack.length > 0) {
                const parent = callStack[callStack.length - 1];
                low[parent] = Math.min(low[parent], low[v]);
            }
            if (low[v] === index[v]) {
                let w: number;
                do {
                    w = stack.pop()!;
                    onStack[w] = 0;
                    component[w] = components;
                } while (w !== v);
                components++;
            }
        }
    }
    return component;
}

/** The arcs of a shortest cycle from `start` back to `start`, staying inside `start`'s component. */
export function shortestCycle<A extends Arc>(start: number, out: readonly A[][], component: Int32Array, use: (arc: A) => boolean): A[] {
    const via = new Map<number, A>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
        const v = queue[head];
        for (const arc of out[v]) {
            if (!use(arc) || component[arc.to] !== component[start]) continue;
            if (arc.to === start) {
                const cycle = [arc];
                for (let at = v; at !== start; ) {
                    const back = via.get(at)!;
                    cycle.unshift(back);
                    at = back.from;
                }
                return cycle;
            }
            if (!via.has(arc.to)) {
                via.set(arc.to, arc);
                queue.push(arc.to);
            }
        }
    }
    return [];
}

