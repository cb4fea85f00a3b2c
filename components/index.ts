export { ComponentArgumentError } from "./lib/argument-errors";
export * from "./dead-letter-queue";
export * from "./queue-worker";
export * from "./async-function";
export * from "./event-rule-target";
export type { FunctionArgs } from "./lib/function";
export type { PolicyStatementArgs } from "./lib/iam";
export * from "./cost-guardrails";
export * from "./protected-api";
