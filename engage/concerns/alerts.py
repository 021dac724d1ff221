"""E-mail alerts of newly published "You said, we did" responses: subscribing with double
opt-in, confirming, unsubscribing, and the daily digests `flask engage send-alerts` sends.

What an alert may say is read through engage.concerns.visibility (`public_concerns`), the same
rule as the board, the feed and open data, so nothing unpublished, hidden, merged, without
consent or private can reach one. The confirmation link's secret is random and used once; the
unsubscribe link's is worked out from a per-subscription nonce and the app's secret key, so
every alert can carry it. Only the SHA-256 digests of both are stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from engage.concerns.alert_models import AlertSubscription
from engage.concerns.visibility import PublicConcern, public_concern, public_concerns
from engage.core.links import external_url
from engage.core.mail import MailError, send_mail
from engage.core.models import Area, AreaKind
from engage.extensions import db

CONFIRM_DAYS = 7  # a confirmation link works this long; unconfirmed addresses are then deleted
MOST_LISTED = 25  # concerns listed in one alert; the rest are counted, with a link to the board
WHOLE_COUNTY = "the whole county"
SECRET_LIMIT = 200  # longer "secrets" in a link are not looked up


class AlertError(ValueError):
    """A subscription cannot be made as asked; the message says why, `field` where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    """Addresses are kept and compared without case or surrounding spaces."""
    return email.strip().lower()


def place_of(area: Area | None) -> str:
    """Where a subscription's alerts are about, in words."""
    if area is None:
        return WHOLE_COUNTY
    if area.kind is AreaKind.DISTRICT:
        return f"{area.name} district"
    return f"{area.name}, {area.parent.name}" if area.parent else area.name


# Secrets -------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def unsubscribe_secret(subscription: AlertSubscription) -> str:
    """The secret in the subscription's unsubscribe link (the same in every alert)."""
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode()
    message = f"alert unsubscribe {subscription.unsubscribe_nonce}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _by_digest(column, secret: str) -> AlertSubscription | None:
    if not secret or len(secret) > SECRET_LIMIT:
        return None
    return db.session.scalar(select(AlertSubscription).where(column == _digest(secret)))


# Subscribing ---------------------------------------------------------------------------------


def _alert_area(area_id: int | None) -> Area | None:
    """The district or parish to subscribe to (None: the whole county), or AlertError."""
    if area_id is None:
        return None
    area = db.session.get(Area, area_id)
    if area is None or not area.active or area.kind not in (AreaKind.DISTRICT, AreaKind.PARISH):
        raise AlertError(
            "Choose the whole county, a district, or a parish or town from the list", "area"
        )
    return area


def subscribe(email: str, area_id: int | None, *, now: datetime) -> AlertSubscription:
    """Ask to subscribe `email` to alerts about an area (None: the whole county), and e-mail a
    confirmation link; nothing is sent until it is followed.

    An address already subscribed to that area is e-mailed to say so, with its unsubscribe link,
    so the page never tells anyone whether an address is subscribed. MailError if the e-mail
    could not be sent (the request is kept: subscribing again sends a new link).
    """
    email = normalise_email(email)
    area = _alert_area(area_id)
    same_area = (
        AlertSubscription.area_id.is_(None)
        if area is None
        else AlertSubscription.area_id == area.id
    )
    subscription = db.session.scalar(
        select(AlertSubscription).where(AlertSubscription.email == email, same_area)
    )
    if subscription is not None and subscription.confirmed_at is not None:
        _mail(
            subscription,
            "You already get these alerts",
            "concerns/email/alert_already.txt",
            unsubscribe_link=_unsubscribe_link(subscription),
        )
        return subscription
    if subscription is None:
        nonce = secrets.token_hex(16)
        subscription = AlertSubscription(email=email, area=area, unsubscribe_nonce=nonce)
        subscription.unsubscribe_digest = _digest(unsubscribe_secret(subscription))
        db.session.add(subscription)
    secret = secrets.token_urlsafe(32)
    subscription.confirm_digest = _digest(secret)  # any earlier link stops working
    subscription.asked_at = now
    db.session.commit()
    _mail(
        subscription,
        "Confirm your email alerts",
        "concerns/email/alert_confirm.txt",
        confirm_link=external_url("concerns.alert_confirm", secret=secret),
        days=CONFIRM_DAYS,
    )
    return subscription


def confirm(secret: str, *, now: datetime) -> AlertSubscription | None:
    """Confirm the subscription whose confirmation link holds `secret`; None if the link is not
    one, was used already or is more than CONFIRM_DAYS old."""
    subscription = _by_digest(AlertSubscription.confirm_digest, secret)
    if subscription is None or subscription.asked_at + timedelta(days=CONFIRM_DAYS) < now:
        return None
    subscription.confirm_digest = None
    subscription.confirmed_at = now
    db.session.commit()
    return subscription


def subscription_to_end(secret: str) -> AlertSubscription | None:
    """The confirmed subscription whose unsubscribe link holds `secret`, if there is one."""
    subscription = _by_digest(AlertSubscription.unsubscribe_digest, secret)
    if subscription is None or subscription.confirmed_at is None:
        return None
    return subscription


def unsubscribe(subscription: AlertSubscription) -> None:
    """End the subscription and forget its address."""
    db.session.delete(subscription)
    db.session.commit()


def forget_unconfirmed(now: datetime) -> int:
    """Delete requests not confirmed within CONFIRM_DAYS (their addresses are not kept)."""
    expired = delete(AlertSubscription).where(
        AlertSubscription.confirmed_at.is_(None),
        AlertSubscription.asked_at < now - timedelta(days=CONFIRM_DAYS),
    )
    forgotten = db.session.execute(expired).rowcount
    db.session.commit()
    return forgotten


# Alerts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """What one subscriber is told: the concerns answered in their area since their last alert
    (oldest first), at most MOST_LISTED of them listed."""

    subscription: AlertSubscription
    place: str
    concerns: list[PublicConcern]

    @property
    def listed(self) -> list[PublicConcern]:
        return self.concerns[:MOST_LISTED]

    @property
    def more(self) -> int:
        return max(0, len(self.concerns) - MOST_LISTED)

    @property
    def subject(self) -> str:
        count = len(self.concerns)
        responses = "response" if count == 1 else "responses"
        return f"You said, we did: {count} new {responses} for {self.place}"


def newly_visible(since: datetime, until: datetime) -> list[PublicConcern]:
    """Visible concerns answered (signed off, or declined) after `since` up to `until`,
    oldest first."""
    shown = public_concerns().subquery()
    query = (
        select(shown)
        .where(shown.c.answered_at > since, shown.c.answered_at <= until)
        .order_by(shown.c.answered_at, shown.c.id)
    )
    return [public_concern(row) for row in db.session.execute(query)]


def in_area(concern: PublicConcern, area: Area | None, district_of: dict[int, int | None]) -> bool:
    """Whether a concern lies in a subscription's area (`district_of`: parish id to district)."""
    if area is None:
        return True
    if area.kind is AreaKind.DISTRICT:
        return district_of.get(concern.parish_id) == area.id
    return concern.parish_id == area.id


def due_alerts(now: datetime) -> list[Alert]:
    """One alert for each confirmed subscriber with anything answered in their area since their
    last alert (or since they confirmed), up to `now`."""
    subscriptions = db.session.scalars(
        select(AlertSubscription)
        .where(AlertSubscription.confirmed_at.is_not(None))
        .options(selectinload(AlertSubscription.area).selectinload(Area.parent))
        .order_by(AlertSubscription.id)
    ).all()
    if not subscriptions:
        return []
    starts = {sub.id: sub.last_sent_at or sub.confirmed_at for sub in subscriptions}
    fresh = newly_visible(min(starts.values()), now)
    parishes = {concern.parish_id for concern in fresh}
    district_of = dict(
        db.session.execute(select(Area.id, Area.parent_id).where(Area.id.in_(parishes))).all()
    )
    alerts = []
    for sub in subscriptions:
        told = [
            concern
            for concern in fresh
            if concern.answered_at > starts[sub.id] and in_area(concern, sub.area, district_of)
        ]
        if told:
            alerts.append(Alert(sub, place_of(sub.area), told))
    return alerts


def send_alerts(now: datetime) -> int:
    """E-mail each confirmed subscriber one digest of what was answered in their area since
    their last alert, recording when each was sent; forget unconfirmed requests that expired.
    Return how many alerts were sent (for `flask engage send-alerts`, daily)."""
    forget_unconfirmed(now)
    sent = 0
    for alert in due_alerts(now):
        subscription = alert.subscription
        try:
            _mail(
                subscription,
                alert.subject,
                "concerns/email/alert_digest.txt",
                alert=alert,
                page_links=_page_links(alert.listed),
                board_link=_board_link(subscription.area),
                unsubscribe_link=_unsubscribe_link(subscription),
            )
        except MailError:
            current_app.logger.error(
                "Could not send the alert of subscription %s; tried again next time",
                subscription.id,
            )
            continue
        subscription.last_sent_at = now
        db.session.commit()
        sent += 1
    return sent


# Mail ----------------------------------------------------------------------------------------


def _mail(subscription: AlertSubscription, subject: str, template: str, **context) -> None:
    send_mail(
        subscription.email,
        subject,
        template,
        place=place_of(subscription.area),
        subscribe_link=external_url("concerns.alerts"),
        **context,
    )


def _unsubscribe_link(subscription: AlertSubscription) -> str:
    return external_url("concerns.alert_unsubscribe", secret=unsubscribe_secret(subscription))


def _page_links(concerns: Sequence[PublicConcern]) -> dict[int, str]:
    return {
        concern.id: external_url("concerns.published_concern", concern_id=concern.id)
        for concern in concerns
    }


def _board_link(area: Area | None) -> str:
    """The public board narrowed to the subscription's area."""
    if area is None:
        return external_url("concerns.index")
    if area.kind is AreaKind.DISTRICT:
        return external_url("concerns.index", district=area.id)
    return external_url("concerns.index", parish=area.id)
