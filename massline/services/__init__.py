"""Use cases, one module per domain noun: the only code that changes state."""
