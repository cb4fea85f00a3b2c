import { graphOf, type Node, type ResourceGraph } from "../lib/graph";
import {
    alarmsOn,
    anyHolds,
    describeNode,
    failureStores,
    findingOn,
    firesOnFirst,
    judgeEach,
    notifies,
    storeRole,
    watchesMetric,
    type FailureStoreRef,
} from "../lib/graph/index";
import { stackPolicy } from "../lib/policy";
import { asBoolean, peek } from "../lib/props";
import { T } from "../lib/types";

const SQS_METRICS = ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"];

function roleOf(refs: readonly FailureStoreRef[]): string {
    return refs.map(storeRole).join(", ");
}

function queueAlarmed(graph: ResourceGraph, queue: Node): boolean {
    const alarms = alarmsOn(graph, queue);
    return anyHolds(alarms, (alarm) => notifies(alarm) && watchesMetric(alarm, "AWS/SQS", SQS_METRICS) && firesOnFirst(alarm)) !== undefined;
}

function bucketNotifies(graph: ResourceGraph, bucket: Node): boolean {
    return graph.referrers(bucket, "bucket", T.s3BucketNotification).some((notification) =>
        asBoolean(peek(notification.raw, "eventbridge")) === true ||
        ["lambdaFunctions", "queues", "topics"].some((target) => graph.isSet(notification, target)));
}

function check(graph: ResourceGraph) {
    return judgeEach(failureStores(graph), ([store, refs]) => {
        const role = roleOf(refs);
        if (store.type === T.sqsQueue) {
            if (queueAlarmed(graph, store)) return undefined;
            return findingOn(store, `${describeNode(store)} is ${role}, but no alarm tells anyone when a message lands in it: failures pile up unseen until retention deletes them. Add an aws.cloudwatch.MetricAlarm on AWS/SQS ApproximateNumberOfMessagesVisible with the queue's QueueName dimension, threshold 1 with GreaterThanOrEqualToThreshold, and an alarm action.`);
        }
        if (store.type === T.snsTopic) {
            if (graph.referrers(store, "topic", T.snsTopicSubscription).length > 0) return undefined;
            return findingOn(store, `${describeNode(store)} is ${role}, but has no subscription: failed events published to it reach no one. Add an aws.sns.TopicSubscription (e-mail, a queue or a function) to the topic.`);
        }
        if (bucketNotifies(graph, store)) return undefined;
        return findingOn(store, `${describeNode(store)} is ${role}, but nothing is notified of new objects in it: failures are stored unseen. Add an aws.s3.BucketNotification for the bucket (a queue, topic or function, or \`eventbridge: true\` with a rule).`);
    });
}

export const dlqAlarm = stackPolicy<{}, ResourceGraph>(
    {
        name: "dlq-alarm",
        displayName: "Failure stores are alarmed",
        description:
            "A dead-letter queue or on-failure destination that nobody watches only delays the loss: failed messages " +
            "and events sit there unseen until retention deletes them, and the first sign of the outage is a customer.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["sqs", "sns", "s3", "cloudwatch", "reliability", "failure-handling"],
        remediationSteps:
            "For a queue: add an `aws.cloudwatch.MetricAlarm` on `AWS/SQS` `ApproximateNumberOfMessagesVisible` with " +
            "`dimensions: { QueueName: dlq.name }`, `threshold: 1`, `comparisonOperator: \"GreaterThanOrEqualToThreshold\"` " +
            "and `alarmActions` (an SNS topic with a subscriber). For a topic: subscribe someone. For a bucket: add a bucket notification.",
        check: (graph) => check(graph),
    },
    graphOf,
);
