# A function built right: chosen memory, timeout and concurrency, tracing, logs kept 30 days, a scoped role.
# The Terraform form of compliantFunction() in examples/anti-patterns/index.ts.

resource "aws_cloudwatch_log_group" "this" {
  name              = "${var.name}-logs"
  retention_in_days = 30
}

resource "aws_iam_role" "this" {
  name = "${var.name}-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "this" {
  name = "${var.name}-policy"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.this.arn}:*" },
      { Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = "*" },
    ], var.statements)
  })
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  runtime                        = "nodejs24.x"
  handler                        = "index.handler"
  filename                       = var.package
  source_code_hash               = filebase64sha256(var.package)
  role                           = aws_iam_role.this.arn
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  publish                        = var.publish

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  # The plan's configuration does not record dynamic blocks: their values are in the plan, their references are not.
  dynamic "durable_config" {
    for_each = var.durable_config == null ? [] : [var.durable_config]
    content {
      execution_timeout = durable_config.value.execution_timeout
      retention_period  = durable_config.value.retention_period
    }
  }

  dynamic "capacity_provider_config" {
    for_each = var.capacity_provider_arn == null ? [] : [var.capacity_provider_arn]
    content {
      lambda_managed_instances_capacity_provider_config {
        capacity_provider_arn = capacity_provider_config.value
      }
    }
  }
}
