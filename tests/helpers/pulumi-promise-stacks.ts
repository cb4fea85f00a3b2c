/**
 * Pulumi stamps each of its internal promises (four per output property of every resource) with `new Error().stack`,
 * read only in the leak report it prints at exit when PULUMI_DEBUG_PROMISE_LEAKS is set. Under Jest every such stack
 * is source-mapped frame by frame: a third of the CPU of the suites that build components on mocks. Importing this
 * module drops those stacks in the suite's copy of @pulumi/pulumi; registrations, their source positions and every
 * error's stack are unchanged.
 */
import * as path from "path";
import { withoutPromiseStacks } from "../../checker/load-program";

withoutPromiseStacks(path.dirname(require.resolve("@pulumi/pulumi/package.json")));
