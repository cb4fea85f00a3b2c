import { UnknownValueError } from "@pulumi/policy";
import { graphOf, type ResourceGraph } from "../lib/graph";
import { findingOn } from "../lib/graph/index";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { UNKNOWN_STRING_SENTINEL } from "../lib/props";
import { T } from "../lib/types";
import { shortestCycle, stronglyConnected } from "./cycles";
import { type FlowEdge, type FlowGraph, describeVertex, flowOf, isEventSource, loopDetectionOff, undetectedTypes } from "./event-flow";

function isCycle(flow: FlowGraph, members: number[], component: Int32Array, use: (e: FlowEdge) => boolean): boolean {
    if (members.length > 1) return true;
    return flow.out[members[0]].some((e) => use(e) && e.to === members[0] && component[e.to] === component[e.from]);
}

/** The edge to report on: a function's "may write" edge (the permission to narrow), else the last declared edge. */
function closingEdge(cycle: FlowEdge[]): FlowEdge | undefined {
    return cycle.find((e) => e.write && e.owner?.type === T.lambdaFunction) ?? [...cycle].reverse().find((e) => e.owner);
}

function detectionNote(graph: ResourceGraph, flow: FlowGraph, cycle: FlowEdge[]): string {
    const nodes = cycle.flatMap((e) => [flow.vertices[e.from], ...(e.owner ? [e.owner] : [])]);
    const undetected = nodes.find((n) => undetectedTypes.has(n.type) || n.type.startsWith("serverless-guardrails:virtual:DefaultEventBus"));
    if (undetected) {
        return `AWS's recursive loop detection (SQS, SNS and S3 only) does not see loops through ${describeVertex(undetected)}: nothing stops this one.`;
    }
    const off = nodes.find((n) => n.type === T.lambdaFunction && loopDetectionOff(graph, n));
    if (off) return `AWS's recursive loop detection is turned off for function \`${off.name}\` (recursiveLoop \`Allow\`): nothing stops this one.`;
    return "AWS's recursive loop detection stops such a loop only after about 16 invocations, dropping the event.";
}

function describeCycle(flow: FlowGraph, cycle: FlowEdge[]): string {
    return cycle.map((e) => `${describeVertex(flow.vertices[e.from])} ${e.how}`).join("; ");
}

function* findCycles(graph: ResourceGraph): Generator<StackFinding> {
    const flow = flowOf(graph);
    const count = flow.vertices.length;
    const certain = (e: FlowEdge) => e.certain;
    const component = stronglyConnected(count, flow.out, certain);
    const members = new Map<number, number[]>();
    for (let v = 0; v < count; v++) {
        const list = members.get(component[v]);
        if (list) list.push(v);
        else members.set(component[v], [v]);
    }
    const reported = new Set<number>();
    for (const vertices of members.values()) {
        // A loop is started by an event source; functions that only call each other are not one.
        const start = vertices.find((v) => isEventSource(flow.vertices[v]));
        if (start === undefined || !isCycle(flow, vertices, component, certain)) continue;
        const cycle = shortestCycle(start, flow.out, component, certain);
        const closing = closingEdge(cycle);
        if (!closing?.owner) continue;
        reported.add(component[start]);
        const inCycle = new Set(cycle.map((e) => e.from));
        const others = vertices.filter((v) => !inCycle.has(v) && flow.vertices[v].resource !== undefined).map((v) => describeVertex(flow.vertices[v]));
        yield findingOn(
            closing.owner,
            `Recursive loop: ${describeCycle(flow, cycle)}. Each event can cause the next, forever, with a bill to match. ` +
                `${detectionNote(graph, flow, cycle)}` +
                (others.length > 0 ? ` The same loop also runs through ${others.join(", ")}.` : "") +
                " Break it: write to a resource that does not trigger this chain, filter the trigger so the function's own events do not match, " +
                "or narrow the role's `Resource` so it cannot write there.",
        );
    }
    const uncertain = flow.edges.filter((e) => !e.certain);
    if (uncertain.length === 0) return;
    const possible = stronglyConnected(count, flow.out, () => true);
    const withSource = new Set<number>();
    for (let v = 0; v < count; v++) if (isEventSource(flow.vertices[v])) withSource.add(possible[v]);
    for (const edge of uncertain) {
        const inPossibleLoop = possible[edge.from] === possible[edge.to] && withSource.has(possible[edge.from]);
        const inReportedLoop = reported.has(component[edge.from]) && component[edge.from] === component[edge.to];
        if (inPossibleLoop && !inReportedLoop) throw new UnknownValueError(UNKNOWN_STRING_SENTINEL, flow.unknownPaths.get(edge) ?? ["policy"]);
    }
}

export const noRecursiveLoops = stackPolicy<{}, ResourceGraph>(
    {
        name: "no-recursive-loops",
        displayName: "No recursive event loops",
        description:
            "A function that writes to the queue, topic, bucket, table, stream or bus that triggers it (directly or through " +
            "other functions) invokes itself forever: the bill grows every second until someone notices. AWS stops only " +
            "some of these loops (SQS, SNS and S3), and only after about 16 rounds.",
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["lambda", "cost", "reliability", "events"],
        remediationSteps:
            "Make the function write to a different resource than the one that triggers it, add a filter (event source " +
            "mapping `filterCriteria`, subscription filter policy, rule event pattern, S3 prefix) that its own writes do not " +
            "match, or narrow its role's `Resource` to the resources it must write to.",
        check: (graph) => findCycles(graph),
    },
    graphOf,
);
