"""Response templates: reusable "We did" wordings for a category and outcome, and the "We did"
suggested from one and the agencies' public lines.

They live apart from casework.py because a template belongs to no one concern: staff manage them
on pages of their own (engage.concerns.queue_views). Like services.py these take plain values and
commit once.
"""

from __future__ import annotations

from sqlalchemy import select

from engage.concerns.models import ActionStatus, Concern, ResponseTemplate
from engage.concerns.services import ConcernError
from engage.concerns.typed_text import checked_text
from engage.core.models import ConcernCategory
from engage.extensions import db


def response_templates() -> list[ResponseTemplate]:
    """Every template, in use first, then by category (general ones first), outcome and title."""
    query = (
        select(ResponseTemplate)
        .outerjoin(ConcernCategory, ResponseTemplate.category_id == ConcernCategory.id)
        .order_by(
            ResponseTemplate.active.desc(),
            ConcernCategory.name.is_not(None),
            ConcernCategory.name,
            ResponseTemplate.outcome,
            ResponseTemplate.title,
        )
    )
    return list(db.session.scalars(query))


def templates_for(concern: Concern) -> list[ResponseTemplate]:
    """The templates in use for the concern's category, and those for any category."""
    return [
        template
        for template in response_templates()
        if template.active and template.category_id in (None, concern.category_id)
    ]


def save_template(
    template_id: int | None, *, category_id: int | None, outcome: str, title: str, text: str
) -> ResponseTemplate:
    """Create a response template, or change one."""
    template = ResponseTemplate() if template_id is None else template_by_id(template_id)
    if category_id is not None:
        category = db.session.get(ConcernCategory, category_id)
        if category is None or not (category.active or category.id == template.category_id):
            raise ConcernError("Choose a category from the list", field="category")
    template.category_id = category_id
    template.outcome = checked_text(outcome, "outcome", "Say what the outcome is", limit=80)
    template.title = checked_text(title, "title", "Give the template a title", limit=200)
    template.text = checked_text(text, "text", "Write the template's text")
    db.session.add(template)
    db.session.commit()
    return template


def set_template_active(template_id: int, active: bool) -> ResponseTemplate:
    """Stop offering a template (it is kept), or offer it again."""
    template = template_by_id(template_id)
    template.active = active
    db.session.commit()
    return template


def template_by_id(template_id: int) -> ResponseTemplate:
    """The response template, or LookupError."""
    template = db.session.get(ResponseTemplate, template_id)
    if template is None:
        raise LookupError(f"There is no response template {template_id}")
    return template


def suggested_we_did(concern: Concern, template: ResponseTemplate | None = None) -> str:
    """A "We did" to start from: the template's text, then each agency's public line."""
    parts = [template.text.strip()] if template is not None else []
    parts += [
        f"{action.agency.name}: {action.public_line.strip()}"
        for action in concern.actions
        if action.public_line.strip() and action.status is not ActionStatus.CANCELLED
    ]
    return "\n\n".join(parts)
