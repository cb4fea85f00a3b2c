import { Secret } from "@pulumi/policy";
import { wireSecretPaths } from "./secret-paths";

/**
 * Which property values are secret, and the one rule for showing a value in a message: a message names the
 * property, and shows its value only when neither that value nor a block around it is secret.
 *
 * What the pack is given (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go: Analyze, AnalyzeStack
 * and Remediate all marshal with KeepSecrets) is the same wire form with secrets marked. @pulumi/policy 1.21
 * (server.ts, deserialize.ts) then:
 * - in Remediate, deserializes with `proxySecrets`: a secret arrives as a `Secret` instance (behind a proxy that
 *   reads through it), and a remediation that writes it back keeps it secret;
 * - in Analyze and AnalyzeStack, deserializes without: the mark is dropped before any policy code runs, so a
 *   policy cannot tell a secret from a plain value through its arguments.
 * For Analyze, the pack therefore wraps @pulumi/policy's `deserializeProperties` (which the server calls through
 * its module object) to note the secret paths of each request, keyed by the object it returns. The values the
 * policies see are untouched. tests/hostile/secrets.test.ts runs this against the compiled pack over gRPC, so an
 * @pulumi/policy upgrade that moves the function fails a test rather than leaking a value.
 */

/** What a message shows instead of a secret value (the Pulumi CLI's own placeholder). */
export const SECRET_PLACEHOLDER = "[secret]";

const secretPathsOf = new WeakMap<object, ReadonlySet<string>>();
const wirePathsOf = new WeakMap<object, ReadonlySet<string>>();

function pathKey(path: readonly (string | number)[]): string {
    return path.join(".");
}

function proxyTarget(value: any): any {
    let target = value;
    for (let i = 0; i < 4 && target !== null && typeof target === "object" && target.__isSpecialProxy === true; i++) {
        target = target.__getSpecialProxyTarget;
    }
    return target;
}

/** Notes that `props` (a plain property object a policy reads) holds secrets at `paths`. */
export function recordSecretPaths(props: object, paths: ReadonlySet<string>): void {
    secretPathsOf.set(props, paths);
}

/** The secret paths noted for a property object (empty when none were noted). */
export function secretPathsIn(props: unknown): ReadonlySet<string> {
    const target = proxyTarget(props);
    return (target !== null && typeof target === "object" && secretPathsOf.get(target)) || new Set();
}

/**
 * Whether the value at `path` may be shown in a message. `props` is what the policy reads (the engine's proxy,
 * or the plain object behind it). The one place that decides it.
 */
export function mayShow(props: unknown, path: string | readonly string[]): boolean {
    const keys = typeof path === "string" ? path.split(".") : path;
    const secrets = secretPathsIn(props);
    if (secrets.size > 0) {
        for (let i = 0; i <= keys.length; i++) if (secrets.has(pathKey(keys.slice(0, i)))) return false;
    }
    // A Secret instance on the way (a remediation's own input) is secret too.
    let value = proxyTarget(props);
    for (const key of keys) {
        if (value instanceof Secret) return false;
        if (value === null || typeof value !== "object") return true;
        value = proxyTarget(value[key]);
    }
    return !(value instanceof Secret);
}

/** `text` (how a message shows the value at `path`) when that value may be shown, else "[secret]". */
export function shown(props: unknown, path: string | readonly string[], text: string): string {
    return mayShow(props, path) ? text : SECRET_PLACEHOLDER;
}

/** A plain copy of `value` with every Secret replaced by its value, and the paths where secrets were. */
export function revealSecrets(value: unknown): { value: unknown; paths: Set<string> } {
    const paths = new Set<string>();
    // The path of the value being copied: one stack for the whole walk (a copy of the path per element made
    // remediating a resource with a long array cost milliseconds).
    const path: (string | number)[] = [];
    const copy = (item: unknown, depth: number): unknown => {
        item = proxyTarget(item);
        if (item instanceof Secret) {
            paths.add(pathKey(path));
            return copy(item.value, depth + 1);
        }
        if (depth > 64 || item === null || typeof item !== "object") return item;
        const copyAt = (key: string | number, element: unknown) => {
            if (element === null || typeof element !== "object") return element;
            path.push(key);
            const copied = copy(element, depth + 1);
            path.pop();
            return copied;
        };
        if (Array.isArray(item)) return item.map((element, index) => copyAt(index, element));
        const proto = Object.getPrototypeOf(item);
        if (proto !== Object.prototype && proto !== null) return item; // assets, archives: kept as they are
        const result: Record<string, unknown> = {};
        for (const [key, element] of Object.entries(item as Record<string, unknown>)) result[key] = copyAt(key, element);
        return result;
    };
    return { value: copy(value, 0), paths };
}

/** Whether a value holds a Secret anywhere (itself included). */
export function holdsSecret(value: unknown, depth = 0): boolean {
    value = proxyTarget(value);
    if (value instanceof Secret) return true;
    if (depth > 64 || value === null || typeof value !== "object") return false;
    const proto = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
    return Object.values(value as Record<string, unknown>).some((item) => holdsSecret(item, depth + 1));
}

interface StructLike {
    toJavaScript(): Record<string, unknown>;
}

let installed = false;

/**
 * Wraps @pulumi/policy's `deserializeProperties`: it notes each request's secret paths (see the top of this file)
 * and reads a request without `properties` as empty properties. @pulumi/policy 1.21 would throw there, and in
 * Remediate it throws outside its error handling, so the call is never answered (README, known limits).
 */
export function trackSecrets(): boolean {
    if (installed) return true;
    let module: any;
    try {
        module = require("@pulumi/policy/deserialize");
    } catch {
        return false;
    }
    const original = module?.deserializeProperties;
    if (typeof original !== "function") return false;
    const empty: StructLike = { toJavaScript: () => ({}) };
    module.deserializeProperties = function deserializeProperties(struct: StructLike | undefined, proxySecrets: boolean) {
        const given = struct && typeof struct.toJavaScript === "function" ? struct : empty;
        const result = original(given, proxySecrets);
        if (result !== null && typeof result === "object") {
            let paths = wirePathsOf.get(given);
            if (!paths) {
                try {
                    paths = wireSecretPaths(given.toJavaScript());
                } catch {
                    paths = new Set(); // what the original could deserialize, we can read; never fail the call over a mark
                }
                wirePathsOf.set(given, paths);
            }
            if (paths.size > 0) {
                secretPathsOf.set(result, paths);
                const target = proxyTarget(result);
                if (target !== result && target !== null && typeof target === "object") secretPathsOf.set(target, paths);
            }
        }
        return result;
    };
    installed = true;
    return true;
}

trackSecrets();
