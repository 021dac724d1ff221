"""What every page shares: GOV.UK Frontend macros, service names and navigation by role."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, request, url_for
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from engage.auth.permissions import Action, may


@dataclass(frozen=True)
class NavItem:
    """A link in the service navigation, shown only to roles allowed its action."""

    text: str
    endpoint: str
    action: Action


NAVIGATION = (
    NavItem("Surveys", "surveys.index", Action.VIEW_PUBLIC),
    NavItem("Survey results", "surveys.published_results_index", Action.VIEW_PUBLIC),
    NavItem("Manage surveys", "surveys.manage_index", Action.RUN_SURVEYS),
    NavItem("You said, we did", "concerns.index", Action.VIEW_PUBLIC),
    NavItem("Manage concerns", "concerns.queue", Action.MANAGE_CONCERNS),
    NavItem("Your concerns", "concerns.mine", Action.FOLLOW_CONCERNS),
    NavItem("Log a concern", "concerns.log_concern", Action.LOG_CONCERNS),
    NavItem("Scrutiny panels", "scrutiny.index", Action.VIEW_PUBLIC),
    NavItem("Users", "auth.users", Action.INVITE_USERS),
    NavItem("Reference data", "admin.reference_index", Action.EDIT_REFERENCE),
    NavItem("Audit log", "admin.audit_log", Action.READ_AUDIT),
)


def navigation() -> list[dict]:
    """The navigation items this user may follow; the most specific one containing the current
    page is marked active (so /surveys/manage/ marks "Manage surveys", not "Surveys")."""
    role = g.actor.role if g.get("actor") else None
    items = [
        {"href": url_for(item.endpoint), "text": item.text, "active": False}
        for item in NAVIGATION
        if may(role, item.action)
    ]
    containing = [item for item in items if request.path.startswith(item["href"])]
    if containing:
        max(containing, key=lambda item: len(item["href"]))["active"] = True
    return items


def _layout_context() -> dict:
    config = current_app.config
    return {
        "service_name": config["ENGAGE_SERVICE_NAME"],
        "office_name": config["ENGAGE_OFFICE_NAME"],
        "contact_email": config["ENGAGE_CONTACT_EMAIL"],
        "navigation": navigation,
    }


def init_app(app: Flask) -> None:
    """Find templates in ours first, then the GOV.UK Frontend Jinja and WTForms packages."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.context_processor(_layout_context)
