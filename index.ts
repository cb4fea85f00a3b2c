/** serverless-guardrails: compliant serverless components for Pulumi. The test kit is at `serverless-guardrails/testing`. */
export * from "./components";
