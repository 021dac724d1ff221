"""Demo concerns: eighteen months of roadshows and of concerns raised across the county, in every
state of their lifecycle.

Residents raise concerns at roadshows, through their parish or town council (the demo clerk logs
those of Charlton Kings and Prestbury), online, and by phone or e-mail. Each concern is logged
with services.log_concern and moved with services.apply_move on the simulated day of each step,
so its events, referrals, "We did" versions and service clocks are what the application itself
records, and each clock's outcome (met or missed) follows from how quickly the step was taken.
How far a concern has got depends on its age: this week's are new or open, last year's published
or closed. Duplicates raised at several roadshows are merged into one survivor; some concerns are
declined with a reason that says where to go instead; some are reopened. Actions and reopen
requests are inserted in bulk, and every step's timestamps are then set to its simulated moment.
The texts are our own and the streets fictional; raisers' e-mail addresses end in
@resident.example and their phone numbers are in Ofcom's drama ranges. A fixed seed gives the
same history every time. Never loaded in production (the command refuses first).

The loading is in three modules besides this entry point: demo_stories.py draws who raised what,
where and when; demo_histories.py plays each story out; demo_content.py holds the words.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from engage.auth.models import User
from engage.concerns.demo_histories import hide_and_ask_to_reopen, live, set_times
from engage.concerns.demo_stories import (
    CLERK,
    EMAIL_DOMAIN,
    PARTNER,
    STAFF,
    Demo,
    add_roadshows,
    draw_stories,
)
from engage.concerns.models import Concern, ConcernAction, ReopenRequest
from engage.core.demo import CLERK_PARISHES, DemoError
from engage.core.models import Agency, AgencyKind, Area, ConcernCategory, PlanPriority
from engage.extensions import db


def load_concerns_demo(today: date) -> int:
    """Create the demo roadshows and concerns unless they exist; return how many concerns."""
    demo_email = Concern.raiser_email.like(f"%@{EMAIL_DOMAIN}")
    if db.session.scalar(select(Concern.id).where(demo_email).limit(1)) is not None:
        return 0
    demo = _demo(today)
    stories = draw_stories(demo, add_roadshows(demo))
    session = db.session()
    # The services commit after every move; nothing else writes meanwhile, so keep what is
    # loaded rather than read it all again each time (a tenth of the statements).
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        for story in stories:
            live(demo, story)
    finally:
        session.expire_on_commit = expire_on_commit
    hide_and_ask_to_reopen(demo, stories)
    for model, rows in ((ConcernAction, demo.actions), (ReopenRequest, demo.requests)):
        db.session.execute(insert(model.__table__), rows)
    set_times(stories)
    db.session.commit()
    return len(stories)


def _demo(today: date) -> Demo:
    emails = (STAFF, PARTNER, CLERK)
    people = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    if len(people) != len(emails):
        raise DemoError("Load the demo accounts first: flask engage demo")
    # Held for the whole load: the session keeps loaded rows only while something refers to
    # them, and the services look these up on every move.
    held = {
        model: list(db.session.scalars(select(model)))
        for model in (Area, Agency, ConcernCategory, PlanPriority)
    }
    agencies: dict[str | int, int] = {agency.code: agency.id for agency in held[Agency]}
    for agency in held[Agency]:
        if agency.kind is AgencyKind.DISTRICT_COUNCIL:
            agencies[agency.area_id] = agency.id
    return Demo(
        today=today,
        people=people,
        held=held,
        agencies=agencies,
        categories={category.code: category.id for category in held[ConcernCategory]},
        priorities={priority.code: priority.id for priority in held[PlanPriority]},
        clerk_parishes=frozenset(a.id for a in held[Area] if a.code in CLERK_PARISHES),
    )
