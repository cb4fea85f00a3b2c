/** Records what a component registers on Pulumi mocks, for tests that assert a component's properties. */
import "./pulumi-promise-stacks";
import * as pulumi from "@pulumi/pulumi";
import { defaultEnvironment, resourceState } from "../../checker/mocks";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** What the mock answered: inputs plus plausible computed outputs (ARNs, names) as in an update. */
    state: Record<string, any>;
}

/** Installs recording mocks (call in `beforeEach`); the returned list fills as resources register. */
export function recordResources(): Registered[] {
    const registered: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const { id, state } = resourceState(args.type, args.name, args.inputs, false, defaultEnvironment);
                registered.push({ type: args.type, name: args.name, inputs: args.inputs, state });
                return { id: id ?? `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        },
        "project",
        "stack",
        false,
    );
    return registered;
}

/** The resolved value of an output (or plain input). */
export function valueOf<T>(value: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => pulumi.output(value as pulumi.Input<T>).apply((v) => resolve(v as T)));
}

/** @pulumi/pulumi runtime/settings.ts: internal (not in its declarations), so reached through a cast, with a fallback. */
const { waitForRPCs } = pulumi.runtime as { waitForRPCs?: () => Promise<void> };

/**
 * Waits until every registration the program started has reached the mock: Pulumi's runtime counts each one as an
 * outstanding RPC until the monitor answers (rpcKeepAlive), and `waitForRPCs` waits for them all, and for those started
 * meanwhile; a turn of the event loop between two waits lets registrations made in callbacks start. Without it (a
 * @pulumi/pulumi that no longer has it), a fixed 50 ms. tests/components/recorder.tests.ts fails if this returns early.
 */
export async function settle(): Promise<void> {
    if (typeof waitForRPCs !== "function") return new Promise((resolve) => setTimeout(resolve, 50));
    for (let turn = 0; turn < 2; turn++) {
        await waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
    }
}

export function byType(registered: Registered[], type: string): Registered[] {
    return registered.filter((resource) => resource.type === type);
}

/** The one resource of a type; fails the test when there are none or several. */
export function one(registered: Registered[], type: string): Registered {
    const found = byType(registered, type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    return found[0];
}

/** The error a construction throws, checking that it registered nothing, not even the component itself. */
export async function argumentError(registered: Registered[], construct: () => unknown): Promise<Error> {
    const before = registered.length;
    let thrown: unknown;
    try {
        construct();
    } catch (error) {
        thrown = error;
    }
    if (!(thrown instanceof Error)) throw new Error("expected the component to throw");
    await settle();
    const registeredBefore = registered.slice(before);
    if (registeredBefore.length > 0) throw new Error(`resources registered before the throw: ${registeredBefore.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    return thrown;
}
