/**
 * The suite of this folder: one file per policy (or per concern, e.g. captured programs), each a `describe`
 * loaded here. One suite loads @pulumi/policy, @pulumi/pulumi and the pack once for them all; a suite per file
 * loaded them again for each (~0.25 CPU-s a suite). One policy's tests alone:
 * `npx jest tests/policies/lambda -t <policy name>`.
 */
import "./function-url-auth.tests";
import "./memory-size.tests";
import "./permission-source-scoped.tests";
import "./recursive-loop-detection.tests";
import "./reserved-concurrency.tests";
import "./runtime-supported.tests";
import "./timeout.tests";
import "./tracing.tests";
