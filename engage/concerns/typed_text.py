"""Text typed into a concern service, checked by one rule: roadshows, casework notes, response
templates and agencies' actions all refuse a blank or overlong text alike, naming the field."""

from __future__ import annotations

from engage.concerns.services import TEXT_LIMIT, ConcernError


def checked_text(
    value: str | None,
    field: str,
    missing: str | None = None,
    *,
    limit: int = TEXT_LIMIT,
    what: str = "it",
) -> str:
    """The text stripped; ConcernError on `field` when it is blank (saying `missing`, unless
    None: then blank is allowed) or longer than `limit` (saying "Keep `what` to ...")."""
    text = (value or "").strip()
    if not text and missing:
        raise ConcernError(missing, field=field)
    if len(text) > limit:
        raise ConcernError(f"Keep {what} to {limit:,} characters or fewer", field=field)
    return text
