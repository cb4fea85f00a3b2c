import * as aws from "@pulumi/aws";
import { CostGuardrails } from "../../components/cost-guardrails";
import { ProtectedApi } from "../../components/protected-api";
import { passesThePackInBothModes } from "../helpers/compliance";

describe("ProtectedApi passes the policy pack", () => {
    function program() {
        // A stack without a budget fails budget-alarm whatever the component: the guardrails sit beside it.
        new CostGuardrails("cost", { monthlyLimit: 100, emails: ["ops@example.com"] });
        const api = new aws.apigateway.RestApi("shop", {});
        const method = new aws.apigateway.Method("shop-get", { restApi: api.id, resourceId: api.rootResourceId, httpMethod: "GET", authorization: "NONE" });
        const integration = new aws.apigateway.Integration("shop-get", {
            restApi: api.id,
            resourceId: api.rootResourceId,
            httpMethod: method.httpMethod,
            type: "MOCK",
        });
        const deployment = new aws.apigateway.Deployment("shop", { restApi: api.id }, { dependsOn: [integration] });
        new ProtectedApi("shop", { restApiId: api.id, deploymentId: deployment.id });
        const graph = new aws.appsync.GraphQLApi("graph", { authenticationType: "AWS_IAM" });
        new ProtectedApi("graph", { appSyncApiArn: graph.arn });
    }

    passesThePackInBothModes(program);
});
