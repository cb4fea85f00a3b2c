import type * as pulumi from "@pulumi/pulumi";

// Kept outside the classes: every class field would become an output in the component-provider schema.
const names = new WeakMap<pulumi.Resource, string>();

/** Remembers the name a component was created with, for children its methods create later. */
export function rememberName(component: pulumi.Resource, name: string): void {
    names.set(component, name);
}

export function nameOf(component: pulumi.Resource): string {
    const name = names.get(component);
    if (name === undefined) throw new Error("component name was not recorded: call rememberName in its constructor");
    return name;
}
