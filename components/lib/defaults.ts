/** `args` over `defaults`: every field the caller left undefined takes its default. */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A | undefined): D & A {
    const given = Object.fromEntries(Object.entries(args ?? {}).filter(([, value]) => value !== undefined));
    return { ...defaults, ...given } as D & A;
}
