"""Sign-in, tokens, throttling and accounts, over HTTP on both databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from criteria_engine.service.models import Token, User

from .conftest import PASSWORD


def test_login_gives_a_token_and_a_wrong_password_401(api):
    response = api.post("/api/v1/login", json={"login": "admin", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "admin"
    wrong = api.post("/api/v1/login", json={"login": "admin", "password": "sai-mat-khau"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "unauthorized"
    unknown = api.post("/api/v1/login", json={"login": "khong-co", "password": PASSWORD})
    assert unknown.status_code == 401


def test_tokens_are_stored_hashed_and_expire(api):
    token = api.login("admin")
    with api.store.read() as session:
        stored = [t.token_hash for t in session.query(Token)]
    assert token not in stored and len(stored[0]) == 64
    with api.store.write() as session:
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        session.execute(update(Token).values(expires_at=past))
    assert api.get("/api/v1/me", "admin").status_code == 401


def test_no_token_or_a_bad_token_is_401(api):
    assert api.get("/api/v1/me").status_code == 401
    bad = api.client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_logout_revokes_the_token(api):
    token = api.login("admin")
    assert api.post("/api/v1/logout", "admin").status_code == 204
    again = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_repeated_failures_are_slowed_down_in_the_database(api):
    for _ in range(api.settings.login_free_failures):
        assert (
            api.post("/api/v1/login", json={"login": "admin", "password": "x"}).status_code == 401
        )
    throttled = api.post("/api/v1/login", json={"login": "admin", "password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    # the count is in the database: a second app on the same database sees it too
    from fastapi.testclient import TestClient

    from criteria_engine.service.app import create_app

    with TestClient(create_app(api.settings)) as other:
        again = other.post("/api/v1/login", json={"login": "admin", "password": PASSWORD})
        assert again.status_code == 429


def test_admin_adds_users_others_may_not(api):
    body = {"login": "so-tai-chinh", "password": "mat-khau-don-vi", "role": "unit",
            "unit": "so-tai-chinh"}  # fmt: skip
    assert api.post("/api/v1/users", "thamdinh", json=body).status_code == 403
    assert api.post("/api/v1/users", json=body).status_code == 401
    created = api.post("/api/v1/users", "admin", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["unit"] == "so-tai-chinh"
    assert api.post("/api/v1/users", "admin", json=body).status_code == 409
    bad = api.post("/api/v1/users", "admin", json={**body, "login": "x", "role": "boss"})
    assert bad.status_code == 422 and bad.json()["field"] == "role"
    no_unit = api.post("/api/v1/users", "admin", json={**body, "login": "y", "unit": None})
    assert no_unit.status_code == 422 and no_unit.json()["field"] == "unit"
    short = api.post("/api/v1/users", "admin", json={**body, "login": "z", "password": "123"})
    assert short.status_code == 422 and short.json()["field"] == "password"
    with api.store.read() as session:
        hashes = [u.password_hash for u in session.query(User)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    log = api.get("/api/v1/rounds", "admin")
    assert log.status_code == 200
