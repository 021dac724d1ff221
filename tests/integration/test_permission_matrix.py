"""Every route declares who may use it, and every role (and anonymous) is held to that."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role, declared_action, may
from engage.concerns.models import (
    Concern,
    ConcernAction,
    ConcernSource,
    ReopenRequest,
    ResponseTemplate,
    Roadshow,
)
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db
from engage.surveys.models import Response, ResponseImport, ResponseMode
from engage.surveys.result_models import Indicator
from tests.factories import UserFactory, open_wave

ROLES = [None, *Role]


def sample_values() -> dict[str, object]:
    """A real value for every URL argument name any route uses."""
    target = UserFactory(role=Role.VOLUNTEER, email="matrix-target@example.org")
    police = db.session.scalar(select(Agency).where(Agency.code == "glos-police"))
    wave = open_wave("matrix-wave")
    question = wave.version.questions[0]
    response = Response(
        wave=wave, mode=ResponseMode.PAPER, token="matrix-response", started_on=wave.opens_on
    )
    upload = ResponseImport(wave=wave, filename="agency.csv", digest="0" * 64, rows=0, mapping={})
    indicator = Indicator(
        survey_id=wave.survey_id,
        position=1,
        code="MATRIX",
        label="Matrix indicator",
        question_code=question.code,
        positive=[],
    )
    db.session.add_all([response, upload, indicator])
    db.session.commit()
    concerns = concern_samples(police)
    return {
        "wave_code": wave.code,
        "question_code": question.code,
        "survey_id": wave.survey_id,
        "version_id": wave.version_id,
        "question_id": question.id,
        "wave_id": wave.id,
        "response_id": response.id,
        "import_id": upload.id,
        "indicator_id": indicator.id,
        "fmt": "csv",
        **concerns,
        "user_id": target.id,
        "secret": "no-such-link",
        "filename": "css/engage.css",
        "kind": "agencies",
        "record_id": police.id,
    }


def concern_samples(police: Agency) -> dict[str, int]:
    """A roadshow, a concern with an action, a response template and a reopen request."""
    parish = db.session.scalar(select(Area).where(Area.kind == AreaKind.PARISH))
    roadshow = Roadshow(
        title="Matrix roadshow", held_on=date(2026, 1, 5), venue="Hall", area_id=parish.id
    )
    concern = Concern(
        reference="C-MATRIX",
        source=ConcernSource.PHONE,
        parish_id=parish.id,
        raised_on=date(2026, 1, 5),
        raised_text="Matrix concern",
    )
    concern.actions.append(ConcernAction(agency_id=police.id, description="Look into it"))
    template = ResponseTemplate(outcome="action taken", title="Matrix", text="We did it.")
    db.session.add_all([roadshow, concern, template])
    db.session.flush()
    request = ReopenRequest(concern_id=concern.id, reason="Not resolved")
    db.session.add(request)
    db.session.commit()
    return {
        "roadshow_id": roadshow.id,
        "concern_id": concern.id,
        "action_id": concern.actions[0].id,
        "template_id": template.id,
        "request_id": request.id,
    }


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_declares_a_permission(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if declared_action(rule.endpoint, app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


@pytest.fixture
def no_csrf(app):
    """Authorisation is checked here, not CSRF (tested on its own), so tokens are not needed."""
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_every_route_admits_exactly_the_roles_its_rule_allows(app, sign_in, no_csrf, role):
    values = sample_values()
    wrong = []
    for rule, method in routes(app):
        client = sign_in(role) if role else app.test_client()
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"add a sample value for {missing} ({rule.rule})"
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method, data={})
        response.close()
        location = response.headers.get("Location", "")
        refused = response.status_code == 403 or (
            response.status_code == 302 and location.startswith("/login?next=")
        )
        action = declared_action(rule.endpoint, app.view_functions[rule.endpoint])
        if may(role, action) == refused:
            wrong.append(f"{method} {url}: {response.status_code} {location}")
        if role is None and refused:
            assert response.status_code == 302, f"{method} {url} should ask anonymous to sign in"
        assert response.status_code < 500, f"{method} {url} failed with {response.status_code}"
    assert wrong == [], "\n".join(wrong)
