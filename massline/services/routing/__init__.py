"""Routing: which office answers a message, and by when.

Owns the cached routing table (region × category → office), deadline rules
and the category suggesters the classifier plugs into.
"""

from massline.services.routing.table import (
    compute_due,
    config_version,
    deadline_days,
    due_soon_days,
    route_office,
    routing_table,
    suggest_category,
)

__all__ = [
    "compute_due",
    "config_version",
    "deadline_days",
    "due_soon_days",
    "route_office",
    "routing_table",
    "suggest_category",
]
