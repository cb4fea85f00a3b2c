/**
 * IAM as the pack judges it: documents (documents.ts), AWS managed policies (managed-policies.ts) and
 * action metadata (actions.ts) from AWS's own data (generated/, refreshed by scripts/generate-iam-tables.ts),
 * what a function's role holds (permissions.ts), which resources a Resource entry covers (resources.ts), and
 * what the role allows on a resource (grants.ts).
 */
export * from "./actions";
export * from "./documents";
export * from "./grants";
export * from "./managed-policies";
export * from "./permissions";
export * from "./resources";
