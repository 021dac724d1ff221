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
requests are inserted in bulk, and every step's timestamps are then set to its simulated moment. The texts are our own and the streets fictional; raisers' e-mail addresses end
in @resident.example and their phone numbers are in Ofcom's drama ranges. A fixed seed gives the
same history every time. Never loaded in production (the command refuses first).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, insert, select, update

from engage.auth.models import User
from engage.concerns.models import (
    ActionStatus,
    Concern,
    ConcernAction,
    ConcernEvent,
    ConcernSource,
    Referral,
    ReopenRequest,
    Roadshow,
    RoadshowStatus,
    WeDidVersion,
)
from engage.concerns.services import apply_move, log_concern
from engage.concerns.workflow import Move
from engage.core.clocks import add_working_days, is_working_day, working_days_between
from engage.core.columns import utcnow
from engage.core.demo import CLERK_PARISHES, DemoError
from engage.core.models import Agency, AgencyKind, Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db

SEED = 20260507
EMAIL_DOMAIN = "resident.example"
HISTORY_DAYS = 545  # about eighteen months
STAFF, PARTNER, CLERK = "staff@example.org", "partner@example.org", "clerk@example.org"
LONDON = ZoneInfo("Europe/London")
RECENT_ONLINE = 8  # concerns that came in online in the last few days, still to be triaged
# Concerns raised other than at roadshows, by source; roadshows add one for every five people
# who came, and the merged clusters a few more: about 300 in all, 40% of them at roadshows.
ARRIVALS = {
    ConcernSource.PARISH: 88,
    ConcernSource.ONLINE: 59,
    ConcernSource.PHONE: 15,
    ConcernSource.EMAIL: 14,
}
# How far a concern has got, by how many days ago it was raised: (up to days, weight of each fate).
FATES = ("new", "open", "referred", "responded", "published", "closed", "declined", "reopened")
FATE_WEIGHTS = (
    (4, (55, 40, 0, 0, 0, 0, 5, 0)),
    (20, (6, 38, 12, 26, 14, 0, 4, 0)),
    (45, (0, 14, 6, 18, 52, 6, 4, 0)),
    (120, (0, 5, 3, 4, 55, 24, 4, 5)),
    (HISTORY_DAYS, (0, 2, 1, 1, 44, 44, 4, 4)),
)
RURAL_DISTRICTS = frozenset({"cotswold", "forest-of-dean", "stroud", "tewkesbury"})


@dataclass(frozen=True)
class Topic:
    """What residents raise in one category, how staff summarise it, and what agencies do.

    `lead` and each action's agency are "police", "county", "district" (the parish's district
    council) or "opcc". Texts take {street} and {place}; every action fits every case raised.
    """

    category: str
    priority: str
    lead: str
    weight: float
    rural: float  # how much more often it is raised in the rural districts
    raised: tuple[str, ...]
    summaries: tuple[str, ...]  # how staff put each of `raised`, in the same order
    actions: tuple[tuple[str, str, str], ...]  # (agency, private working note, public line)


@dataclass(frozen=True)
class RoadshowPlan:
    days_from_today: int  # negative: already held
    hosts: tuple[str, ...]  # parish codes; the first is where it is held
    venue: str
    attendance: int
    notes: str


@dataclass(frozen=True)
class Cluster:
    """One concern raised again and again: the first raising survives, the others are merged
    into it. Each raising is (source, roadshow index, days after that roadshow)."""

    parish: str
    category: str
    street: str
    raisings: tuple[tuple[ConcernSource, int, int], ...]


@dataclass
class Story:
    """One demo concern: who raised it, where and when, how far it gets, and when each step was.

    Each story draws from a generator of its own, seeded by its place in the list, so what
    happens to one concern never shifts the draws of the next.
    """

    source: ConcernSource
    parish_id: int
    district_id: int
    place: str
    raised_on: date
    order: int
    rng: random.Random
    topic: Topic
    street: str
    fate: str
    case: int  # which of the topic's raised texts, and so which summary
    roadshow_id: int | None = None
    evening: time | None = None  # when the roadshow started
    survivor: Story | None = None  # for a duplicate, the concern it is merged into
    decline: tuple[str, str, str] | None = None  # (category, raised text, public reason)
    # Where the concern stands as its story is played out.
    concern_id: int = 0
    reference: str = ""
    category: str = ""
    status: str = "new"
    lead: str = ""
    target: str = ""  # the agency it was last referred to
    owner: User | None = None
    summary: str = ""  # what staff publish as "You said"
    we_did: str = ""
    moments: list[datetime] = field(default_factory=list)  # one per event, in order
    referrals: list[list[datetime | None]] = field(default_factory=list)  # [referred, decided]
    approvals: list[datetime] = field(default_factory=list)
    hidden: bool = False

    def __post_init__(self):
        self.lead = self.topic.lead
        self.summary = self.words(self.topic.summaries[self.case])

    def words(self, text: str) -> str:
        return text.format(street=self.street, place=self.place)

    def next_moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Record a moment on `day` at about `hour`, after the story's last one."""
        moment = _moment(day, hour, minute)
        if self.moments:
            moment = max(moment, self.moments[-1] + timedelta(minutes=self.rng.randint(5, 40)))
        moment = min(moment, utcnow())  # today's steps were taken before now
        self.moments.append(moment)
        return moment


@dataclass
class Demo:
    """What loading needs at hand: today, the people, the reference data (as ids, which outlast
    each commit), and the rows to insert in bulk at the end."""

    today: date
    people: dict[str, User]
    held: dict[type, list]  # every row of the reference tables
    agencies: dict[str | int, int]  # by code, and each district council by its district's id
    categories: dict[str, int]
    priorities: dict[str, int]
    clerk_parishes: frozenset[int]
    actions: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)

    def agency(self, who: str, story: Story) -> int:
        """The police, the county council, the OPCC or the story's district council."""
        codes = {"police": "glos-police", "county": "glos-county-council", "opcc": "glos-opcc"}
        return self.agencies[story.district_id if who == "district" else codes[who]]


def load_concerns_demo(today: date) -> int:
    """Create the demo roadshows and concerns unless they exist; return how many concerns."""
    demo_email = Concern.raiser_email.like(f"%@{EMAIL_DOMAIN}")
    if db.session.scalar(select(Concern.id).where(demo_email).limit(1)) is not None:
        return 0
    demo = _demo(today)
    stories = _stories(demo, _roadshows(demo))
    session = db.session()
    # The services commit after every move; nothing else writes meanwhile, so keep what is
    # loaded rather than read it all again each time (a tenth of the statements).
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        for story in stories:
            _live(demo, story)
    finally:
        session.expire_on_commit = expire_on_commit
    _hide_and_ask_to_reopen(demo, stories)
    for model, rows in ((ConcernAction, demo.actions), (ReopenRequest, demo.requests)):
        db.session.execute(insert(model.__table__), rows)
    _set_times(stories)
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


def _roadshows(demo: Demo) -> list[Roadshow]:
    """The roadshows, each on a Tuesday, Wednesday or Thursday evening; the last two to come."""
    areas = {area.code: area for area in demo.held[Area]}
    made = []
    for plan in ROADSHOWS:
        held_on = demo.today + timedelta(days=plan.days_from_today)
        while held_on.weekday() not in (1, 2, 3) or not is_working_day(held_on):
            held_on += timedelta(days=1 if plan.days_from_today > 0 else -1)
        hosts = [areas[code] for code in plan.hosts]
        names = [host.name for host in hosts]
        title = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        held = held_on < demo.today
        roadshow = Roadshow(
            title=f"{title} roadshow",
            held_on=held_on,
            starts_at=time(18, 30) if len(hosts) > 1 else time(19, 0),
            venue=plan.venue,
            area=hosts[0],
            hosts=hosts,
            status=RoadshowStatus.HELD if held else RoadshowStatus.PLANNED,
            attendance=plan.attendance if held else None,
            notes=plan.notes if held else "Venue booked and the host councils invited.",
            created_at=_moment(held_on - timedelta(days=42), 10),
        )
        db.session.add(roadshow)
        made.append(roadshow)
    db.session.flush()
    return made


def _stories(demo: Demo, roadshows: list[Roadshow]) -> list[Story]:
    """Every demo concern, oldest first: the merged clusters, the roadshows' and the rest."""
    rng = random.Random(SEED)
    parishes = sorted(
        (a for a in demo.held[Area] if a.kind is AreaKind.PARISH), key=lambda a: a.code
    )
    by_code = {parish.code: parish for parish in parishes}
    topics = {topic.category: topic for topic in TOPICS}
    stories: list[Story] = []

    def add(source, parish, raised_on, roadshow=None, topic=None, street=None, fate=None):
        own = random.Random(SEED * 1000 + len(stories))
        rural = parish.parent.code in RURAL_DISTRICTS
        weights = [t.weight * (t.rural if rural else 1) for t in TOPICS]
        drawn = own.choices(TOPICS, weights=weights)[0], own.choice(STREETS), own.random()
        topic = topic or drawn[0]
        story = Story(
            source=source,
            parish_id=parish.id,
            district_id=parish.parent_id,
            place=parish.name,
            raised_on=raised_on,
            order=len(stories),
            rng=own,
            topic=topic,
            street=street or drawn[1],
            fate=fate or _fate(drawn[2], (demo.today - raised_on).days),
            case=0 if street else own.randrange(len(topic.raised)),  # a cluster's is its first
            roadshow_id=roadshow.id if roadshow else None,
            evening=roadshow.starts_at if roadshow else None,
        )
        story.decline = own.choice(DECLINES) if story.fate == "declined" else None
        stories.append(story)
        return story

    for cluster in CLUSTERS:
        survivor = None
        for source, index, days_after in cluster.raisings:
            raised_on = _weekday_on_or_after(roadshows[index].held_on + timedelta(days=days_after))
            roadshow = roadshows[index] if source is ConcernSource.ROADSHOW else None
            topic, parish = topics[cluster.category], by_code[cluster.parish]
            fate = "merged" if survivor else "published"
            story = add(source, parish, raised_on, roadshow, topic, cluster.street, fate)
            story.survivor, survivor = survivor, survivor or story
    for roadshow in roadshows:
        if roadshow.status is RoadshowStatus.HELD:
            nearby = [parish for parish in parishes if parish.parent_id == roadshow.area.parent_id]
            for _ in range(roadshow.attendance // 5):
                parish = rng.choice(roadshow.hosts if rng.random() < 0.7 else nearby)
                add(ConcernSource.ROADSHOW, parish, roadshow.held_on, roadshow)
    clerk_parishes = [by_code[code] for code in CLERK_PARISHES]
    for source, count in ARRIVALS.items():
        for index in range(count):
            if source is ConcernSource.ONLINE and index < RECENT_ONLINE:
                days_ago = rng.randint(0, 4)
            else:  # more recently, more often: word of the service spreads
                days_ago = int(rng.triangular(0, HISTORY_DAYS, 0))
            raised_on = demo.today - timedelta(days=days_ago)
            if source is not ConcernSource.ONLINE:  # councils meet, the office works, on weekdays
                while not is_working_day(raised_on):
                    raised_on -= timedelta(days=1)
            clerks = source is ConcernSource.PARISH and rng.random() < 0.25
            add(source, rng.choice(clerk_parishes if clerks else parishes), raised_on)
    return sorted(stories, key=lambda story: (story.raised_on, story.order))


def _fate(draw: float, days_ago: int) -> str:
    """The fate a uniform `draw` picks for a concern raised `days_ago`."""
    weights = next((w for up_to, w in FATE_WEIGHTS if days_ago <= up_to), FATE_WEIGHTS[-1][1])
    running = 0.0
    for fate, weight in zip(FATES, weights, strict=True):
        running += weight / sum(weights)
        if draw < running:
            return fate
    return FATES[-1]


def _live(demo: Demo, story: Story) -> None:
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
                "created_at": _moment(triaged, 15),
                "updated_at": _moment(done_on or triaged, 16),
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
            "created_at": _moment(reopened, 15),
            "updated_at": _moment(done_on or reopened, 16),
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


def _hide_and_ask_to_reopen(demo: Demo, stories: list[Story]) -> None:
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


def _set_times(stories: list[Story]) -> None:
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


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A time of day in England on `day`, as the aware UTC moment the columns store."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _weekday_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


# The demo's content: our own words, fictional streets and venues. Laid out by hand, as tables.
# fmt: off

ROADSHOWS = (
    RoadshowPlan(-530, ("bishops-cleeve", "winchcombe"), "Cleeve Meadow Community Hall", 62,
                 "Full hall. Hare coursing and speeding on the lanes between the villages came up most; the neighbourhood inspector took questions for an hour."),
    RoadshowPlan(-475, ("cinderford", "mitcheldean"), "Forest Vale Methodist Hall", 47,
                 "Young people gathering at the recreation ground was the main theme. The district council's community safety officer came along."),
    RoadshowPlan(-420, ("charlton-kings", "prestbury"), "Ryeworth Parish Rooms", 71,
                 "Speeding through Prestbury village dominated. Both clerks helped on the sign-in desk."),
    RoadshowPlan(-365, ("cirencester", "tetbury"), "Abbey Meadow Centre", 55,
                 "A wide spread of concerns: shoplifting in the town centre, parking and scams."),
    RoadshowPlan(-310, ("stroud-town", "stonehouse", "nailsworth"), "Five Valleys Community Centre", 80,
                 "The largest so far. Drug dealing and police visibility raised most; good discussion of Community Speed Watch."),
    RoadshowPlan(-255, ("quedgeley",), "Severnvale Community Centre", 43,
                 "School-gate parking was raised again and again."),
    RoadshowPlan(-200, ("churchdown", "brockworth"), "Oakfield Community Hall", 52,
                 "Rural thefts and fly-tipping; several farmers came from neighbouring parishes."),
    RoadshowPlan(-150, ("lydney", "coleford"), "Harbourside Hall", 38,
                 "Smaller turnout on a wet evening; anti-social behaviour and drugs raised most."),
    RoadshowPlan(-100, ("leckhampton-with-warden-hill", "up-hatherley"), "Hatherley Green Hall", 58,
                 "Speeding and vehicle crime. Residents asked for the bulletin from the last roadshow."),
    RoadshowPlan(-52, ("dursley", "wotton-under-edge"), "Vale View Hall", 46,
                 "A good mix of ages, with sixth-formers raising harassment on the way home from school."),
    RoadshowPlan(19, ("moreton-in-marsh", "bourton-on-the-water", "chipping-campden"), "Fosseway Hall", 0, ""),
    RoadshowPlan(47, ("tewkesbury-town",), "Abbey Lawn Rooms", 0, ""),
)

_R, _P, _O, _T = ConcernSource.ROADSHOW, ConcernSource.PARISH, ConcernSource.ONLINE, ConcernSource.PHONE
CLUSTERS = (
    Cluster("prestbury", "speeding", "Mallard Lane", ((_R, 2, 0), (_R, 2, 0), (_R, 2, 0), (_R, 8, 0), (_P, 8, 13))),
    Cluster("cinderford", "asb", "Heron Road", ((_R, 1, 0), (_R, 1, 0), (_R, 7, 0), (_O, 7, 4))),
    Cluster("quedgeley", "parking", "Kestrel Way", ((_R, 5, 0), (_R, 5, 0), (_R, 5, 0), (_P, 5, 20))),
    Cluster("winchcombe", "rural-crime", "Pennyfield Lane", ((_R, 0, 0), (_R, 0, 0), (_R, 6, 0), (_T, 6, 6))),
)

STREETS = (
    "Tanners Lane", "Orchard Rise", "Millbrook Street", "Carters Way", "Blackthorn Drive", "Saxon Road",
    "Kingfisher Avenue", "Coopers Hill Road", "Wheelwright Lane", "Lark Rise", "Stonemason Way",
    "Hollybush Lane", "Ferrier Street", "Beacon View Road", "Chandlers Close", "Wagtail Drive",
    "Old Forge Lane", "Pound Meadow", "Cider Mill Road", "Drovers Way",
)
FIRST_NAMES = (
    "Alice", "Amir", "Beth", "Callum", "Chloe", "Daniel", "Deborah", "Ewan", "Fatima", "Gareth", "Graham",
    "Hannah", "Ian", "Jas", "Joanna", "Kieran", "Laura", "Malcolm", "Margaret", "Mei", "Nadia", "Owen",
    "Peter", "Priya", "Rachel", "Rhys", "Sandra", "Simon", "Tom", "Wendy",
)
LAST_NAMES = (
    "Ashby", "Baker", "Bennett", "Carter", "Chaudhry", "Clarke", "Davies", "Evans", "Fletcher", "Green",
    "Hughes", "Jenkins", "Khan", "Lewis", "Morgan", "Novak", "O'Brien", "Patel", "Price", "Roberts", "Shaw",
    "Taylor", "Turner", "Walsh", "Williams", "Wood", "Young",
)
# By source: the chance that the raiser gave a name, then (if named) an e-mail address, and a
# phone number. Online needs an address; councillors often raise things in their own right.
RAISER_DETAILS = {
    ConcernSource.ROADSHOW: (0.85, 0.6, 0.2),
    ConcernSource.PARISH: (0.45, 0.8, 0.2),
    ConcernSource.ONLINE: (1.0, 1.0, 0.25),
    ConcernSource.PHONE: (1.0, 0.35, 1.0),
    ConcernSource.EMAIL: (1.0, 1.0, 0.15),
}

TOPICS = (
    Topic("speeding", "communities", lead="police", weight=16, rural=1.3, raised=(
        "Cars and vans come down {street} far too fast, especially first thing when children are walking to school. Someone is going to get hurt.",
        "Since the roadworks on the main road finished, drivers use {street} as a rat run and do well over the 30 limit. Could we have speed checks?",
        "Motorbikes race along {street} on summer evenings. The noise is awful and I worry about the bend by the shop.",
    ), summaries=(
        "Vehicles speeding on {street}, {place}, especially at school times.",
        "Drivers using {street} in {place} as a rat run and speeding in the 30 mph limit.",
        "Motorbikes speeding on {street}, {place}, on summer evenings.",
    ), actions=(
        ("police", "Neighbourhood team to run speed enforcement at school times.",
         "The neighbourhood policing team ran speed checks on {street} at school times over four weeks and dealt with the drivers caught speeding."),
        ("county", "Ask highways for an automatic speed survey and a view on a sign.",
         "Gloucestershire County Council's highways team ran a week-long speed survey on {street} and shared the results with the parish council."),
        ("police", "Offer training and equipment for a Community Speed Watch group.",
         "The police offered training and equipment so that volunteers in {place} can run Community Speed Watch."),
    )),
    Topic("asb", "asb-neighbourhood", lead="police", weight=15, rural=0.8, raised=(
        "A group of teenagers gathers by the shops on {street} most evenings, shouting and throwing things at cars. Older residents are scared to go out.",
        "There is loud music and drinking in the play area off {street} late at night, and broken glass left for the children in the morning.",
        "People have been setting off fireworks near {street} for weeks, well after dark.",
    ), summaries=(
        "Groups gathering in the evening on {street}, {place}, shouting and damaging cars.",
        "Late-night drinking and noise in the play area off {street}, {place}.",
        "Fireworks set off late at night near {street}, {place}.",
    ), actions=(
        ("police", "Add to evening patrol plans for six weeks; consider a dispersal order.",
         "Officers added {street} to their evening patrols for six weeks, spoke to the young people involved and visited their families where needed."),
        ("district", "Community safety team to check the lighting and clear the glass.",
         "The district council's community safety team cleared the area, checked the lighting and is working with youth services on activities nearby."),
    )),
    Topic("parking", "communities", lead="county", weight=10, rural=0.7, raised=(
        "Parents park on the zigzags and across driveways on {street} at every school run. The bus cannot get through.",
        "Vans are left on the pavement on {street} all day, so people with pushchairs and wheelchairs have to walk in the road.",
        "Cars park right up to the junction with {street}, so you cannot see what is coming.",
    ), summaries=(
        "Parking on the school zigzags and across driveways on {street}, {place}.",
        "Vehicles parked on the pavement on {street}, {place}, forcing people into the road.",
        "Parking close to the junction with {street}, {place}, blocking drivers' view.",
    ), actions=(
        ("county", "Civil enforcement officers to visit at school times.",
         "Gloucestershire County Council's civil enforcement officers visited {street} at school times over three weeks and issued penalty notices where the rules were broken."),
        ("police", "PCSOs to join the school's parking week and deal with obstruction.",
         "PCSOs spoke to drivers parking dangerously or blocking the pavement on {street}."),
        ("county", "Assess the street for new waiting restrictions.",
         "The highways team assessed {street} for new waiting restrictions and will consult residents on them."),
    )),
    Topic("drugs", "vulnerability", lead="police", weight=7, rural=0.6, raised=(
        "I think drugs are being dealt from a car that parks on {street} every evening: lots of short visits with the engine running.",
        "Needles and small bags have been found in the alley behind {street}. Children walk that way to school.",
        "There is a strong smell of cannabis on {street} most nights and people coming and going at all hours.",
    ), summaries=(
        "Suspected drug dealing from vehicles on {street}, {place}.",
        "Drug litter, including needles, found in an alleyway near {street}, {place}.",
        "Suspected drug use and dealing at night on {street}, {place}.",
    ), actions=(
        ("police", "Log the intelligence; neighbourhood and proactive teams to target it.",
         "The police used what residents told them to target drug dealing around {street}; officers carried out searches and made arrests."),
        ("district", "Arrange safe collection of needles and check the alley's lighting.",
         "The district council cleared drug litter from the area safely and improved the lighting nearby."),
    )),
    Topic("burglary-theft", "asb-neighbourhood", lead="police", weight=7, rural=1.0, raised=(
        "Three sheds on {street} have been broken into this month and bikes and tools taken. Is anyone looking into it?",
        "Shoplifting at the small shop on {street} is constant and the staff feel threatened.",
        "Garages on {street} were tried overnight. How do we protect our homes?",
    ), summaries=(
        "A run of shed and garage break-ins on {street}, {place}.",
        "Repeated shoplifting and threats to staff at a shop on {street}, {place}.",
        "Attempted break-ins to garages on {street}, {place}.",
    ), actions=(
        ("police", "Link the reports, review CCTV and patrol.",
         "Officers linked the reports, stepped up patrols around {street} and gave crime prevention advice to those affected."),
        ("police", "Crime prevention officer to run a security session.",
         "A crime prevention officer held a free security advice session in {place}."),
    )),
    Topic("vehicle-crime", "asb-neighbourhood", lead="police", weight=5, rural=1.0, raised=(
        "Catalytic converters have been cut off two cars on {street} in the last fortnight.",
        "Someone goes along {street} at night trying car doors. My neighbour's car was emptied.",
    ), summaries=(
        "Catalytic converter thefts from cars parked on {street}, {place}.",
        "Thefts from unlocked cars on {street}, {place}, at night.",
    ), actions=(
        ("police", "Overnight patrols; pass the pattern to the vehicle crime team.",
         "The vehicle crime team looked at these thefts together with others nearby, and officers patrolled {street} overnight."),
        ("police", "Leaflet drop and converter marking event.",
         "The neighbourhood team ran a catalytic converter marking event in {place} and delivered advice along {street}."),
    )),
    Topic("rural-crime", "communities", lead="police", weight=2, rural=3.0, raised=(
        "Hare coursers drive across the fields off {street} at dawn, damaging crops and gates.",
        "A quad bike and tools were taken from a farm near {street}. Farmers feel nobody takes rural crime seriously.",
        "Dogs off their leads chase the sheep in the fields by {street}; two ewes were injured last month.",
    ), summaries=(
        "Hare coursing and damage to farmland near {street}, {place}.",
        "Theft of farm machinery and tools near {street}, {place}.",
        "Livestock worried by dogs off their leads near {street}, {place}.",
    ), actions=(
        ("police", "Rural crime team to patrol with Farm Watch and follow up each report.",
         "The rural crime team stepped up patrols around {street} with Farm Watch volunteers and followed up each report with the farmers affected."),
        ("police", "Alerts to local farms through Farm Watch messaging.",
         "The rural crime team now sends local farmers alerts about incidents near {place} through Farm Watch."),
    )),
    Topic("fraud", "vulnerability", lead="police", weight=5, rural=1.0, raised=(
        "Doorstep traders on {street} told an elderly neighbour her roof needed urgent work and asked for cash up front.",
        "Lots of older people in {place} are getting calls pretending to be from their bank.",
    ), summaries=(
        "Rogue traders cold-calling older residents on {street}, {place}.",
        "Telephone scams aimed at older residents in {place}.",
    ), actions=(
        ("police", "Investigate with Trading Standards; visit the victims.",
         "Officers and Trading Standards followed up the reports and visited the residents affected."),
        ("county", "Trading Standards to share scam advice and offer call blockers.",
         "Gloucestershire County Council's Trading Standards team shared advice on scams and offered call blockers to the residents most at risk."),
        ("police", "Fraud prevention talk at a community event.",
         "The police gave a talk on spotting scams at a community event in {place}."),
    )),
    Topic("violence", "asb-neighbourhood", lead="police", weight=4, rural=0.5, raised=(
        "There are fights outside the pubs on {street} at closing time on Saturdays. It does not feel safe walking home.",
        "My son was threatened with a knife near the bus stop on {street}. We want more officers around.",
    ), summaries=(
        "Fights outside licensed premises on {street}, {place}, at closing time.",
        "Young people threatened near a bus stop on {street}, {place}.",
    ), actions=(
        ("police", "Patrols at the times reported; follow up the incidents.",
         "Officers increased patrols on {street} at the times residents told us about and followed up the incidents reported."),
        ("district", "Review CCTV coverage with the community safety team.",
         "The district council's community safety team reviewed the CCTV coverage of {street}."),
    )),
    Topic("vawg", "vulnerability", lead="police", weight=3, rural=0.7, raised=(
        "Women walking home along the path behind {street} have been followed and shouted at. The path is unlit.",
        "Girls from the secondary school are being harassed by men in a car near {street}.",
    ), summaries=(
        "Women feeling unsafe on an unlit path near {street}, {place}.",
        "Schoolgirls harassed by men in a car near {street}, {place}.",
    ), actions=(
        ("police", "Patrols at school leaving times; work with the safeguarding lead.",
         "Officers patrolled near {street} at the times residents told us about and worked with schools and local groups to support those affected."),
        ("county", "Lighting survey around the street.",
         "Gloucestershire County Council surveyed the lighting around {street} and has added it to its improvement programme."),
    )),
    Topic("hate-crime", "justice-victims", lead="police", weight=2, rural=0.6, raised=(
        "Racist graffiti has appeared on the bus shelter on {street} twice this month.",
        "A family on {street} is being abused because of their religion and nobody helps.",
    ), summaries=(
        "Racist graffiti on a bus shelter on {street}, {place}.",
        "A family in {place} targeted with abuse because of their religion.",
    ), actions=(
        ("police", "Record as hate incidents; support those affected; patrol.",
         "Officers recorded the incidents as hate crimes, supported the people affected and increased patrols on {street}."),
        ("district", "Remove offensive graffiti quickly; community cohesion team to offer support.",
         "The district council's community cohesion team offered support and removes offensive graffiti the day it is reported."),
    )),
    Topic("visibility", "visible-policing", lead="police", weight=9, rural=1.2, raised=(
        "We never see a police officer in {place} any more. Who is our local officer and how do we reach them?",
        "I waited forty minutes on 101 to report a theft and gave up. The online form kept failing as well.",
        "The police station near {place} closed and nobody knows where the nearest front counter is now.",
    ), summaries=(
        "Residents of {place} rarely see officers and do not know their local team.",
        "Long waits on the 101 non-emergency number and problems reporting online.",
        "Residents of {place} do not know where their nearest police front counter is.",
    ), actions=(
        ("police", "Inspector to publish the team's details and hold monthly drop-ins.",
         "The neighbourhood team now holds a monthly drop-in in {place} and its officers' details are on the force's website."),
        ("police", "Feed back to the contact centre.",
         "Gloucestershire Constabulary added call handlers at busy times and fixed the fault in its online reporting form."),
    )),
    Topic("environment", "asb-neighbourhood", lead="district", weight=7, rural=1.0, raised=(
        "Builders' rubble and old mattresses keep being dumped in the lay-by on {street}.",
        "The underpass near {street} is covered in graffiti, some of it offensive.",
        "Litter from the takeaways on {street} blows all over the gardens every weekend.",
    ), summaries=(
        "Repeated fly-tipping in a lay-by on {street}, {place}.",
        "Graffiti in the underpass near {street}, {place}.",
        "Litter from takeaways on {street}, {place}, at weekends.",
    ), actions=(
        ("district", "Clean up, look for evidence and step up inspections.",
         "The district council cleaned up {street}, looked for evidence of who was responsible and now checks the area more often."),
        ("police", "Joint patrols with the council's enforcement officers.",
         "Officers joined the council's enforcement officers on patrols to catch those responsible."),
    )),
    Topic("youth", "vulnerability", lead="district", weight=4, rural=1.0, raised=(
        "There is nothing for young people to do in {place} since the youth club closed, so they hang around {street}.",
        "I am worried older lads are drawing younger children on {street} into carrying things for them.",
    ), summaries=(
        "Little for young people to do in {place} since the youth club closed.",
        "Concern that children near {street}, {place}, are being drawn into exploitation.",
    ), actions=(
        ("district", "Fund detached youth work in the evenings.",
         "The district council funded detached youth workers for two evenings a week in {place}."),
        ("police", "Safeguarding referrals and intelligence on exploitation.",
         "The police worked with schools and children's services to protect the children at risk and disrupt those exploiting them."),
    )),
    Topic("other", "communities", lead="opcc", weight=2, rural=1.0, raised=(
        "Can the commissioner explain how the police part of the council tax is spent in {place}?",
        "Our village hall on {street} would like to host a police surgery. Who should we ask?",
    ), summaries=(
        "Residents of {place} asked how the policing precept is spent locally.",
        "A village hall in {place} offered to host police surgeries.",
    ), actions=(
        ("opcc", "Answer in writing and offer to attend the parish council.",
         "The commissioner's office answered in writing through the parish council and offered to come to a meeting to take questions."),
        ("police", "Arrange surgeries through the neighbourhood inspector.",
         "The neighbourhood team has arranged regular surgeries in {place}."),
    )),
)

# (category, what was raised, the public reason that says where to go instead)
DECLINES = (
    ("other", "The potholes on {street} are getting dangerous for cyclists.",
     "Potholes are repaired by Gloucestershire County Council, not the police or the commissioner. Report them on the county council's website, where each report is inspected."),
    ("other", "A neighbour's hedge on {street} has grown over the boundary and we cannot agree what to do.",
     "This is a disagreement between neighbours, which is a civil matter. Citizens Advice can explain the options, and the district council's mediation service may be able to help."),
    ("environment", "Several street lights on {street} have been out for weeks.",
     "Street lights are looked after by Gloucestershire County Council: report each faulty light, with the number on its column, on the county council's website."),
    ("visibility", "Why were new houses allowed off {street} when the roads cannot cope?",
     "Planning decisions are made by the district council. Comments on an application can be made on its planning pages while the application is open."),
    ("burglary-theft", "My shed on {street} was broken into last night and tools were taken.",
     "This is a crime to report to the police, so that it is recorded and investigated: call 101 or report it online, or call 999 if a crime is happening now."),
    ("environment", "The bins on {street} were missed again this week.",
     "Bin collections are run by the district council: report a missed collection on its website."),
)

HANDED_OVER = {
    "county": "Residents' reports about {street} and what officers have seen there, for the highways team to look at the road, its signs and its markings.",
    "district": "Residents' reports about {street}, {place}, for the council's community safety team to act on.",
    "police": "Residents' reports about {street}, {place}, and what the council has done so far, for the neighbourhood team to act on.",
}
REJECTED_NOTE = "We cannot lead on this: the lead stays where it is, and we will help."
REOPEN_REASONS = (
    "The problem has started again since the patrols stopped.",
    "Nothing has changed on the ground: it is as bad as before.",
    "The parish council discussed this again and residents say it is no better.",
)
REOPEN_ACTIONS = {
    "police": "When residents told us the problem had come back, the neighbourhood team returned to {street} for a further month of patrols.",
    "county": "When residents told us the problem had come back, the county council's team looked at {street} again and repeated its visits.",
    "district": "When residents told us the problem had come back, the district council returned to {street} and now checks it weekly.",
    "opcc": "When residents told us the question was still open, the commissioner's office met the parish council to go through it.",
}
