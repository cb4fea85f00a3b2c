/**
 * The suite of this folder: one file per policy (or per concern, e.g. captured programs), each a `describe`
 * loaded here. One suite loads @pulumi/policy, @pulumi/pulumi and the pack once for them all; a suite per file
 * loaded them again for each (~0.25 CPU-s a suite). One policy's tests alone:
 * `npx jest tests/policies/event-sources -t <policy name>`.
 */
import "./batch-item-failures.tests";
import "./sqs-event-source-max-concurrency.tests";
import "./stream-bounded-retries.tests";
import "./stream-failure-destination.tests";
