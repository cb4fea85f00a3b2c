/** Records what a component registers on Pulumi mocks, for tests that assert a component's properties. */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

/** Installs recording mocks (call in `beforeEach`); the returned list fills as resources register. */
export function recordResources(): Registered[] {
    const registered: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                const name = args.inputs.name ?? `${args.name}-1a2b3c`;
                return { id: `${args.name}-id`, state: { ...args.inputs, name, arn: `arn:aws:mock:us-east-1:123456789012:${name}` } };
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

/** Waits until every registration the program started has reached the mock. */
export function settle(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 50));
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

/** The error a construction throws, checking that it registered nothing but the component itself. */
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
    const children = registered.slice(before).filter((resource) => !resource.type.startsWith("serverless-guardrails:"));
    if (children.length > 0) throw new Error(`resources registered before the throw: ${children.map((r) => r.name).join(", ")}`);
    return thrown;
}
