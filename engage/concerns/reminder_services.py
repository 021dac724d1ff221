"""Reading what is due and sending the reminders `flask engage send-reminders` owes.

A concern's owner hears about its running promises (acknowledge, first update, response) that
are due within two working days or overdue; an action's owner (else the concern's owner) about
the action. Anything nobody owns yet, such as a concern still to be triaged, goes to the office's
contact address, so nothing due is ever without someone told.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.auth.models import User
from engage.concerns.models import ActionStatus, Concern, ConcernAction
from engage.concerns.reminders import DUE_WITHIN, DueItem, digests
from engage.concerns.services import SUBJECT
from engage.core.clock_models import ServiceClock
from engage.core.clocks import add_working_days, working_days_between
from engage.core.links import external_url
from engage.core.mail import MailError, send_mail
from engage.extensions import db

OFFICE = "the concerns team"


def due_items(today: date) -> list[DueItem]:
    """Every running promise and open action due within DUE_WITHIN working days, or overdue."""
    horizon = add_working_days(today, DUE_WITHIN)
    clocks = db.session.execute(
        select(ServiceClock, Concern)
        .join(Concern, Concern.id == ServiceClock.subject_id)
        .where(ServiceClock.subject == SUBJECT, ServiceClock.due_on <= horizon)
        .options(selectinload(Concern.owner))
    ).all()
    items = [
        _item(concern.owner, concern, clock.kind, clock.due_on, today) for clock, concern in clocks
    ]
    actions = db.session.scalars(
        select(ConcernAction)
        .where(
            ConcernAction.status.in_((ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)),
            ConcernAction.due_on <= horizon,
        )
        .options(selectinload(ConcernAction.concern), selectinload(ConcernAction.owner))
    ).all()
    items += [
        _item(
            action.owner or action.concern.owner,
            action.concern,
            f"action by {action.agency.name}: {action.public_line or action.description}",
            action.due_on,
            today,
        )
        for action in actions
    ]
    return items


def send_reminders(today: date) -> int:
    """E-mail each person one digest of what is due; return how many were sent."""
    sent = 0
    for digest in digests(due_items(today)):
        try:
            send_mail(digest.to, digest.subject, "concerns/email/reminder.txt", digest=digest)
            sent += 1
        except MailError:
            current_app.logger.error("Could not send the reminder to %s", digest.to)
    return sent


def _item(owner: User | None, concern: Concern, what: str, due_on: date, today: date) -> DueItem:
    if owner is not None and owner.active:
        to, name = owner.email, owner.name
    else:
        to, name = current_app.config["ENGAGE_CONTACT_EMAIL"], OFFICE
    return DueItem(
        to=to,
        name=name,
        reference=concern.reference,
        what=what,
        due_on=due_on,
        overdue_by=working_days_between(due_on, today),
        link=external_url("concerns.concern", concern_id=concern.id),
    )
