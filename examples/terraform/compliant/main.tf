# A compliant serverless configuration in Terraform: queue workers with alarmed dead-letter queues, an asynchronously
# invoked function that keeps its failures, a protected API and a budget. Every policy of the pack passes at its default
# level (tests/inputs/terraform-gallery.test.ts). It uses the two shapes Terraform repeats resources with: `count`
# (the job queues and their workers) and `for_each` (the alarmed dead-letter queues).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.25" }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "alert_email" {
  type    = string
  default = "oncall@example.com"
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_budgets_budget" "monthly" {
  name         = "monthly"
  budget_type  = "COST"
  limit_amount = "200"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = [var.alert_email]
  }
}

module "dlq" {
  source   = "../modules/alarmed-dlq"
  for_each = toset(["notify-failures", "notify-events-dlq"])

  name            = each.key
  alarm_topic_arn = aws_sns_topic.alerts.arn
}

# Two job queues, each with its own alarmed dead-letter queue and worker.
resource "aws_sqs_queue" "jobs_dlq" {
  count                     = 2
  name                      = "jobs-${count.index}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_cloudwatch_metric_alarm" "jobs_dlq" {
  count               = 2
  alarm_name          = "jobs-${count.index}-dlq-alarm"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.jobs_dlq[count.index].name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_sqs_queue" "jobs" {
  count                      = 2
  name                       = "jobs-${count.index}"
  visibility_timeout_seconds = 180
  redrive_policy             = jsonencode({ deadLetterTargetArn = aws_sqs_queue.jobs_dlq[count.index].arn, maxReceiveCount = 5 })
}

module "worker" {
  source                         = "../modules/function"
  count                          = 2
  name                           = "worker-${count.index}"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  statements = [
    { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = aws_sqs_queue.jobs[count.index].arn },
  ]
}

resource "aws_lambda_event_source_mapping" "jobs" {
  count                   = 2
  event_source_arn        = aws_sqs_queue.jobs[count.index].arn
  function_name           = module.worker[count.index].arn
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }
}

# An asynchronously invoked function that keeps its failures: the rule's target has a dead-letter queue and bounded
# retries, and the function's own async invocations end in an on-failure destination.
resource "aws_cloudwatch_event_rule" "hourly" {
  name                = "hourly"
  schedule_expression = "rate(1 hour)"
}

module "notify" {
  source                         = "../modules/function"
  name                           = "notify"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  statements = [
    { Effect = "Allow", Action = "sqs:SendMessage", Resource = module.dlq["notify-failures"].arn },
  ]
}

resource "aws_lambda_permission" "notify-invoke" {
  action        = "lambda:InvokeFunction"
  function_name = module.notify.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.hourly.arn
}

resource "aws_cloudwatch_event_target" "hourly-notify" {
  rule = aws_cloudwatch_event_rule.hourly.name
  arn  = module.notify.arn

  dead_letter_config {
    arn = module.dlq["notify-events-dlq"].arn
  }

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }
}

resource "aws_lambda_function_event_invoke_config" "notify" {
  function_name                = module.notify.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = module.dlq["notify-failures"].arn
    }
  }
}

# A REST API behind WAF, throttled, traced, with JSON access logs kept 30 days.
resource "aws_api_gateway_rest_api" "api" {
  name = "orders-api"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_method" "get-root" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "root-mock" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = aws_api_gateway_method.get-root.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_integration.root-mock]
}

resource "aws_cloudwatch_log_group" "api-access-logs" {
  name              = "orders-api-access-logs"
  retention_in_days = 30
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  deployment_id        = aws_api_gateway_deployment.api.id
  stage_name           = "prod"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api-access-logs.arn
    format          = "{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\"}"
  }
}

resource "aws_api_gateway_method_settings" "throttling" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = 50
    throttling_burst_limit = 100
    metrics_enabled        = true
  }
}

resource "aws_wafv2_web_acl" "api" {
  name  = "orders-api-web-acl"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = 1000
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "orders-api-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "orders-api"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "api" {
  resource_arn = aws_api_gateway_stage.prod.arn
  web_acl_arn  = aws_wafv2_web_acl.api.arn
}
