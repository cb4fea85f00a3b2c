export { ComponentArgumentError } from "./lib/argument-errors";
export type { FunctionArgs } from "./lib/function";
export type { PolicyStatementArgs } from "./lib/iam";
