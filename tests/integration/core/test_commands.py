"""The `flask engage` commands that set up a database: reference data and demo accounts."""

from sqlalchemy import func, select

from engage.auth.models import User
from engage.core.demo import DEMO_PASSWORD
from engage.core.models import Area, AreaKind, PlanPriority
from engage.extensions import db


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_county_has_its_six_districts_and_parishes_in_each(app):
    districts = db.session.scalars(select(Area).where(Area.kind == AreaKind.DISTRICT)).all()
    assert sorted(d.name for d in districts) == [
        "Cheltenham",
        "Cotswold",
        "Forest of Dean",
        "Gloucester",
        "Stroud",
        "Tewkesbury",
    ]
    assert all(district.parent.name == "Gloucestershire" for district in districts)
    assert all(district.children for district in districts)
    assert count(PlanPriority) == 5


def test_loading_reference_data_twice_adds_nothing_and_keeps_admin_edits(app):
    area = db.session.scalar(select(Area).where(Area.code == "prestbury"))
    area.name = "Prestbury (edited)"
    db.session.commit()
    before = count(Area)
    result = app.test_cli_runner().invoke(args=["engage", "load-reference"])
    assert result.exit_code == 0, result.output
    assert "0 rows added" in result.output
    assert count(Area) == before
    assert db.session.get(Area, area.id).name == "Prestbury (edited)"


def test_load_reference_update_restores_the_files_values(app):
    area = db.session.scalar(select(Area).where(Area.code == "prestbury"))
    area.name = "Prestbury (edited)"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["engage", "load-reference", "--update"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Area, area.id).name == "Prestbury"


def test_demo_creates_one_account_per_role_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["engage", "demo"])
    assert first.exit_code == 0, first.output
    assert "5 accounts created" in first.output
    second = runner.invoke(args=["engage", "demo"])
    assert "0 accounts created" in second.output
    clerk = db.session.scalar(select(User).where(User.email == "clerk@example.org"))
    assert [parish.name for parish in clerk.parishes] == ["Charlton Kings", "Prestbury"]
    partner = db.session.scalar(select(User).where(User.email == "partner@example.org"))
    assert partner.agency.name == "Gloucestershire Constabulary"


def test_demo_accounts_sign_in_with_the_documented_password(app):
    app.test_cli_runner().invoke(args=["engage", "demo"])
    client = app.test_client()
    response = client.submit("/login", {"email": "admin@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_data_is_refused_in_production(app):
    app.config["ENGAGE_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["engage", "demo"])
    finally:
        app.config["ENGAGE_ENV"] = "test"
    assert result.exit_code != 0
    assert "never loaded when ENGAGE_ENV=production" in result.output
    assert count(User) == 0


def test_prepare_loads_demo_data_only_into_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["engage", "prepare", "--demo"])
    assert first.exit_code == 0, first.output
    assert count(User) == 5
    second = runner.invoke(args=["engage", "prepare", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Demo data" not in second.output
    assert count(User) == 5
