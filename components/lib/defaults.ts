/** The args with every default applied: a field with a default is never undefined. */
export type WithDefaults<D, A> = Omit<A, keyof D> & { [K in keyof D]-?: K extends keyof A ? NonNullable<A[K]> | D[K] : D[K] };

/** `args` over `defaults`: every field the caller left undefined takes its default. */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A | undefined): WithDefaults<D, A> {
    const given = Object.fromEntries(Object.entries(args ?? {}).filter(([, value]) => value !== undefined));
    return { ...defaults, ...given } as WithDefaults<D, A>;
}
