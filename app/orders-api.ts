import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ProtectedApi } from "../components";
import { createFunction } from "../components/lib/function";

export interface OrdersApiArgs {
    ordersTableName: pulumi.Input<string>;
    ordersTableArn: pulumi.Input<string>;
    outboxTableName: pulumi.Input<string>;
    outboxTableArn: pulumi.Input<string>;
}

/** POST /orders on a REST API behind WAF and throttling; the handler writes the order and its event in one transaction. */
export class OrdersApi extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: OrdersApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("serverless-guardrails-reference:index:OrdersApi", name, {}, opts);
        const parent = { parent: this };
        const handler = createFunction(
            `${name}-handler`,
            {
                code: new pulumi.asset.FileArchive(`${__dirname}/handlers/orders-api`),
                timeout: 10,
                reservedConcurrentExecutions: 20,
                environment: { ORDERS_TABLE: args.ordersTableName, OUTBOX_TABLE: args.outboxTableName },
            },
            [{ actions: ["dynamodb:PutItem"], resources: [args.ordersTableArn, args.outboxTableArn] }],
            this,
        );
        const api = new aws.apigateway.RestApi(`${name}-api`, { endpointConfiguration: { types: "REGIONAL" } }, parent);
        const orders = new aws.apigateway.Resource(`${name}-orders`, { restApi: api.id, parentId: api.rootResourceId, pathPart: "orders" }, parent);
        const post = new aws.apigateway.Method(`${name}-post-orders`, {
            restApi: api.id,
            resourceId: orders.id,
            httpMethod: "POST",
            authorization: "AWS_IAM",
        }, parent);
        const integration = new aws.apigateway.Integration(`${name}-post-orders-lambda`, {
            restApi: api.id,
            resourceId: orders.id,
            httpMethod: post.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: handler.function.invokeArn,
        }, parent);
        new aws.lambda.Permission(`${name}-invoke`, {
            action: "lambda:InvokeFunction",
            function: handler.function.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${api.executionArn}/*/POST/orders`,
        }, parent);
        const deployment = new aws.apigateway.Deployment(`${name}-deployment`, {
            restApi: api.id,
            triggers: { redeployment: pulumi.jsonStringify([orders.id, post.id, integration.id]) },
        }, { ...parent, dependsOn: [integration] });
        const protectedApi = new ProtectedApi(`${name}-protected`, {
            restApiId: api.id,
            deploymentId: deployment.id,
            rateLimit: 500,
            createAccountLoggingRole: true,
        }, parent);
        this.url = pulumi.interpolate`${protectedApi.url}/orders`;
        this.registerOutputs({ url: this.url });
    }
}
