"""The plugin's pages, one module per part of the cycle; all routes hang off one blueprint."""

from plugins.single_agency.blueprint import bp
from plugins.single_agency.views import (  # noqa: F401 - importing registers the routes
    alerts,
    audit,
    cycles,
    disputes,
    followup,
    home,
    moderation,
    programme,
    qa,
)

__all__ = ["bp"]
