"""E-mail alerts: a resident's subscription to newly published "You said, we did" responses.

The address is personal data. It is never shown on a page, and the model is deliberately not
`Audited`: subscribing is a member of the public's own choice, not a staff decision the office
must account for, and auditing it would copy each subscriber's IP address into a log that is
never deleted (outliving their unsubscribing) and add a row for every subscriber every day an
alert goes out. Links carry secrets; only their SHA-256 digests are stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.core.columns import UTCDateTime, utcnow
from engage.core.models import Area
from engage.extensions import db


class AlertSubscription(db.Model):
    """One address's alerts for one place: a district, a parish or town, or the whole county."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # private, lower case
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))  # None: the whole county
    # The confirmation link's digest until it is used (then None: it works once).
    confirm_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # confirmation sent
    # The unsubscribe link's secret is worked out from this and the app's secret key, so every
    # alert can carry it while the database holds only its digest.
    unsubscribe_nonce: Mapped[str] = mapped_column(String(32))
    unsubscribe_digest: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area | None] = relationship()

    def __str__(self) -> str:
        return f"alert subscription {self.id}"
