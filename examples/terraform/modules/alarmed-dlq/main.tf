# A dead-letter queue that someone hears about: 14 days of retention, an alarm on its first message.
# The Terraform form of alarmedDeadLetterQueue() in examples/anti-patterns/index.ts.

resource "aws_sqs_queue" "this" {
  name                      = var.name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_cloudwatch_metric_alarm" "this" {
  alarm_name          = "${var.name}-alarm"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [var.alarm_topic_arn]
}
