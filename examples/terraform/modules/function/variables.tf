variable "name" {
  description = "The function's name; its role, policy and log group are named after it."
  type        = string
}

variable "memory_size" {
  description = "Memory in MB (null: the provider's default of 128)."
  type        = number
  default     = null
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency (null: none reserved)."
  type        = number
  default     = null
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 30
}

variable "statements" {
  description = "IAM statements beyond logging and tracing."
  type        = list(any)
  default     = []
}

variable "package" {
  description = "The zip of the handler (build it with: zip -j handler.zip handler/index.js)."
  type        = string
  default     = "../handler.zip"
}

variable "publish" {
  description = "Publish a version on every change (durable and Managed Instances functions are invoked through one)."
  type        = bool
  default     = false
}

variable "durable_config" {
  description = "Make it a durable function: { execution_timeout = seconds, retention_period = days } (null: not durable)."
  type        = object({ execution_timeout = number, retention_period = number })
  default     = null
}

variable "capacity_provider_arn" {
  description = "Run it on Lambda Managed Instances, on this capacity provider (null: on demand)."
  type        = string
  default     = null
}
