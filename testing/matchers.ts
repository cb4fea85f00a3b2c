/** The assertions as Jest matchers: `expect.extend(guardrailMatchers)`, then `expect(result).toHaveViolation(...)`. */
import type { AnalysisResult } from "../checker/types";
import { NoViolationsOptions, expectNoViolations, expectViolation, violationsOf } from "./assertions";

type MatcherResult = { pass: boolean; message: () => string };

function outcome(check: () => unknown, negated: () => string): MatcherResult {
    try {
        check();
        return { pass: true, message: negated };
    } catch (e) {
        return { pass: false, message: () => (e as Error).message };
    }
}

/** `toHaveViolation(policy, resource?)` and `toHaveNoViolations(options?)`, for `expect.extend`. */
export const guardrailMatchers = {
    toHaveViolation(result: AnalysisResult, policy: string, resource?: string): MatcherResult {
        return outcome(
            () => expectViolation(result, policy, resource),
            () => `expected no violation of ${policy}${resource === undefined ? "" : ` on ${resource}`}, found:\n` +
                violationsOf(result, policy, resource).map((v) => `  - [${v.enforcementLevel}] ${v.message}`).join("\n"),
        );
    },
    toHaveNoViolations(result: AnalysisResult, options?: NoViolationsOptions): MatcherResult {
        return outcome(() => expectNoViolations(result, options), () => "expected violations, found none");
    },
};

declare global {
    // eslint-disable-next-line @typescript-eslint/no-namespace
    namespace jest {
        interface Matchers<R> {
            /** The analysis has a violation of `policy` on the resource named `resource` (any resource when omitted). */
            toHaveViolation(policy: string, resource?: string): R;
            /** The analysis has no violation at `level` or stricter. */
            toHaveNoViolations(options?: NoViolationsOptions): R;
        }
    }
}
