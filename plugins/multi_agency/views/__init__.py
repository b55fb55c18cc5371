"""The multi-agency audit pages, at /multi-agency (one blueprint, a module per stage)."""

from __future__ import annotations

from plugins.multi_agency.views import (  # noqa: F401 - modules add their routes to bp
    cases,
    consultation,
    group,
    programme,
    report,
    returns,
    tracking,
    voice,
)
from plugins.multi_agency.views.common import bp

__all__ = ["bp"]
