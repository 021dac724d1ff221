"""Whatever is typed or tampered with, every page answers with a page, never a server error."""

import pytest

from tests.integration.test_permission_matrix import routes, sample_values

GARBAGE = {
    "email": "x" * 3000,
    "name": "\x00<script>alert(1)</script>",
    "password": "🙂" * 300,
    "confirm": "",
    "current_password": "",
    "role": "emperor",
    "agency": "not-a-number",
    "parishes": ["abc", "-1", "99999999999999999999"],
    "active": "maybe",
    "kind": "planet",
    "parent": "NaN",
    "number": "1e309",
    "code": "../../etc/passwd",
    "gss_code": "?" * 50,
    "since": "31/02/2026",
    "until": "yesterday",
    "page": "-3",
}


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.mark.parametrize("role", [None, "admin"], ids=["anonymous", "admin"])
def test_garbage_in_any_field_of_any_route_gets_a_page_not_a_500(app, sign_in, no_csrf, role):
    values = sample_values()
    failures = []
    for rule, method in routes(app):
        client = sign_in(role) if role else app.test_client()
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        if method == "GET":
            response = client.get(url, query_string=GARBAGE)
        else:
            response = client.open(url, method=method, data=GARBAGE)
        response.close()
        if response.status_code >= 500:
            failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
