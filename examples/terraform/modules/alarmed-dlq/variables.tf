variable "name" {
  description = "The dead-letter queue's name; its alarm is named after it."
  type        = string
}

variable "alarm_topic_arn" {
  description = "The SNS topic the alarm notifies."
  type        = string
}
