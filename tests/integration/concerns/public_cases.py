"""Concerns in every condition the public may and may not see, each private text marked, for
the tests that check no public page, file, feed or alert shows what it must not."""

from __future__ import annotations

from engage.concerns.models import ConcernAction, ConcernSource
from engage.concerns.services import apply_move
from engage.concerns.workflow import Move, Status
from engage.extensions import db
from tests.concern_factories import concern, staff
from tests.factories import agency

PRIVATE_WORDS = "Privatewords Mrs Jones of 12 Acacia Avenue"
STAFF_NOTE = "Staffnoteonly"
ACTION_DETAIL = "Actiondetailonly"
FORMER = "Formerlydone"  # a "We did" published before the concern was reopened and declined


def _publish(marker: str) -> dict:
    """What a publish move is given, every text holding `marker`, with a staff note."""
    texts = {"public_summary": f"{marker} summary", "we_did": f"{marker} done", "note": STAFF_NOTE}
    return {Move.PUBLISH: texts}


def every_condition_cases(show) -> tuple[dict, dict]:
    """Concerns the public may see (by name) and concerns in every condition it may not, each
    non-public one with a marker word in every text it has; all raised at `show`."""
    office = staff()
    number = iter(range(1, 100))

    def made(status, marker="", **fields):
        values = {
            "source": ConcernSource.ROADSHOW,
            "roadshow_id": show.id,
            "raised_text": f"{PRIVATE_WORDS} {marker}",
            "raiser_name": f"Resident {marker or 'Shown'}",
            "raiser_email": f"raiser{next(number)}@resident.example",
            "raiser_phone": "07700 900123",
            "consent_contact": False,  # no acknowledgement mail to send
            "actor": office,
        }
        values.update(fields)
        return concern(status=status, **values)

    shown = {
        "published": made(
            Status.PUBLISHED,
            given={**_publish("Lampposts"), Move.TRIAGE: {"note": STAFF_NOTE}},
        ),
        "closed": made(Status.CLOSED, given=_publish("Hedges")),
        "declined": made(Status.DECLINED, given={Move.DECLINE: {"reason": "Ask the council"}}),
    }
    shown["published"].actions.append(
        ConcernAction(agency_id=agency().id, description=ACTION_DETAIL, public_line="Patrols")
    )
    survivor = made(Status.PUBLISHED, given=_publish("Potholes"))
    shown["survivor"] = survivor
    kept_back = {
        "new": made(Status.NEW, "Neverone"),
        "open": made(Status.OPEN, "Nevertwo"),
        "responded": made(
            Status.RESPONDED, "Neverthree", given={Move.RESPOND: {"we_did": "Neverthree draft"}}
        ),
        "merged": made(Status.MERGED, "Neverfour"),
        "merged into a shown one": made(Status.NEW, "Neverfive"),
        "no consent": made(
            Status.PUBLISHED, "Neversix", consent_publish=False, given=_publish("Neversix")
        ),
        "declined without consent": made(
            Status.DECLINED,
            "Neverseven",
            consent_publish=False,
            given={Move.DECLINE: {"reason": "Neverseven reason"}},
        ),
        "hidden": made(Status.PUBLISHED, "Nevereight", given=_publish("Nevereight")),
        "reopened": made(Status.PUBLISHED, "Nevernine", given=_publish("Nevernine")),
        "unsigned": made(
            Status.RESPONDED, "Neverten", given={Move.RESPOND: {"we_did": "Neverten draft"}}
        ),
    }
    apply_move(
        kept_back["merged into a shown one"].id,
        Move.MERGE,
        {"merge_into": survivor.reference},
        actor=office,
        today=survivor.raised_on,
    )
    apply_move(
        kept_back["reopened"].id,
        Move.REOPEN,
        {"note": "Not resolved"},
        actor=office,
        today=survivor.raised_on,
    )
    # Declined after a "We did" was published: only the reason may show, never that "We did".
    redone = shown["declined after publishing"] = made(Status.PUBLISHED, given=_publish(FORMER))
    for move, given in ((Move.REOPEN, {"note": "Not ours"}), (Move.DECLINE, {"reason": "Ask"})):
        apply_move(redone.id, move, given, actor=office, today=redone.raised_on)
    kept_back["hidden"].hidden = True
    kept_back["unsigned"].status = Status.PUBLISHED  # published with no signed-off version
    kept_back["unsigned"].public_summary = "Neverten summary"
    db.session.commit()
    return shown, kept_back
