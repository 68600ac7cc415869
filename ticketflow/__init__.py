"""The ticketflow CLI and what composes the stages: pipeline, dbt invocation, report, publishing."""
