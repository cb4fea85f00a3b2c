/** Lambda facts the components check arguments against. */
import { runtimeDeprecationDates } from "../../policies/lib/runtimes";

/** Lambda's instruction set architectures; a function takes exactly one (AWS Lambda API: Architectures, 1 item). */
export const lambdaArchitectures = ["x86_64", "arm64"] as const;

/** Runtime identifiers of each language that a release newer than the table would follow. */
const RUNTIME_FORMATS = [/^nodejs(\d+)\.x$/, /^python3\.(\d+)$/, /^java(\d+)$/, /^dotnet(\d+)$/, /^ruby3\.(\d+)$/];

/**
 * A Lambda runtime identifier: one AWS lists (policies/lib/runtimes.ts, deprecated ones included: the pack's
 * lambda-runtime-supported judges those), or one of a known language's format with a version above every
 * listed one (a runtime released after the table was last updated). `nodejs0.1` is neither.
 */
export function isLambdaRuntime(value: string): boolean {
    if (Object.prototype.hasOwnProperty.call(runtimeDeprecationDates, value)) return true;
    for (const format of RUNTIME_FORMATS) {
        const match = format.exec(value);
        if (!match) continue;
        const listed = Object.keys(runtimeDeprecationDates).flatMap((runtime) => {
            const known = format.exec(runtime);
            return known ? [Number(known[1])] : [];
        });
        return Number(match[1]) > Math.max(...listed);
    }
    return false;
}
