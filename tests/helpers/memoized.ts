/** `make(key)` once per key in this suite: the tests that read the same result share one run of it. */
export function memoized<T>(make: (key: string) => Promise<T>): (key: string) => Promise<T> {
    const made = new Map<string, Promise<T>>();
    return (key) => {
        if (!made.has(key)) made.set(key, make(key));
        return made.get(key)!;
    };
}
