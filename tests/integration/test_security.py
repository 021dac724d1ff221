"""The security baseline every response carries: headers, CSRF, cookies and error pages."""

import pytest

from engage import create_app
from engage.auth.permissions import Action, requires
from engage.config import ConfigError, load_settings
from tests.factories import PASSWORD, UserFactory

PAGES = ["/", "/login", "/surveys/", "/accessibility", "/privacy", "/no-such-page"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers(client, url):
    headers = client.get(url).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style(client, url):
    page = client.get(url).get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert '<html lang="en"' in page
    assert 'href="#main-content"' in page and 'id="main-content"' in page


def test_signed_in_pages_set_the_security_headers_and_are_not_cached(sign_in):
    response = sign_in("staff").get("/account")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_post_without_a_csrf_token_is_refused_with_400(client):
    UserFactory(email="csrf@example.org")
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_a_post_with_a_forged_csrf_token_is_refused_with_400(sign_in):
    staff = sign_in("staff")
    response = staff.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert staff.get("/account").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_need_a_secret_key(tmp_path):
    environ = {
        "ENGAGE_ENV": "production",
        "ENGAGE_SECRET_KEY": "x" * 40,
        "ENGAGE_MAIL_SERVER": "mail.example.org",
        "ENGAGE_BASE_URL": "https://engage.example.org",
    }
    settings = load_settings(tmp_path, environ)
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["ENGAGE_FORCE_HTTPS"]
    with pytest.raises(ConfigError, match="ENGAGE_SECRET_KEY"):
        load_settings(tmp_path, {**environ, "ENGAGE_SECRET_KEY": ""})
    with pytest.raises(ConfigError, match="ENGAGE_BASE_URL"):
        load_settings(tmp_path, {**environ, "ENGAGE_BASE_URL": ""})


def test_postgres_urls_use_the_psycopg_driver(tmp_path):
    settings = load_settings(tmp_path, {"ENGAGE_DATABASE_URL": "postgres://u@db/engage"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/engage"


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="ENGAGE_ENV"):
        load_settings(tmp_path, {"ENGAGE_ENV": "staging"})


def test_a_number_setting_that_is_not_a_number_is_refused_by_name(tmp_path):
    with pytest.raises(ConfigError, match="ENGAGE_MAX_UPLOAD_MB"):
        load_settings(tmp_path, {"ENGAGE_ENV": "test", "ENGAGE_MAX_UPLOAD_MB": "lots"})


def test_no_request_body_may_exceed_the_upload_limit_plus_a_megabyte(tmp_path):
    settings = load_settings(tmp_path, {"ENGAGE_ENV": "test", "ENGAGE_MAX_UPLOAD_MB": "5"})
    assert settings["ENGAGE_MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024
    assert settings["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024


def test_the_404_page_is_inside_the_layout(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page
    assert "Accessibility statement" in page and "Privacy notice" in page


def test_the_403_page_explains_and_is_inside_the_layout(sign_in):
    response = sign_in("volunteer").get("/users")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


def test_the_405_page_is_inside_the_layout(client):
    response = client.post("/privacy")
    assert response.status_code in (400, 405)  # CSRF is checked before routing of the method
    assert "Privacy notice" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_the_500_page_inside_the_layout(database_url):
    broken = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROPAGATE_EXCEPTIONS": False})

    @broken.get("/boom")
    @requires(Action.VIEW_PUBLIC)
    def boom():
        raise RuntimeError("broken on purpose")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "broken on purpose" not in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_health_reports_the_database_is_reachable(client):
    assert client.get("/health").get_json() == {"status": "ok"}
