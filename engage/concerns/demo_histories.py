"""How each demo concern's history is played out: logged on the day it was raised, then moved
through services.apply_move on the day of each step, with the agencies' actions and requests to
reopen gathered for one bulk insert, and every record then dated to its simulated moment.

Kept apart from demo_stories.py, which draws who raised what, where and when: this module
decides only what happens to a concern once its story is drawn.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Table, bindparam, select, update

from engage.auth.models import User
from engage.concerns.demo_content import (
    FIRST_NAMES,
    HANDED_OVER,
    LAST_NAMES,
    RAISER_DETAILS,
    REJECTED_NOTE,
    REOPEN_ACTIONS,
    REOPEN_REASONS,
)
from engage.concerns.demo_stories import (
    CLERK,
    EMAIL_DOMAIN,
    PARTNER,
    STAFF,
    Demo,
    Story,
    moment_in_england,
)
from engage.concerns.models import (
    ActionStatus,
    Concern,
    ConcernEvent,
    ConcernSource,
    Referral,
    WeDidVersion,
)
from engage.concerns.services import apply_move, log_concern
from engage.concerns.workflow import Move
from engage.core.clocks import add_working_days, is_working_day, working_days_between
from engage.extensions import db


def live(demo: Demo, story: Story) -> None:
    """Log the concern on the day it was raised, then take each step on its own day."""
    concern = _log(demo, story)
    steps = _steps(story, working_days_between(story.raised_on, demo.today))
    responses = [day for move, day in steps if move is Move.RESPOND]
    for move, day in steps:
        actor, given = _given(demo, story, move, day, responses)
        concern = apply_move(story.concern_id, move, given, actor=actor, today=day, notify=False)
        moment = story.next_moment(day, story.rng.randint(9, 16), story.rng.randint(0, 59))
        if move is Move.REFER:
            story.referrals.append([moment, None])
        elif move in (Move.ACCEPT_REFERRAL, Move.REJECT_REFERRAL):
            story.referrals[-1][1] = moment
        elif move is Move.PUBLISH:
            story.approvals.append(moment)
        elif move is Move.REOPEN:
            _reopen_request(demo, story, moment, decided=True)
    story.status = str(concern.status)


def _log(demo: Demo, story: Story) -> Concern:
    """Log the concern as whoever took it down: the clerk, staff, or nobody (online)."""
    rng, topic = story.rng, story.topic
    category, text = (
        story.decline[:2] if story.decline else (topic.category, topic.raised[story.case])
    )
    raiser = _raiser(rng, story.source)
    if raiser["raiser_phone"] and story.source is ConcernSource.ONLINE and rng.random() < 0.4:
        text += f" Please ring me on {raiser['raiser_phone']} if you need more details."
    if story.source is ConcernSource.ONLINE:
        logged_by = None
    elif story.source is ConcernSource.PARISH and story.parish_id in demo.clerk_parishes:
        logged_by = demo.people[CLERK]
    else:
        logged_by = demo.people[STAFF]
    concern = log_concern(
        source=story.source,
        parish_id=story.parish_id,
        raised_text=story.words(text),
        raised_on=story.raised_on,
        today=story.raised_on,
        logged_by=logged_by,
        category_id=demo.categories[category],
        roadshow_id=story.roadshow_id,
        **raiser,
    )
    story.concern_id, story.reference, story.category = concern.id, concern.reference, category
    if story.evening:  # captured on the night
        hour = story.evening.hour + 1
    else:
        hour = rng.randint(7, 22) if story.source is ConcernSource.ONLINE else rng.randint(9, 16)
    story.next_moment(story.raised_on, hour, rng.randint(0, 59))
    return concern


def _given(
    demo: Demo, story: Story, move: Move, day: date, responses: list[date]
) -> tuple[User, dict]:
    """Who makes `move` and what they give it, as staff, the partner or the clerk would."""
    staff, partner = demo.people[STAFF], demo.people[PARTNER]
    if move is Move.TRIAGE:
        story.owner = partner if story.lead == "police" and story.rng.random() < 0.5 else staff
        if story.fate != "declined":
            story.we_did = _plan_actions(demo, story, day, responses[0] if responses else None)
        return staff, {
            "lead_agency": demo.agency(story.lead, story),
            "owner": story.owner.id,
            "category": demo.categories[story.category],
            "priority": demo.priorities[story.topic.priority],
            "note": "Checked, categorised and assigned.",
        }
    if move is Move.REFER:
        highways = story.category in ("speeding", "parking")
        story.target = "police" if story.lead != "police" else "county" if highways else "district"
        return staff, {
            "agency": demo.agency(story.target, story),
            "handed_over": story.words(HANDED_OVER[story.target]),
            "note": "Better led by them: referred with everything we have.",
        }
    if move in (Move.ACCEPT_REFERRAL, Move.REJECT_REFERRAL):
        answered_by = partner if story.target == "police" else staff
        if move is Move.REJECT_REFERRAL:
            return answered_by, {"note": REJECTED_NOTE}
        story.lead = story.target
        return answered_by, {"note": "Accepted: we will lead."}
    if move is Move.RESPOND:
        return story.owner, {"we_did": story.we_did, "note": "Drafted from the agencies' updates."}
    if move is Move.PUBLISH:
        return staff, {
            "public_summary": story.summary,
            "we_did": story.we_did,
            "note": "Signed off.",
        }
    if move is Move.MERGE:
        into = story.survivor.reference
        return staff, {"merge_into": into, "note": f"The same concern as {into}."}
    if move is Move.DECLINE:
        return staff, {"reason": story.decline[2], "note": "Not one for us to answer."}
    if move is Move.REOPEN:
        story.we_did += " " + _reopen_action(demo, story, day, responses[-1])
        return staff, {"note": story.rng.choice(REOPEN_REASONS)}
    return staff, {"note": "Nothing more to do."}  # close


def _steps(story: Story, limit: int) -> list[tuple[Move, date]]:
    """The moves that take the concern to its fate, each on its working day, squeezed into the
    `limit` working days since it was raised when they would run past today."""
    rng, fate = story.rng, story.fate
    at = max(rng.choice((0, 0, 1, 1, 1, 1, 2, 2, 3, 4)), story.source is ConcernSource.ROADSHOW)
    offsets: list[tuple[Move, int]] = []

    def then(move: Move, gap: int) -> None:
        nonlocal at
        at += gap
        offsets.append((move, at))

    if fate == "merged":
        then(Move.MERGE, 0)
    elif fate == "declined":
        if rng.random() < 0.3:
            then(Move.TRIAGE, 0)
        then(Move.DECLINE, rng.randint(0, 3))
    elif fate != "new":
        then(Move.TRIAGE, 0)
        if fate == "referred" or rng.random() < 0.15:
            then(Move.REFER, rng.randint(1, 3))
            if fate != "referred":
                answer = Move.REJECT_REFERRAL if rng.random() < 0.2 else Move.ACCEPT_REFERRAL
                then(answer, rng.randint(1, 5))
        if fate not in ("open", "referred"):
            quick, slow = rng.randint(3, 8), rng.choice((rng.randint(9, 17), rng.randint(18, 30)))
            then(Move.RESPOND, quick if rng.random() < 0.6 else slow)
        if fate in ("published", "closed", "reopened"):
            then(Move.PUBLISH, rng.randint(1, 6))
        if fate == "closed" or (fate == "reopened" and rng.random() < 0.5):
            then(Move.CLOSE, rng.randint(10, 40))
        if fate == "reopened":
            then(Move.REOPEN, rng.randint(8, 30))
            if rng.random() < 0.5:
                then(Move.RESPOND, rng.randint(5, 15))
                then(Move.PUBLISH, rng.randint(1, 4))
    last = offsets[-1][1] if offsets else 0
    earliest = min(limit, 0 if is_working_day(story.raised_on) else 1)

    def day(offset: int) -> date:
        squeezed = offset * limit // last if last > limit else offset
        return add_working_days(story.raised_on, max(squeezed, earliest))

    return [(move, day(offset)) for move, offset in offsets]


def _raiser(rng: random.Random, source: ConcernSource) -> dict:
    """Who raised it, how to reach them and what they agreed to, as log_concern takes them."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    address = f"{first}.{last}@{EMAIL_DOMAIN}".lower().replace("'", "")
    phone = rng.choice(("07700 900{:03d}", "01632 960{:03d}")).format(rng.randint(0, 999))
    named, with_email, with_phone = RAISER_DETAILS[source]
    draws = [rng.random() for _ in range(5)]
    email = address if draws[0] < named and draws[1] < with_email else None
    phone = phone if draws[0] < named and draws[2] < with_phone else None
    return {
        "raiser_name": f"{first} {last}" if draws[0] < named else "",
        "raiser_email": email,
        "raiser_phone": phone,
        "consent_contact": bool(email or phone) and draws[3] < 0.85,
        "consent_publish": draws[4] < 0.8,
    }


def _plan_actions(demo: Demo, story: Story, triaged: date, responded: date | None) -> str:
    """Each agency's part, agreed at triage and done by the response if there is one; return
    the "We did" built from their public lines."""
    rng, partner, staff = story.rng, demo.people[PARTNER], demo.people[STAFF]
    lines = []
    for who, description, line in story.topic.actions[: rng.randint(1, len(story.topic.actions))]:
        done_on = None
        if responded:
            span = working_days_between(triaged, responded)
            done_on = add_working_days(triaged, max(0, span - rng.randint(0, 3)))
        status = ActionStatus.IN_PROGRESS if rng.random() < 0.6 else ActionStatus.PLANNED
        demo.actions.append(
            {
                "concern_id": story.concern_id,
                "agency_id": demo.agency(who, story),
                "owner_id": (partner if who == "police" else staff).id,
                "description": description,
                "public_line": story.words(line),
                "due_on": add_working_days(triaged, rng.randint(8, 22)),
                "status": ActionStatus.DONE if done_on else status,
                "done_on": done_on,
                "created_at": moment_in_england(triaged, 15),
                "updated_at": moment_in_england(done_on or triaged, 16),
            }
        )
        lines.append(story.words(line))
    return " ".join(lines)


def _reopen_action(demo: Demo, story: Story, reopened: date, responded: date) -> str:
    """The lead agency's second look after a reopen, done if it was answered again."""
    done_on = responded if responded > reopened else None
    lead = story.lead
    line = story.words(REOPEN_ACTIONS[lead])
    demo.actions.append(
        {
            "concern_id": story.concern_id,
            "agency_id": demo.agency(lead, story),
            "owner_id": demo.people[PARTNER if lead == "police" else STAFF].id,
            "description": "Look again: the problem is reported to have come back.",
            "public_line": line,
            "due_on": add_working_days(reopened, story.rng.randint(10, 20)),
            "status": ActionStatus.DONE if done_on else ActionStatus.IN_PROGRESS,
            "done_on": done_on,
            "created_at": moment_in_england(reopened, 15),
            "updated_at": moment_in_england(done_on or reopened, 16),
        }
    )
    return line


def _reopen_request(demo: Demo, story: Story, moment: datetime, *, decided: bool) -> None:
    """ "This is not resolved", from the clerk of the parish or else the raiser; staff reopened
    the concern at `moment`, or (not `decided`) have still to decide on a request made then."""
    by_clerk = story.parish_id in demo.clerk_parishes
    asked = moment - timedelta(days=story.rng.randint(1, 5), hours=story.rng.randint(0, 6))
    demo.requests.append(
        {
            "concern_id": story.concern_id,
            "requested_by_id": demo.people[CLERK].id if by_clerk else None,
            "reason": story.rng.choice(REOPEN_REASONS),
            "requested_at": max(asked, story.moments[-2] + timedelta(hours=1))
            if decided
            else moment,
            "decision": "reopened" if decided else None,
            "decision_note": "Reopened to look at it again." if decided else "",
            "decided_at": moment if decided else None,
            "decided_by_id": demo.people[STAFF].id if decided else None,
        }
    )


def hide_and_ask_to_reopen(demo: Demo, stories: list[Story]) -> None:
    """Keep two sensitive published concerns off the board, and leave three requests to reopen
    (two from the demo clerk) for staff to decide on."""
    published = [story for story in stories if story.status == "published"]
    for story in [s for s in published if s.topic.category in ("vawg", "hate-crime")][:2]:
        story.hidden = True
    settled = [s for s in published if s.approvals[-1].date() < demo.today - timedelta(days=14)]
    clerks = [s for s in settled if s.parish_id in demo.clerk_parishes and not s.hidden]
    others = [s for s in settled if s.parish_id not in demo.clerk_parishes and not s.hidden]
    for story in clerks[-2:] + others[-1:]:
        _reopen_request(demo, story, story.approvals[-1] + timedelta(days=10), decided=False)


def set_times(stories: list[Story]) -> None:
    """Date each step's records to its simulated moment rather than to the loading."""
    db.session.flush()
    by_id = {story.concern_id: story for story in stories}
    stamped = (
        (ConcernEvent, ConcernEvent.id, lambda story: [{"at": at} for at in story.moments]),
        (WeDidVersion, WeDidVersion.number, lambda s: [{"approved_at": at} for at in s.approvals]),
        (
            Referral,
            Referral.id,
            lambda s: [{"referred_at": on, "decided_at": off} for on, off in s.referrals],
        ),
    )
    for model, order, times in stamped:
        query = (
            select(model.concern_id, model.id)
            .where(model.concern_id.in_(by_id))
            .order_by(model.concern_id, order)
        )
        rows = []
        for concern_id, found in groupby(db.session.execute(query), key=itemgetter(0)):
            pairs = zip(found, times(by_id[concern_id]), strict=True)
            rows += [{"row_id": row_id, **values} for (_, row_id), values in pairs]
        _update(model.__table__, rows)
    _update(
        Concern.__table__,
        [
            {
                "row_id": story.concern_id,
                "created_at": story.moments[0],
                "updated_at": story.moments[-1],
                "published_at": story.approvals[0] if story.approvals else None,
                "hidden": story.hidden,
            }
            for story in stories
        ],
    )


def _update(table: Table, rows: list[dict]) -> None:
    """Set columns of many rows by id in one executemany; each row's "row_id" names its row."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "row_id"]
    values = {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in names}
    statement = update(table).where(table.c.id == bindparam("row_id")).values(values)
    db.session.execute(
        statement,
        [{"row_id": row["row_id"], **{f"new_{name}": row[name] for name in names}} for row in rows],
    )
