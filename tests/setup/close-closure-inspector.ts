/**
 * @pulumi/pulumi serializes a CallbackFunction's closure through an inspector session it opens on the process with
 * the Debugger enabled, and never closes. Under Jest that process is the worker: the session outlives the suite, and
 * every suite after it runs with the debugger on (each script it compiles reported to the session), 15-20% slower.
 * Loaded after each suite's environment (jest.config.js setupFilesAfterEnv): closes, when the suite ends, the
 * session this suite's copy of @pulumi/pulumi opened.
 */
import type { Session } from "inspector";

// The module has no types of its own; only `getSessionAsync` is called from outside it (closure/v8.ts).
const hooks: { getSessionAsync(): Promise<Session> } = require("@pulumi/pulumi/runtime/closure/v8Hooks");

let opened: Promise<Session> | undefined;
const open = hooks.getSessionAsync;
hooks.getSessionAsync = () => (opened = open());

afterAll(async () => {
    if (opened) (await opened).disconnect();
});
