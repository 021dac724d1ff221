"""The public "You said, we did" board: filtered pages of answered concerns with the headline
figures, each concern's public page, open data, the Atom feed and a bulletin per roadshow.

Only what engage.concerns.visibility lets out is shown; everything here is for everyone.
"""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, stream_with_context
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import Form, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from engage.auth.permissions import Action, requires
from engage.concerns import board, board_figures, feed, open_data
from engage.concerns.blueprint import blueprint
from engage.concerns.board import BoardFilters, Cursor, search_words
from engage.concerns.figures import MIN_COUNT
from engage.concerns.visibility import PUBLIC_STATUSES, STATUS_LABELS
from engage.concerns.workflow import Status
from engage.core.admin_forms import DATE_HINT, DayField, area_label
from engage.core.columns import utcnow
from engage.core.dates import today
from engage.core.links import external_url
from engage.core.models import Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db

FILTERS = ("district", "parish", "category", "priority", "status", "raised_from", "raised_to", "q")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class BoardForm(Form):
    """The board's filters, sent by GET so that a filtered board can be bookmarked and shared."""

    q = StringField(
        "Search",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=200, message="Search must be 200 characters or fewer")],
        description="Words in what was said or done, a place, or a reference like C-2026-00042",
    )
    district = SelectField("District", widget=GovSelect(), default="")
    parish = SelectField("Parish or town", widget=GovSelect(), default="")
    category = SelectField("Category", widget=GovSelect(), default="")
    priority = SelectField("Plan priority", widget=GovSelect(), default="")
    status = SelectField("Status", widget=GovSelect(), default="")
    raised_from = DayField("Raised from", description=DATE_HINT)
    raised_to = DayField("Raised to", description=DATE_HINT)

    def set_choices(self) -> None:
        """Offer the places, categories and priorities in use, and the public statuses."""
        self.district.choices = _choices((a.id, a.name) for a in _areas(AreaKind.DISTRICT))
        self.parish.choices = _choices((a.id, area_label(a)) for a in _areas(AreaKind.PARISH))
        categories = db.session.scalars(
            select(ConcernCategory).where(ConcernCategory.active).order_by(ConcernCategory.name)
        )
        self.category.choices = _choices((c.id, c.name) for c in categories)
        priorities = db.session.scalars(
            select(PlanPriority).where(PlanPriority.active).order_by(PlanPriority.number)
        )
        self.priority.choices = _choices((p.id, str(p)) for p in priorities)
        self.status.choices = _choices((str(s), STATUS_LABELS[s]) for s in PUBLIC_STATUSES)

    def validate_raised_to(self, field: DayField) -> None:
        if field.data and self.raised_from.data and field.data < self.raised_from.data:
            raise ValidationError("Raised to date must be the same as or after the from date")

    def filters(self) -> BoardFilters:
        """The filters chosen (only after validate())."""

        def number(field: SelectField) -> int | None:
            return int(field.data) if field.data else None

        return BoardFilters(
            district_id=number(self.district),
            parish_id=number(self.parish),
            category_id=number(self.category),
            priority_id=number(self.priority),
            status=Status(self.status.data) if self.status.data else None,
            raised_from=self.raised_from.data,
            raised_to=self.raised_to.data,
            words=search_words(self.q.data or ""),
        )

    def typed(self) -> dict[str, str]:
        """The filters as typed, for page links that keep them."""
        typed = {name: (self[name].raw_data or [""])[0].strip() for name in FILTERS}
        return {name: value for name, value in typed.items() if value}


def _areas(kind: AreaKind) -> list[Area]:
    query = select(Area).where(Area.active, Area.kind == kind).order_by(Area.name)
    return list(db.session.scalars(query))


def _choices(pairs) -> list[SelectChoice]:
    """An "Any" choice, then one for each (value, label)."""
    return [SelectChoice("", "Any"), *(SelectChoice(str(value), label) for value, label in pairs)]


def _cursor(name: str) -> tuple[Cursor | None, bool]:
    """The page cursor `name` from the address, and whether it was readable."""
    text = request.args.get(name, "").strip()
    if not text:
        return None, True
    try:
        return Cursor.parse(text), True
    except ValueError:
        return None, False


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """The board: what was said and what was done, newest first, with the headline figures."""
    form = BoardForm(request.args)
    form.set_choices()
    after, after_ok = _cursor("after")
    before, before_ok = _cursor("before")
    valid = form.validate()
    for field in (form.district, form.parish, form.category, form.priority, form.status):
        if field.errors:
            field.errors[:] = [f"Choose a {field.label.text.lower()} from the list"]
    page = None
    if valid and after_ok and before_ok:
        page = board.board_page(form.filters(), after=after, before=before, size=board.PAGE_SIZE)
    return render_template(
        "concerns/board/index.html",
        form=form,
        page=page,
        bad_page_link=not (after_ok and before_ok),
        typed=form.typed(),
        figures=board_figures.board_figures(today()),
        min_count=MIN_COUNT,
        months=board_figures.MONTHS,
        fields=open_data.FIELDS,
        schema_version=open_data.SCHEMA_VERSION,
    ), (200 if page is not None else 400)


@blueprint.get("/published/<int:concern_id>")
@requires(Action.VIEW_PUBLIC)
def published_concern(concern_id: int):
    """One answered concern as the public sees it; 404 unless the public may see it."""
    found = board.concern_page(concern_id)
    if found is None:
        abort(404)
    return render_template("concerns/board/concern.html", page=found)


def _page_url() -> str:
    """The address of a concern's public page without its id, for open data and the feed."""
    return external_url("concerns.published_concern", concern_id=0).removesuffix("0")


@blueprint.get("/data.<any(csv, json):fmt>")
@requires(Action.VIEW_PUBLIC)
def board_data(fmt: str):
    """Every published concern as open data, streamed (schema on the board's "About the data")."""
    publisher = current_app.config["ENGAGE_OFFICE_NAME"]
    page_url = _page_url()
    if fmt == "json":
        body = open_data.json_chunks(publisher=publisher, page_url=page_url)
        return Response(stream_with_context(body), mimetype="application/json")
    return Response(
        stream_with_context(open_data.csv_chunks(page_url=page_url)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="you-said-we-did.csv"'},
    )


@blueprint.get("/feed.atom")
@requires(Action.VIEW_PUBLIC)
def board_feed():
    """The latest published responses as an Atom feed."""
    office = current_app.config["ENGAGE_OFFICE_NAME"]
    document = feed.atom(
        feed.latest_answers(feed.ENTRIES),
        title=f"You said, we did: {office}",
        publisher=office,
        feed_url=external_url("concerns.board_feed"),
        board_url=external_url("concerns.index"),
        page_url=_page_url(),
        now=utcnow(),
    )
    return Response(document, mimetype="application/atom+xml")


@blueprint.get("/roadshows/<int:roadshow_id>/bulletin")
@requires(Action.VIEW_PUBLIC)
def bulletin(roadshow_id: int):
    """A printable "You said, we did" for a held roadshow, for the councils that hosted it."""
    found = board.bulletin(roadshow_id)
    if found is None:
        abort(404)
    return render_template("concerns/board/bulletin.html", bulletin=found, today=today())
