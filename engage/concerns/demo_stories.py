"""Who raises what in the demo, where and when: the roadshows, and each concern's story drawn
from a fixed seed, with how far it is to get (its fate).

Kept apart from demo_histories.py, which plays each story out through the services, so the
drawing of who, where and when can be read on its own; both share the Story and Demo below.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from engage.auth.models import User
from engage.concerns.demo_content import CLUSTERS, DECLINES, ROADSHOWS, STREETS, TOPICS, Topic
from engage.concerns.models import ConcernSource, Roadshow, RoadshowStatus
from engage.core.clocks import is_working_day
from engage.core.columns import utcnow
from engage.core.dates import LONDON
from engage.core.demo import CLERK_PARISHES
from engage.core.models import Area, AreaKind
from engage.extensions import db

SEED = 20260507
EMAIL_DOMAIN = "resident.example"
HISTORY_DAYS = 545  # about eighteen months
STAFF, PARTNER, CLERK = "staff@example.org", "partner@example.org", "clerk@example.org"
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
        moment = moment_in_england(day, hour, minute)
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


def add_roadshows(demo: Demo) -> list[Roadshow]:
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
            created_at=moment_in_england(held_on - timedelta(days=42), 10),
        )
        db.session.add(roadshow)
        made.append(roadshow)
    db.session.flush()
    return made


def draw_stories(demo: Demo, roadshows: list[Roadshow]) -> list[Story]:
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


def moment_in_england(day: date, hour: int, minute: int = 0) -> datetime:
    """A time of day in England on `day`, as the aware UTC moment the columns store."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _weekday_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
