import type { Node, ResourceGraph } from "../graph";
import { UNKNOWN, asString, peek } from "../props";

/** Where a nested reference points. */
export interface NestedRef {
    /** The resources of the stack it points at (empty when unset or outside the stack). */
    nodes: Node[];
    /** True when it is set (known or not), even if it points outside the stack. */
    set: boolean;
    /** True when other references in the same property are unknown too, so which is which cannot be told. */
    ambiguous: boolean;
}

/**
 * The resources that the nested field `path` ("destinationConfig.onFailure.destination") of `node`
 * points at. `propertyDependencies` only say which resources a whole top-level property came from,
 * so a known literal at `path` decides first; otherwise the dependencies of the top-level property
 * (of the given types) are taken, minus those that known literals at `siblingPaths` (the other
 * references in the same property, such as `destinationConfig.onSuccess.destination`) claim.
 */
export function refAt(graph: ResourceGraph, node: Node, path: string, types: readonly string[], siblingPaths: readonly string[] = []): NestedRef {
    const value = peek(node.raw, path);
    if (!graph.isSet(node, path)) return { nodes: [], set: false, ambiguous: false };
    const ofTypes = (n: Node | undefined) => n !== undefined && (types.length === 0 || types.includes(n.type));
    const literal = asString(value);
    if (literal !== undefined) {
        const target = graph.byLiteral(literal);
        return { nodes: ofTypes(target) ? [target!] : [], set: true, ambiguous: false };
    }
    if (value !== UNKNOWN) return { nodes: [], set: true, ambiguous: false };
    const claimed: Node[] = [];
    let ambiguous = false;
    for (const sibling of siblingPaths) {
        const other = peek(node.raw, sibling);
        if (other === UNKNOWN) ambiguous = true;
        const target = graph.byLiteral(other);
        if (target) claimed.push(target);
    }
    const property = path.split(".")[0];
    const nodes = graph.targets(node, property, ...types).filter((n) => !claimed.includes(n));
    return { nodes, set: true, ambiguous: ambiguous && nodes.length > 0 };
}
