# The anti-pattern gallery in Terraform: each classic serverless mistake of examples/anti-patterns/index.ts as its
# own small group of resources, under the same names. Everything around a mistake is built right, so that each group
# shows exactly the violations of its mistake. tests/inputs/terraform-gallery.test.ts checks that
# `serverless-guardrails check --terraform-plan plan.json` reports the (policy, resource) pairs the Pulumi gallery
# reports.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.25" }
  }
}

provider "aws" {
  region = "us-east-1"
}

# Alarms notify this topic.
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

# Dead-letter queues that someone hears about, one module instance each.
module "dlq" {
  source   = "../modules/alarmed-dlq"
  for_each = toset(["nightly-dlq", "invoices-dlq", "retries-dlq", "counters-failures"])

  name            = each.key
  alarm_topic_arn = aws_sns_topic.alerts.arn
}

# 1. A dead-letter queue nobody is alarmed about: failed orders pile up in silence for 14 days, then vanish.
resource "aws_sqs_queue" "unwatched-dlq" {
  name                      = "unwatched-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "orders-queue" {
  name                       = "orders-queue"
  visibility_timeout_seconds = 180
  redrive_policy             = jsonencode({ deadLetterTargetArn = aws_sqs_queue.unwatched-dlq.arn, maxReceiveCount = 5 })
}

# 2. A stream mapping with infinite retries and no destination: one poison record blocks its shard for 24 hours,
#    then the batch is dropped with no trace.
resource "aws_dynamodb_table" "ledger" {
  name             = "ledger"
  hash_key         = "pk"
  billing_mode     = "PAY_PER_REQUEST"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "pk"
    type = "S"
  }
}

module "ledger-projector" {
  source                         = "../modules/function"
  name                           = "ledger-projector"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  statements = [
    { Effect = "Allow", Action = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"], Resource = aws_dynamodb_table.ledger.stream_arn },
  ]
}

resource "aws_lambda_event_source_mapping" "ledger-stream" {
  event_source_arn        = aws_dynamodb_table.ledger.stream_arn
  function_name           = module.ledger-projector.arn
  starting_position       = "LATEST"
  function_response_types = ["ReportBatchItemFailures"]
}

# 3. An async function with nowhere to send failures: after two retries, EventBridge's event is gone.
resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 2 * * ? *)"
}

module "report-builder" {
  source                         = "../modules/function"
  name                           = "report-builder"
  memory_size                    = 512
  reserved_concurrent_executions = 5
}

resource "aws_lambda_permission" "report-builder-invoke" {
  action        = "lambda:InvokeFunction"
  function_name = module.report-builder.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.nightly.arn
}

resource "aws_cloudwatch_event_target" "nightly-report" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = module.report-builder.arn

  dead_letter_config {
    arn = module.dlq["nightly-dlq"].arn
  }

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 3600
  }
}

# 4. A queue that redelivers before the function finishes: the 30-second default visibility timeout against a
#    60-second function hands every slow message to a second invocation.
resource "aws_sqs_queue" "invoices" {
  name           = "invoices"
  redrive_policy = jsonencode({ deadLetterTargetArn = module.dlq["invoices-dlq"].arn, maxReceiveCount = 5 })
}

module "invoicer" {
  source                         = "../modules/function"
  name                           = "invoicer"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  timeout                        = 60
  statements = [
    { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = aws_sqs_queue.invoices.arn },
  ]
}

resource "aws_lambda_event_source_mapping" "invoices-source" {
  event_source_arn        = aws_sqs_queue.invoices.arn
  function_name           = module.invoicer.arn
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }
}

# 5. A function that writes to the queue that triggers it: every message makes another, forever.
resource "aws_sqs_queue" "retries" {
  name                       = "retries"
  visibility_timeout_seconds = 180
  redrive_policy             = jsonencode({ deadLetterTargetArn = module.dlq["retries-dlq"].arn, maxReceiveCount = 5 })
}

module "retrier" {
  source                         = "../modules/function"
  name                           = "retrier"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  statements = [
    { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = aws_sqs_queue.retries.arn },
    { Effect = "Allow", Action = "sqs:SendMessage", Resource = aws_sqs_queue.retries.arn },
  ]
}

resource "aws_lambda_event_source_mapping" "retries-source" {
  event_source_arn        = aws_sqs_queue.retries.arn
  function_name           = module.retrier.arn
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }
}

# 6. A DynamoDB stream loop: the function updates the table whose stream invokes it. AWS's loop detection does not
#    see loops through DynamoDB streams.
resource "aws_dynamodb_table" "counters" {
  name             = "counters"
  hash_key         = "pk"
  billing_mode     = "PAY_PER_REQUEST"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "pk"
    type = "S"
  }
}

module "counter" {
  source                         = "../modules/function"
  name                           = "counter"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  statements = [
    { Effect = "Allow", Action = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"], Resource = aws_dynamodb_table.counters.stream_arn },
    { Effect = "Allow", Action = "dynamodb:UpdateItem", Resource = aws_dynamodb_table.counters.arn },
  ]
}

resource "aws_lambda_event_source_mapping" "counters-stream" {
  event_source_arn               = aws_dynamodb_table.counters.stream_arn
  function_name                  = module.counter.arn
  starting_position              = "LATEST"
  function_response_types        = ["ReportBatchItemFailures"]
  maximum_retry_attempts         = 5
  maximum_record_age_in_seconds  = 3600
  bisect_batch_on_function_error = true

  destination_config {
    on_failure {
      destination_arn = module.dlq["counters-failures"].arn
    }
  }
}

# 7. A public REST API with no WAF, no throttling and no X-Ray tracing: one scraper can spend the month's budget, and
#    no request can be followed from the edge to the functions behind it.
resource "aws_api_gateway_rest_api" "public-api" {
  name = "public-api"
}

resource "aws_api_gateway_resource" "public-api-health" {
  rest_api_id = aws_api_gateway_rest_api.public-api.id
  parent_id   = aws_api_gateway_rest_api.public-api.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_method" "public-api-get-health" {
  rest_api_id   = aws_api_gateway_rest_api.public-api.id
  resource_id   = aws_api_gateway_resource.public-api-health.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "public-api-health-mock" {
  rest_api_id = aws_api_gateway_rest_api.public-api.id
  resource_id = aws_api_gateway_resource.public-api-health.id
  http_method = aws_api_gateway_method.public-api-get-health.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_deployment" "public-api-deployment" {
  rest_api_id = aws_api_gateway_rest_api.public-api.id
  depends_on  = [aws_api_gateway_integration.public-api-health-mock]
}

resource "aws_cloudwatch_log_group" "public-api-access-logs" {
  name              = "public-api-access-logs"
  retention_in_days = 30
}

resource "aws_api_gateway_stage" "public-api-prod" {
  rest_api_id   = aws_api_gateway_rest_api.public-api.id
  deployment_id = aws_api_gateway_deployment.public-api-deployment.id
  stage_name    = "prod"

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.public-api-access-logs.arn
    format          = "{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\"}"
  }
}

# 8. A function URL anyone on the internet can call.
module "webhook" {
  source                         = "../modules/function"
  name                           = "webhook"
  memory_size                    = 512
  reserved_concurrent_executions = 5
}

resource "aws_lambda_function_url" "webhook-url" {
  function_name      = module.webhook.function_name
  authorization_type = "NONE"
}

# 9. Memory and concurrency left unset: 128 MB of memory and CPU, and a function that can take every concurrent
#    execution in the account.
module "thumbnailer" {
  source = "../modules/function"
  name   = "thumbnailer"
}

# 10. No budget: nothing here tells anyone when the bill starts to climb.

# 11. A workflow nobody can follow: a Step Functions state machine with no logging configuration and no X-Ray tracing.
resource "aws_iam_role" "order-workflow-role" {
  name = "order-workflow-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "states.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_sfn_state_machine" "order-workflow" {
  name     = "order-workflow"
  role_arn = aws_iam_role.order-workflow-role.arn
  definition = jsonencode({
    StartAt = "Reserve"
    States  = { Reserve = { Type = "Pass", Next = "Confirm" }, Confirm = { Type = "Succeed" } }
  })
}

# 12. A log group that keeps everything forever: the audit trail has no retention.
resource "aws_cloudwatch_log_group" "audit-trail" {
  name = "audit-trail"
}

# 13. An internal API whose logs nobody can use: protected, throttled and traced, but its access log lines are in Common
#     Log Format (no field can be queried in Logs Insights), and its INFO execution logs go to the group API Gateway
#     creates itself, API-Gateway-Execution-Logs_<id>/<stage>, with no retention.
resource "aws_api_gateway_rest_api" "reports-api" {
  name = "reports-api"
}

resource "aws_api_gateway_method" "reports-api-get-root" {
  rest_api_id   = aws_api_gateway_rest_api.reports-api.id
  resource_id   = aws_api_gateway_rest_api.reports-api.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "reports-api-root-mock" {
  rest_api_id = aws_api_gateway_rest_api.reports-api.id
  resource_id = aws_api_gateway_rest_api.reports-api.root_resource_id
  http_method = aws_api_gateway_method.reports-api-get-root.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_deployment" "reports-api-deployment" {
  rest_api_id = aws_api_gateway_rest_api.reports-api.id
  depends_on  = [aws_api_gateway_integration.reports-api-root-mock]
}

resource "aws_cloudwatch_log_group" "reports-api-access-logs" {
  name              = "reports-api-access-logs"
  retention_in_days = 30
}

resource "aws_api_gateway_stage" "reports-api-prod" {
  rest_api_id          = aws_api_gateway_rest_api.reports-api.id
  deployment_id        = aws_api_gateway_deployment.reports-api-deployment.id
  stage_name           = "prod"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.reports-api-access-logs.arn
    format          = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId"
  }
}

resource "aws_api_gateway_method_settings" "reports-api-settings" {
  rest_api_id = aws_api_gateway_rest_api.reports-api.id
  stage_name  = aws_api_gateway_stage.reports-api-prod.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = 50
    throttling_burst_limit = 100
    metrics_enabled        = true
    logging_level          = "INFO"
  }
}

resource "aws_wafv2_web_acl" "reports-api-web-acl" {
  name  = "reports-api-web-acl"
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
      metric_name                = "reports-api-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "reports-api"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "reports-api-waf" {
  resource_arn = aws_api_gateway_stage.reports-api-prod.arn
  web_acl_arn  = aws_wafv2_web_acl.reports-api-web-acl.arn
}

# 14-17. Lambda Managed Instances. Capacity providers run EC2 instances in these subnets, managed through this role.
resource "aws_iam_role" "fleet-operator" {
  name = "fleet-operator"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "fleet-operator-policy" {
  role       = aws_iam_role.fleet-operator.name
  policy_arn = "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"
}

# 14. A capacity provider with no vCPU cap: a spike, or a retry storm, launches instances until the account's EC2 quota
#     stops it, and the bill follows.
resource "aws_lambda_capacity_provider" "fleet-unbounded" {
  name = "fleet-unbounded"

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718", "subnet-0c1d2e3f4a5b60718"]
    security_group_ids = ["sg-0f1e2d3c4b5a69788"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = aws_iam_role.fleet-operator.arn
  }
}

# 15. A capacity provider in one subnet: every instance in one Availability Zone, and a zone outage stops its functions.
resource "aws_lambda_capacity_provider" "fleet-one-zone" {
  name                             = "fleet-one-zone"
  capacity_provider_scaling_config = [{ scaling_mode = "Auto", max_vcpu_count = 64 }]

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
    security_group_ids = ["sg-0f1e2d3c4b5a69788"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = aws_iam_role.fleet-operator.arn
  }
}

# 16. Capacity providers promising more vCPUs than the account's EC2 quota (1000 by default): at peak the instances
#     cannot launch, functions are throttled, and every other EC2 workload of the account is starved.
resource "aws_lambda_capacity_provider" "analytics-fleet" {
  name                             = "analytics-fleet"
  capacity_provider_scaling_config = [{ scaling_mode = "Auto", max_vcpu_count = 1000 }]

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718", "subnet-0c1d2e3f4a5b60718"]
    security_group_ids = ["sg-0f1e2d3c4b5a69788"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = aws_iam_role.fleet-operator.arn
  }
}

# 17. A Managed Instances function below the 2 GB minimum and never published: it cannot deploy, and Lambda would
#     launch no instance for it.
module "image-resizer" {
  source                = "../modules/function"
  name                  = "image-resizer"
  memory_size           = 1024
  capacity_provider_arn = aws_lambda_capacity_provider.fleet-one-zone.arn
}

# 18-21. Durable functions: executions that checkpoint and run for up to a year. Each role may checkpoint its own
#        function's executions (the function and its versions), except in 21.

# 18. A durable workflow allowed to run for a year and keep its history for 90 days: a stuck execution lives, and
#     bills, for a year.
module "renewals" {
  source                         = "../modules/function"
  name                           = "renewals"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  publish                        = true
  durable_config                 = { execution_timeout = 31622400, retention_period = 90 }
  statements = [
    { Effect = "Allow", Action = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource = ["arn:aws:lambda:*:*:function:renewals", "arn:aws:lambda:*:*:function:renewals:*"] },
  ]
}

resource "aws_cloudwatch_metric_alarm" "renewals-failed" {
  alarm_name          = "renewals-failed"
  namespace           = "AWS/Lambda"
  metric_name         = "DurableExecutionFailed"
  dimensions          = { FunctionName = module.renewals.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# 19. A durable function with no published version and no alias: Lambda invokes durable functions only through a
#     qualified ARN, so every invocation fails.
module "fulfilment" {
  source                         = "../modules/function"
  name                           = "fulfilment"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  durable_config                 = { execution_timeout = 86400, retention_period = 14 }
  statements = [
    { Effect = "Allow", Action = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource = ["arn:aws:lambda:*:*:function:fulfilment", "arn:aws:lambda:*:*:function:fulfilment:*"] },
  ]
}

resource "aws_cloudwatch_metric_alarm" "fulfilment-failed" {
  alarm_name          = "fulfilment-failed"
  namespace           = "AWS/Lambda"
  metric_name         = "DurableExecutionFailed"
  dimensions          = { FunctionName = module.fulfilment.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# 20. A durable function no one hears about: a failed execution is not retried, and no alarm or dead-letter queue
#     tells anyone.
module "approvals" {
  source                         = "../modules/function"
  name                           = "approvals"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  publish                        = true
  durable_config                 = { execution_timeout = 86400, retention_period = 14 }
  statements = [
    { Effect = "Allow", Action = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource = ["arn:aws:lambda:*:*:function:approvals", "arn:aws:lambda:*:*:function:approvals:*"] },
  ]
}

# 21. A durable function whose role may not checkpoint: every execution fails at its first step.
module "refunds" {
  source                         = "../modules/function"
  name                           = "refunds"
  memory_size                    = 512
  reserved_concurrent_executions = 5
  publish                        = true
  durable_config                 = { execution_timeout = 86400, retention_period = 14 }
}

resource "aws_cloudwatch_metric_alarm" "refunds-failed" {
  alarm_name          = "refunds-failed"
  namespace           = "AWS/Lambda"
  metric_name         = "DurableExecutionFailed"
  dimensions          = { FunctionName = module.refunds.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
