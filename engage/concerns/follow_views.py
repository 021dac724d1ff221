"""Pages to follow concerns by: "Your concerns" for clerks, partners and the office, and the
raiser's private link, which needs no account.

They are kept apart from partner_views.py, whose pages change a concern: these show what a person
may follow (engage.concerns.following) and, on the private link, take the one change a raiser
may make: saying it is not resolved.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user

from engage.auth.permissions import Action, requires
from engage.concerns import actions, following
from engage.concerns.access import OFFICE
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.casework import viewer_of
from engage.concerns.partner_forms import FollowedFilterForm, NotResolvedForm
from engage.concerns.partner_views import own_agency, sent_not_resolved
from engage.core.dates import today
from engage.extensions import limiter

# Guesses at a follow link's secret from one address, as for survey codes; a link that works
# is not counted.
FOLLOW_GUESSES = "10 per 15 minutes"


# The concerns one follows --------------------------------------------------------------------


@blueprint.get("/mine")
@requires(Action.FOLLOW_CONCERNS)
def mine():
    """A clerk's parishes' concerns, a partner's agency's, or the ones an office member owns."""
    form = FollowedFilterForm(formdata=request.args)
    form.validate()
    page = following.followed_concerns(
        viewer_of(current_user),
        current_user.id,
        status=form.chosen_status(),
        page=_page_number(request.args.get("page")),
    )
    agency = own_agency()
    if agency is not None:
        due = following.open_actions(agency_id=agency.id)
    elif current_user.role in OFFICE:
        due = following.open_actions(owner_id=current_user.id)
    else:
        due = []
    return form_page(
        "concerns/partner/mine.html",
        form,
        found=page,
        pagination=_pagination(page, form.chosen_status()),
        due=due,
        referrals=following.referrals_waiting(agency.id if agency else None),
        agency=agency,
        today=today(),
    )


def _page_number(text: str | None) -> int:
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 1


def _pagination(found: following.FollowedPage, status) -> dict | None:
    """GOV.UK pagination parameters that keep the status filter."""
    if found.pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for(".mine", page=number, status=status.value if status else None)

    items: list[dict] = []
    for number in range(1, found.pages + 1):
        if abs(number - found.page) <= 2 or number in (1, found.pages):
            items.append({"number": number, "href": href(number), "current": number == found.page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return {
        "items": items,
        "previous": {"href": href(found.page - 1)} if found.page > 1 else None,
        "next": {"href": href(found.page + 1)} if found.page < found.pages else None,
    }


# The raiser's private link -------------------------------------------------------------------


@blueprint.route("/follow/<secret>", methods=["GET", "POST"])
@requires(Action.VIEW_PUBLIC)
@limiter.limit(
    FOLLOW_GUESSES, deduct_when=lambda response: response.status_code == 404, scope="follow"
)
def follow(secret: str):
    """The raiser's own page: where the concern stands, its public updates and the answer,
    and a way to say it is not resolved. Never a staff note or anyone's personal details."""
    held = following.concern_for_secret(secret)
    if held is None:
        abort(404)
    shown = following.answering(held)
    form = NotResolvedForm()
    refusal = actions.reopen_refusal(shown)
    if refusal is None and form.validate_on_submit() and sent_not_resolved(form, shown, None):
        flash("Thank you: staff will look at what you said and decide.", "success")
        return redirect(url_for(".follow", secret=secret))
    signed_off = shown.we_did_versions[-1] if shown.we_did_versions else None
    page, status = form_page(
        "concerns/partner/follow.html",
        form,
        held=held,
        concern=shown,
        updates=following.public_updates(shown),
        we_did=signed_off if shown.status in following.ANSWERED else None,
        waiting=any(asked.requested_by_id is None for asked in actions.pending_requests(shown)),
        refusal=refusal,
        status_text=following.RAISER_STATUS[shown.status],
    )
    response = make_response(page, 409 if refusal and form.is_submitted() else status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
