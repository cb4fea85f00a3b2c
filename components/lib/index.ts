export { ArgumentErrors, ComponentArgumentError } from "./argument-errors";
export { createFunction, functionDefaults, logRetentionDays, resolveFunctionArgs, validateFunctionArgs } from "./function";
export type { FunctionArgs, FunctionParts, ResolvedFunctionArgs } from "./function";
export { assumeRolePolicy, policyDocument } from "./iam";
export type { PolicyStatementArgs } from "./iam";
export { arnService, destinationServices, destinationStatements, isFifoArn, plainString } from "./arns";
