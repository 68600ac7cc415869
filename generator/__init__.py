"""Synthetic Freshdesk ticket-activity exports.

The library API (the CLI, the benchmark and the pipeline call these):
- `write_activities(output, tickets=..., ...)` generates and writes, returns a `Summary`;
- `estimate_tickets(activities, ...)` the ticket count that yields about that many activities;
- `load_config(path)` / `default_config()` a validated `GeneratorConfig`;
- `GeneratorError` (bad options or output) and its subclass `ConfigError`.
"""

from .config import DEFAULTS, GeneratorConfig, default_config, load_config
from .errors import ConfigError, GeneratorError
from .writer import FORMATS, Summary, estimate_tickets, write_activities

__all__ = [
    "DEFAULTS",
    "FORMATS",
    "ConfigError",
    "GeneratorConfig",
    "GeneratorError",
    "Summary",
    "default_config",
    "estimate_tickets",
    "load_config",
    "write_activities",
]
