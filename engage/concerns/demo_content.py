"""The demo's content: what residents raise and how staff and agencies answer, the roadshows,
the concerns raised again and again, and the names and streets the stories draw from.

Kept apart from the loaders (demo.py, demo_stories.py, demo_histories.py) because it is words,
not logic: tables laid out by hand, our own texts, fictional streets and venues, which can be
read and changed without reading how a history is played out.
"""

from __future__ import annotations

from dataclasses import dataclass

from engage.concerns.models import ConcernSource


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
