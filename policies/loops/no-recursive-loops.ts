import { UnknownValueError } from "@pulumi/policy";
import { graphOf, type ResourceGraph } from "../lib/graph";
import { findingOn } from "../lib/graph/index";
import { describeGrant, roleOf, unknownDocumentError } from "../lib/iam";
import { type StackFinding, stackPolicy } from "../lib/policy";
import { UNKNOWN_STRING_SENTINEL } from "../lib/props";
import { T } from "../lib/types";
import { shortestCycle, stronglyConnected } from "./cycles";
import { type FlowEdge, type FlowGraph, describeCycle, describeVertex, flowOf, isEventSource, isNamedWrite, loopDetectionOff, undetectedIn } from "./event-flow";

/**
 * Loops by the strength of the evidence: a loop is reported (mandatory) only when every write in it is
 * a grant that names its target (property dependencies, the target's ARN, or a name pattern that fits
 * it and not every resource of its kind). A loop closed only by a wildcard (`Resource: "*"`, `sqs:*` on
 * `*`, a FullAccess managed policy) says the role is too broad, not that the code writes there:
 * lambda-role-least-privilege reports it.
 */

/** An edge that counts towards a reported loop: a trigger, or a certain write that names its target. */
const evidence = (e: FlowEdge) => e.certain && (!e.write || isNamedWrite(e));
/** An edge that may count once unknown values are known (a first preview): a trigger, or a write that names its target. */
const possible = (e: FlowEdge) => !e.write || isNamedWrite(e);

function isCycle(flow: FlowGraph, members: number[], component: Int32Array, use: (e: FlowEdge) => boolean): boolean {
    if (members.length > 1) return true;
    return flow.out[members[0]].some((e) => use(e) && e.to === members[0] && component[e.to] === component[e.from]);
}

/** The edge to report on: a function's "may write" edge (the permission to narrow), else the last declared edge. */
function closingEdge(cycle: FlowEdge[]): FlowEdge | undefined {
    return cycle.find((e) => e.write && e.owner?.type === T.lambdaFunction) ?? [...cycle].reverse().find((e) => e.owner);
}

/** Whether AWS's own recursive loop detection would stop the loop (see event-flow.ts for the sources). */
function detectionNote(graph: ResourceGraph, flow: FlowGraph, cycle: FlowEdge[]): string {
    const nodes = cycle.flatMap((e) => [flow.vertices[e.from], ...(e.owner ? [e.owner] : [])]);
    const undetected = undetectedIn(nodes);
    if (undetected) {
        return `AWS's recursive loop detection follows only Lambda, SQS, SNS and S3, not ${describeVertex(undetected)}: it would not stop this loop.`;
    }
    const off = nodes.find((n) => n.type === T.lambdaFunction && loopDetectionOff(graph, n));
    if (off) return `AWS's recursive loop detection is turned off for function \`${off.name}\` (recursiveLoop \`Allow\`): it would not stop this loop.`;
    return (
        "AWS's recursive loop detection would stop it, but only after about 16 rounds, dropping the event, and only if each " +
        "function writes through a supported AWS SDK (which passes on the trace header it counts with)."
    );
}

function* findCycles(graph: ResourceGraph): Generator<StackFinding> {
    const flow = flowOf(graph);
    const count = flow.vertices.length;
    const component = stronglyConnected(count, flow.out, evidence);
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
        if (start === undefined || !isCycle(flow, vertices, component, evidence)) continue;
        const cycle = shortestCycle(start, flow.out, component, evidence);
        const closing = closingEdge(cycle);
        if (!closing?.owner) continue;
        reported.add(component[start]);
        const inCycle = new Set(cycle.map((e) => e.from));
        const others = vertices.filter((v) => !inCycle.has(v) && flow.vertices[v].resource !== undefined).map((v) => describeVertex(flow.vertices[v]));
        const grants = cycle.filter((e) => e.write && e.grant).map((e) => `${describeGrant(e.grant!)} (for ${describeVertex(flow.vertices[e.from])})`);
        yield findingOn(
            closing.owner,
            `Recursive loop: ${describeCycle(flow, cycle)}. Each event can cause the next, forever, with a bill to match. ` +
                (grants.length > 0 ? `The grant that closes it: ${grants.join("; ")}. ` : "") +
                `${detectionNote(graph, flow, cycle)}` +
                (others.length > 0 ? ` The same loop also runs through ${others.join(", ")}.` : "") +
                " Break it: write to a resource that does not trigger this chain, filter the trigger so the function's own events do not match, " +
                "or narrow the role's `Resource` so it cannot write there.",
        );
    }
    const uncertain = flow.edges.filter((e) => !e.certain && isNamedWrite(e));
    if (uncertain.length === 0) return;
    const maybe = stronglyConnected(count, flow.out, possible);
    const withSource = new Set<number>();
    for (let v = 0; v < count; v++) if (isEventSource(flow.vertices[v])) withSource.add(maybe[v]);
    for (const edge of uncertain) {
        const inPossibleLoop = maybe[edge.from] === maybe[edge.to] && withSource.has(maybe[edge.from]);
        const inReportedLoop = reported.has(component[edge.from]) && component[edge.from] === component[edge.to];
        if (!inPossibleLoop || inReportedLoop) continue;
        const { document, statement } = edge.grant!;
        if (document) throw unknownDocumentError(document);
        const fn = edge.owner!;
        if (!statement?.carrier) throw new UnknownValueError(UNKNOWN_STRING_SENTINEL, [fn.name, "role"]);
        // An object document whose Action or Resource holds an unknown value.
        throw unknownDocumentError({ carrier: statement.carrier, path: ["policy"], origin: statement.origin, role: roleOf(graph, fn), sources: statement.sources });
    }
}

export const noRecursiveLoops = stackPolicy<{}, ResourceGraph>(
    {
        name: "no-recursive-loops",
        displayName: "No recursive event loops",
        description:
            "A function that writes to the queue, topic, bucket, table, stream or bus that triggers it (directly or through " +
            "other functions) invokes itself forever: the bill grows every second until someone notices. AWS stops only " +
            "some of these loops (through SQS, SNS and S3), and only after about 16 rounds. Reported when the role grants " +
            "the write on that very resource; a loop possible only through a wildcard grant is left to lambda-role-least-privilege.",
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
