"""Logging concerns and moving them through their lifecycle, with events, clocks and mail.

Services take plain values, check them with the pure modules (workflow.py decides every move),
write the concern, its event and its clocks in one transaction, and only then send mail, so a
message never announces something that was rolled back. A concern's version number guards
against two people changing it at once: the second gets StaleConcern and sees the newer state.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns.models import (
    Concern,
    ConcernEvent,
    ConcernSource,
    Referral,
    ReferralState,
    ReopenRequest,
    WeDidVersion,
)
from engage.concerns.workflow import ConcernState, Move, Status, TransitionRefused, apply
from engage.core.clock_services import start_clock, stop_clocks
from engage.core.columns import utcnow
from engage.core.links import external_url
from engage.core.mail import MailError, send_mail
from engage.core.models import Agency, Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db

SUBJECT = "concern"  # the clocks' subject name
ACKNOWLEDGE, FIRST_UPDATE, RESPONSE = "acknowledge", "first update", "response"
TEXT_LIMIT = 5000
# Which clocks each move stops: the acknowledgement goes out at triage, the first update is
# the first thing the raiser hears after it, and the response is the "We did".
STOPS = {
    Move.TRIAGE: (ACKNOWLEDGE,),
    Move.REFER: (FIRST_UPDATE,),
    Move.ACCEPT_REFERRAL: (FIRST_UPDATE,),
    Move.RESPOND: (FIRST_UPDATE, RESPONSE),
    Move.PUBLISH: (FIRST_UPDATE, RESPONSE),
    Move.DECLINE: (ACKNOWLEDGE, FIRST_UPDATE, RESPONSE),
    Move.MERGE: (ACKNOWLEDGE, FIRST_UPDATE, RESPONSE),
}


class ConcernError(ValueError):
    """A change that cannot be made; the message says why, `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleConcern(ConcernError):
    """Someone else changed the concern since the page was loaded."""


@dataclass
class Mail:
    """A message to send once the change is committed."""

    to: str
    subject: str
    template: str
    context: dict = field(default_factory=dict)


def promise() -> dict[str, int]:
    """The service promise in working days, from settings."""
    config = current_app.config
    return {
        ACKNOWLEDGE: config["PROMISE_ACKNOWLEDGE_DAYS"],
        FIRST_UPDATE: config["PROMISE_FIRST_UPDATE_DAYS"],
        RESPONSE: config["PROMISE_RESPONSE_DAYS"],
    }


def concern_by_id(concern_id: int) -> Concern:
    concern = db.session.get(Concern, concern_id)
    if concern is None:
        raise LookupError(f"There is no concern {concern_id}")
    return concern


def log_concern(
    *,
    source: ConcernSource,
    parish_id: int,
    raised_text: str,
    raised_on: date,
    consent_contact: bool,
    consent_publish: bool,
    today: date,
    logged_by: User | None = None,
    category_id: int | None = None,
    roadshow_id: int | None = None,
    raiser_name: str = "",
    raiser_email: str | None = None,
    raiser_phone: str | None = None,
) -> Concern:
    """Record a concern, give it its reference and start the service promise's clocks."""
    text = _text(raised_text, "raised_text", "Say what the concern is")
    parish = db.session.get(Area, parish_id)
    if parish is None or parish.kind is not AreaKind.PARISH or not parish.active:
        raise ConcernError("Choose the parish the concern is about", field="parish")
    if raised_on > today:
        raise ConcernError("The date it was raised cannot be in the future", field="raised_on")
    if category_id is not None and db.session.get(ConcernCategory, category_id) is None:
        raise ConcernError("Choose a category from the list", field="category")
    if consent_contact and not (raiser_email or raiser_phone):
        raise ConcernError(
            "Give an e-mail address or phone number, or say they may not be contacted",
            field="raiser_email",
        )
    concern = Concern(
        reference="pending",
        source=source,
        parish_id=parish_id,
        raised_text=text,
        raised_on=raised_on,
        consent_contact=consent_contact,
        consent_publish=consent_publish,
        logged_by_id=logged_by.id if logged_by else None,
        category_id=category_id,
        roadshow_id=roadshow_id,
        raiser_name=raiser_name.strip(),
        raiser_email=(raiser_email or "").strip() or None,
        raiser_phone=(raiser_phone or "").strip() or None,
    )
    db.session.add(concern)
    db.session.flush()
    concern.reference = f"C-{raised_on.year}-{concern.id:05d}"
    for kind, days in promise().items():
        start_clock(SUBJECT, concern.id, kind, days, raised_on)
    db.session.add(
        ConcernEvent(
            concern_id=concern.id,
            move="logged",
            from_status="",
            to_status=str(Status.NEW),
            actor_id=concern.logged_by_id,
            note=f"Logged ({source})",
        )
    )
    return concern


def follow_link_secret(concern: Concern) -> str:
    """A new secret for the raiser's private link to follow the concern (only its digest kept)."""
    secret = secrets.token_urlsafe(24)
    concern.follow_digest = hashlib.sha256(secret.encode()).hexdigest()
    return secret


def apply_move(
    concern_id: int,
    move: Move | str,
    given: dict,
    *,
    actor: User,
    today: date,
    expected_version: int | None = None,
    notify: bool = True,
) -> Concern:
    """Make one lifecycle move, as workflow.py allows, and record it; then send any mail
    (`notify` false: none, as when loading demo history)."""
    concern = concern_by_id(concern_id)
    check_version(concern, expected_version)
    move = Move(move)
    given = dict(given)
    if move is Move.MERGE:
        target = _merge_target(given.get("merge_into"))
        given["merge_into"] = target.id if target else given.get("merge_into")
        given["merge_target_status"] = target.status if target else None
    try:
        outcome = apply(state_of(concern), move, _codes(given))
    except TransitionRefused as refused:
        raise ConcernError(refused.message, refused.field) from refused
    mails = _carry_out(concern, move, given, actor, today, notify)
    db.session.add(
        ConcernEvent(
            concern_id=concern.id,
            move=str(move),
            from_status=str(outcome.source),
            to_status=str(outcome.target),
            actor_id=actor.id,
            note=str(given.get("note") or "").strip(),
            public=outcome.public if given.get("public") is None else bool(given["public"]),
        )
    )
    concern.status = outcome.target
    stop_clocks(SUBJECT, concern.id, STOPS.get(move, ()), today)
    commit_or_stale(concern)
    _send(mails)
    return concern


def check_version(concern: Concern, expected_version: int | None) -> None:
    """Raise StaleConcern unless the concern is still at `expected_version` (None: no check)."""
    if expected_version is not None and concern.version != expected_version:
        raise StaleConcern(
            f"{concern.reference} was changed by someone else while you were working on it. "
            "Here it is as it stands now: check it and make your change again."
        )


def commit_or_stale(concern: Concern) -> None:
    """Commit; if someone else changed the concern at the same moment, raise StaleConcern."""
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleConcern(
            f"{concern.reference} was changed by someone else at the same moment: "
            "check it and make your change again."
        ) from error


def state_of(concern: Concern) -> ConcernState:
    """The concern as workflow.py reads it."""
    pending = concern.pending_referral
    # By id, not the relationship: a session that does not expire on commit keeps a stale one.
    lead = db.session.get(Agency, concern.lead_agency_id) if concern.lead_agency_id else None
    return ConcernState(
        status=concern.status,
        lead_agency=lead.code if lead else None,
        pending_referral_to=pending.to_agency.code if pending else None,
        id=concern.id,
    )


def _codes(given: dict) -> dict:
    """Agency ids as the codes workflow.py compares; other values as given."""
    checked = dict(given)
    for name in ("lead_agency", "agency"):
        if given.get(name) not in (None, ""):
            agency = _by_id(Agency, given[name])
            if agency is None or not agency.active:
                raise ConcernError("Choose an agency from the list", field=name)
            checked[name] = agency.code
    return checked


def _merge_target(value) -> Concern | None:
    """The concern named by reference (C-2026-00042) or number; an unknown one is refused."""
    text = str(value or "").strip().upper()
    if not text:
        return None
    target = _by_id(Concern, text) if text.isdigit() else None
    target = target or db.session.scalar(select(Concern).where(Concern.reference == text))
    if target is None:
        raise ConcernError(f"There is no concern {text}", field="merge_into")
    return target


def _by_id(model, value):
    """The row with this id, or None for anything that is not a plausible id."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return db.session.get(model, int(text))


def _carry_out(
    concern: Concern, move: Move, given: dict, actor: User, today: date, notify: bool
) -> list[Mail]:
    """What each move changes beyond the status, and the mail it owes (when `notify`)."""
    mails: list[Mail] = []
    if move is Move.TRIAGE:
        concern.lead_agency_id = int(given["lead_agency"])
        concern.owner_id = _owner(given["owner"]).id
        concern.category_id = _reference(ConcernCategory, given["category"], "category").id
        concern.priority_id = _reference(PlanPriority, given["priority"], "priority").id
        if notify and concern.consent_contact and concern.raiser_email:
            secret = follow_link_secret(concern)
            mails.append(
                Mail(
                    concern.raiser_email,
                    f"We have recorded your concern {concern.reference}",
                    "concerns/email/acknowledgement.txt",
                    {
                        "concern": concern,
                        "link": external_url("concerns.follow", secret=secret),
                        "promise": promise(),
                    },
                )
            )
    elif move is Move.REFER:
        concern.referrals.append(
            Referral(
                from_agency_id=concern.lead_agency_id,
                to_agency_id=int(given["agency"]),
                handed_over=str(given["handed_over"]).strip(),
                referred_by_id=actor.id,
            )
        )
    elif move in (Move.ACCEPT_REFERRAL, Move.REJECT_REFERRAL, Move.WITHDRAW_REFERRAL):
        referral = concern.pending_referral
        referral.state = {
            Move.ACCEPT_REFERRAL: ReferralState.ACCEPTED,
            Move.REJECT_REFERRAL: ReferralState.REJECTED,
            Move.WITHDRAW_REFERRAL: ReferralState.WITHDRAWN,
        }[move]
        referral.decided_at = utcnow()
        referral.decided_by_id = actor.id
        referral.note = str(given.get("note") or "").strip()
        if move is Move.ACCEPT_REFERRAL:
            concern.lead_agency_id = referral.to_agency_id
    elif move is Move.RESPOND:
        concern.we_did_draft = _text(given["we_did"], "we_did", "Say what was done")
        concern.responded_on = concern.responded_on or today
        mails += _to_clerk(concern, "responded") if notify else []
    elif move is Move.PUBLISH:
        concern.public_summary = _text(
            given["public_summary"], "public_summary", "Write the summary"
        )
        concern.we_did_draft = _text(given["we_did"], "we_did", "Say what was done")
        concern.we_did_versions.append(
            WeDidVersion(
                number=len(concern.we_did_versions) + 1,
                you_said=concern.public_summary,
                we_did=concern.we_did_draft,
                approved_by_id=actor.id,
            )
        )
        concern.published_at = concern.published_at or utcnow()
        concern.search_text = _searchable(concern, concern.public_summary, concern.we_did_draft)
        mails += _to_clerk(concern, "published") if notify else []
    elif move is Move.MERGE:
        concern.merged_into_id = int(given["merge_into"])
    elif move is Move.DECLINE:
        concern.decline_reason = _text(given["reason"], "reason", "Say why, and where to go")
        concern.search_text = _searchable(concern, concern.decline_reason)
    elif move is Move.REOPEN:
        for request in db.session.scalars(
            select(ReopenRequest).where(
                ReopenRequest.concern_id == concern.id, ReopenRequest.decision.is_(None)
            )
        ):
            request.decision, request.decided_at, request.decided_by_id = (
                "reopened",
                utcnow(),
                actor.id,
            )
    return mails


def _searchable(concern: Concern, *texts: str) -> str:
    """What the board's search may match for this concern: public words only."""
    return " ".join((concern.reference, concern.parish.name, *texts)).lower()


def _owner(value) -> User:
    owner = _by_id(User, value)
    if owner is None or not owner.active:
        raise ConcernError("Choose who owns the concern", field="owner")
    return owner


def _reference(model, value, name: str):
    row = _by_id(model, value)
    if row is None or not row.active:
        raise ConcernError(f"Choose a {name} from the list", field=name)
    return row


def _text(value, name: str, missing: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ConcernError(missing, field=name)
    if len(text) > TEXT_LIMIT:
        raise ConcernError(f"Keep it to {TEXT_LIMIT:,} characters or fewer", field=name)
    return text


def _to_clerk(concern: Concern, what: str) -> list[Mail]:
    """A clerk who logged the concern hears when it is responded to and when it is published."""
    clerk = concern.logged_by
    if clerk is None or not clerk.active or clerk.role is not Role.PARISH:
        return []
    return [
        Mail(
            clerk.email,
            f"Concern {concern.reference} has been {what}",
            "concerns/email/clerk_update.txt",
            {
                "concern": concern,
                "what": what,
                "clerk": clerk,
                "link": external_url("concerns.concern", concern_id=concern.id),
            },
        )
    ]


def _send(mails: list[Mail]) -> None:
    """Send after the commit; a failure is logged, never undoes the recorded change."""
    for mail in mails:
        try:
            send_mail(mail.to, mail.subject, mail.template, **mail.context)
        except MailError:
            current_app.logger.error("Could not send %r to %s", mail.subject, mail.to)
