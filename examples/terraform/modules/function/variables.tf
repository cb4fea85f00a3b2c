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
