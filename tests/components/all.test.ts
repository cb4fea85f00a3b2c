/**
 * The suite of this folder: one file per component (or concern: argument validation, the pack, the doc comments),
 * each a `describe` loaded here, so that one suite loads @pulumi/pulumi, @pulumi/aws, the components and the pack
 * client once for them all. Each file installs its mocks in its own `describe`'s hooks. One component's tests
 * alone: `npx jest tests/components/all.test.ts -t <ComponentName>`. component-provider.test.ts is a suite of its
 * own: the component it constructs registers its outputs after its test, and would meet the next file's mocks.
 */
import { notImported, testsFiles, withTopLevelHooks } from "../helpers/folder-suite";
import "./argument-validation.tests";
import "./async-function.tests";
import "./cost-guardrails.tests";
import "./dead-letter-queue.tests";
import "./durable-function.tests";
import "./event-rule-target.tests";
import "./lib.tests";
import "./managed-instances-capacity.tests";
import "./managed-instances-functions.tests";
import "./outbox-relay.tests";
import "./pack.tests";
import "./protected-api.tests";
import "./public-docs.tests";
import "./queue-worker.tests";
import "./recorder.tests";
import "./reliable-subscription.tests";
import "./stream-worker.tests";
import "./transactional-outbox.tests";

describe("meta: the suite of tests/components", () => {
    test("every *.tests.ts of the folder is imported here", () => {
        expect(testsFiles(__dirname).length).toBeGreaterThan(0);
        expect(notImported(__dirname)).toEqual([]);
    });

    test("no *.tests.ts has a hook outside its describe, which would run around the other files' tests", () => {
        expect(withTopLevelHooks(__dirname)).toEqual([]);
    });
});
