"""Dates in England: what day it is in the county, whatever the server's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today's date in the county (a late-evening UTC time can be tomorrow in summer)."""
    return datetime.now(LONDON).date()
