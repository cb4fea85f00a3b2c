import * as pulumi from "@pulumi/pulumi";

/** One IAM policy statement; always scoped to named resources unless the action has no resource level. */
export interface PolicyStatementArgs {
    /** `Allow` or `Deny`. Default `Allow`. */
    effect?: string;
    /** IAM actions, e.g. `["dynamodb:PutItem"]`: a non-empty list of non-empty strings. Required. */
    actions: string[];
    /** ARNs the actions are allowed (or denied) on: a non-empty list. Required. */
    resources: pulumi.Input<string>[];
}

/** A JSON policy document from statements; unknown ARNs make the document unknown until they resolve. */
export function policyDocument(statements: pulumi.Input<PolicyStatementArgs>[]): pulumi.Output<string> {
    return pulumi.all(statements.map((statement) => pulumi.output(statement))).apply((resolved) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: resolved.map((s) => ({ Effect: s.effect ?? "Allow", Action: s.actions, Resource: s.resources })),
        }),
    );
}

/** Trust policy that lets a service (e.g. `lambda.amazonaws.com`) assume a role. */
export function assumeRolePolicy(service: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
}
