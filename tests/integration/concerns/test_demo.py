"""The demo concerns `flask engage demo` loads: about 300 over eighteen months, in every state of
their lifecycle, some overdue, with no real personal data and nothing loaded twice.

Loading takes a few seconds, so the module loads it once, in its own transaction that is rolled
back afterwards, and the tests check what it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from engage.concerns.demo import load_concerns_demo
from engage.concerns.demo_stories import EMAIL_DOMAIN
from engage.concerns.models import (
    ActionStatus,
    Concern,
    ConcernAction,
    ConcernEvent,
    Referral,
    ReferralState,
    Roadshow,
    RoadshowStatus,
)
from engage.concerns.personal_data import flags
from engage.concerns.services import RESPONSE, SUBJECT
from engage.concerns.workflow import Status
from engage.core.clock_models import ServiceClock
from engage.core.demo import load_demo
from engage.core.models import Area, AreaKind, ConcernCategory
from engage.extensions import db
from tests.transactions import rolled_back

DRAMA_NUMBERS = ("07700 900", "01632 960")  # Ofcom's numbers for drama, never in service


@dataclass
class Row:
    """What the tests check of one demo concern."""

    id: int
    reference: str
    status: Status
    source: str
    roadshow_id: int | None
    raised_on: date
    district: str
    category: str | None
    raiser_email: str | None
    raiser_phone: str | None
    decline_reason: str
    public_texts: list[str]
    moves: list[str]
    merged_into: int | None


@dataclass
class DemoFound:
    today: date
    created: int
    created_again: int
    counts_after_first: tuple[int, ...]
    counts_after_second: tuple[int, ...]
    concerns: list[Row]
    roadshows: list[tuple[date, RoadshowStatus, int]]  # held on, status, how many hosts
    overdue_responses: int
    responses_met: list[bool]  # outcome of each stopped response clock
    overdue_actions: int
    pending_referrals: int
    districts: int
    categories: int


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Roadshow, Concern, ConcernEvent, ConcernAction, ServiceClock)
    )


def _rows() -> list[Row]:
    concerns = db.session.scalars(select(Concern).order_by(Concern.id)).all()
    return [
        Row(
            id=concern.id,
            reference=concern.reference,
            status=concern.status,
            source=str(concern.source),
            roadshow_id=concern.roadshow_id,
            raised_on=concern.raised_on,
            district=concern.parish.parent.code,
            category=concern.category.code if concern.category else None,
            raiser_email=concern.raiser_email,
            raiser_phone=concern.raiser_phone,
            decline_reason=concern.decline_reason,
            public_texts=[
                concern.public_summary,
                concern.we_did_draft,
                concern.decline_reason,
                *(version.we_did for version in concern.we_did_versions),
                *(action.public_line for action in concern.actions),
                *(referral.handed_over for referral in concern.referrals),
            ],
            moves=[event.move for event in concern.events],
            merged_into=concern.merged_into_id,
        )
        for concern in concerns
    ]


@pytest.fixture(scope="module")
def demo(app) -> DemoFound:
    """Load the demo concerns twice in a transaction of its own, then roll it all back."""
    today = date.today()
    with rolled_back(app):
        load_demo("test")
        created = load_concerns_demo(today)
        after_first = _counts()
        found = DemoFound(
            today=today,
            created=created,
            created_again=load_concerns_demo(today),
            counts_after_first=after_first,
            counts_after_second=_counts(),
            concerns=_rows(),
            roadshows=[
                (roadshow.held_on, roadshow.status, len(roadshow.hosts))
                for roadshow in db.session.scalars(select(Roadshow))
            ],
            overdue_responses=db.session.scalar(
                select(func.count()).where(
                    ServiceClock.subject == SUBJECT,
                    ServiceClock.kind == RESPONSE,
                    ServiceClock.stopped_on.is_(None),
                    ServiceClock.due_on < today,
                )
            ),
            responses_met=list(
                db.session.scalars(
                    select(ServiceClock.met).where(
                        ServiceClock.kind == RESPONSE, ServiceClock.stopped_on.is_not(None)
                    )
                )
            ),
            overdue_actions=db.session.scalar(
                select(func.count()).where(
                    ConcernAction.status.in_((ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)),
                    ConcernAction.due_on < today,
                )
            ),
            pending_referrals=db.session.scalar(
                select(func.count(Referral.id)).where(Referral.state == ReferralState.PENDING)
            ),
            districts=db.session.scalar(
                select(func.count()).where(Area.kind == AreaKind.DISTRICT, Area.active)
            ),
            categories=db.session.scalar(
                select(func.count()).where(ConcernCategory.active).select_from(ConcernCategory)
            ),
        )
        return found


def test_about_300_concerns_over_18_months_in_every_district_and_category(demo):
    assert demo.created == len(demo.concerns)
    assert 270 <= demo.created <= 330
    raised = [row.raised_on for row in demo.concerns]
    assert max(raised) <= demo.today
    assert (demo.today - min(raised)).days >= 500
    assert len({row.district for row in demo.concerns}) == demo.districts == 6
    assert len({row.category for row in demo.concerns}) == demo.categories


def test_raised_at_roadshows_by_parish_councils_online_and_by_phone_or_email(demo):
    shares = {
        source: sum(row.source == source for row in demo.concerns) / len(demo.concerns)
        for source in ("roadshow", "parish council", "online", "phone", "email")
    }
    assert 0.35 <= shares["roadshow"] <= 0.45
    assert 0.25 <= shares["parish council"] <= 0.35
    assert 0.15 <= shares["online"] <= 0.25
    assert 0.05 <= shares["phone"] + shares["email"] <= 0.15


def test_roadshows_were_held_across_the_period_and_some_are_still_to_come(demo):
    held = [held_on for held_on, status, _ in demo.roadshows if status is RoadshowStatus.HELD]
    planned = [held_on for held_on, status, _ in demo.roadshows if status is RoadshowStatus.PLANNED]
    assert 10 <= len(demo.roadshows) <= 14
    assert all(day < demo.today for day in held) and (demo.today - min(held)).days >= 450
    assert len(planned) >= 2 and all(day > demo.today for day in planned)
    assert all(hosts >= 1 for _, _, hosts in demo.roadshows)


def test_every_lifecycle_state_is_present(demo):
    statuses = {row.status for row in demo.concerns}
    assert statuses == set(Status)
    assert any("reopen" in row.moves for row in demo.concerns if row.status is Status.OPEN)
    assert all(row.decline_reason for row in demo.concerns if row.status is Status.DECLINED)
    assert demo.pending_referrals >= 1


def test_duplicates_are_merged_into_a_survivor_raised_at_several_roadshows(demo):
    by_id = {row.id: row for row in demo.concerns}
    merged = [row for row in demo.concerns if row.status is Status.MERGED]
    assert merged and all(row.merged_into in by_id for row in merged)
    roadshows = {survivor: {by_id[survivor].roadshow_id} for survivor in by_id}
    for row in merged:
        assert by_id[row.merged_into].status is not Status.MERGED
        roadshows[row.merged_into].add(row.roadshow_id)
    assert any(len(shows - {None}) >= 2 for shows in roadshows.values())


def test_some_concerns_and_actions_are_overdue(demo):
    assert demo.overdue_responses >= 3
    assert demo.overdue_actions >= 3


def test_most_responses_met_the_promise_and_some_missed_it(demo):
    met = sum(demo.responses_met) / len(demo.responses_met)
    assert len(demo.responses_met) >= 200
    assert 0.6 <= met <= 0.95


def test_raisers_addresses_are_all_at_resident_example_and_phones_are_drama_numbers(demo):
    emails = [row.raiser_email for row in demo.concerns if row.raiser_email]
    phones = [row.raiser_phone for row in demo.concerns if row.raiser_phone]
    assert len(emails) >= 100 and len(phones) >= 20
    assert all(email.endswith(f"@{EMAIL_DOMAIN}") for email in emails)
    assert all(phone.startswith(DRAMA_NUMBERS) for phone in phones)


def test_nothing_written_for_the_public_looks_like_personal_data(demo):
    texts = [text for row in demo.concerns for text in row.public_texts if text]
    assert len(texts) > 500
    assert [text for text in texts if flags(text)] == []
    assert not any(EMAIL_DOMAIN in text for text in texts)


def test_loading_again_adds_nothing(demo):
    assert demo.created_again == 0
    assert demo.counts_after_second == demo.counts_after_first
