"""Failed logins are throttled per account and per client address, shared by every server process through
the council database, said in Danish with HTTP 429 and Retry-After, and written to the audit log (issue 13:
40 wrong passwords and then the right one logged in)."""

from __future__ import annotations

import re
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from starlette.testclient import TestClient

from referat.council import SYSTEM, Council, throttle
from referat.council import schema as s
from referat.errors import LoginThrottled, PermissionDenied
from referat.store import open_store
from referat.web.app import create_app

from .council_setup import FAST_HASHER, clock, council, where  # noqa: F401 (fixtures)

PASSWORD = "rigtig-kode-1"


class CountingHasher(PasswordHasher):
    """argon2's hasher, counting the passwords it checks (a throttled login must check none)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def anna(council):
    return council.create_user(SYSTEM, "anna", "Anna Andersen", "member", PASSWORD)


def _wrong(council, username: str = "anna", address: str | None = "10.0.0.1", times: int = 1):
    outcomes = []
    for _ in range(times):
        try:
            council.login(username, "forkert-kode", address)
        except LoginThrottled as exc:
            outcomes.append(exc.retry_after)
        except PermissionDenied:
            outcomes.append(0)
    return outcomes


def test_forty_wrong_passwords_then_the_right_one_is_refused(council, anna, clock):
    outcomes = _wrong(council, times=40)
    assert outcomes[:4] == [0, 0, 0, 0] and all(o > 0 for o in outcomes[4:])
    with pytest.raises(LoginThrottled) as info:
        council.login("anna", PASSWORD, "10.0.0.1")
    assert 0 < info.value.retry_after <= throttle.BASE.total_seconds()
    assert info.value.code == "login_throttled" and info.value.facts["kind"] == "account"


def test_the_lock_ends_and_doubles_with_each_further_failure(council, anna, clock):
    assert _wrong(council, times=5) == [0, 0, 0, 0, 30]
    clock.advance(seconds=31)
    assert _wrong(council) == [60]
    clock.advance(seconds=61)
    assert _wrong(council) == [120]
    clock.advance(seconds=121)
    assert council.login("anna", PASSWORD, "10.0.0.1").user.username == "anna"
    assert _wrong(council, times=4) == [0, 0, 0, 0]  # a correct login cleared the account's count


def test_the_longest_lock_is_bounded_and_old_failures_are_forgotten(council, anna, clock):
    for _ in range(12):
        _wrong(council)
        clock.advance(minutes=16)
    [wait] = _wrong(council)
    assert wait == throttle.LONGEST.total_seconds()
    clock.advance(hours=2)
    assert _wrong(council) == [0]


def test_a_locked_login_checks_no_password(where, clock):
    hasher = CountingHasher()
    c = Council(where, clock=clock, hasher=hasher)
    try:
        c.create_user(SYSTEM, "anna", "Anna Andersen", "member", PASSWORD)
        _wrong(c, times=5)
        before = hasher.verified
        _wrong(c, times=30)
        with pytest.raises(LoginThrottled):
            c.login("anna", PASSWORD, "10.0.0.1")
        assert hasher.verified == before
    finally:
        c.close()


def test_one_address_guessing_many_accounts_is_locked_and_others_are_not(council, anna, clock):
    for n in range(throttle.FREE_ADDRESS):
        _wrong(council, username=f"gæt{n}", address="192.0.2.9")
    with pytest.raises(LoginThrottled) as info:
        council.login("anna", PASSWORD, "192.0.2.9")
    assert info.value.facts["kind"] == "address"
    assert council.login("anna", PASSWORD, "10.0.0.2").user.username == "anna"


def test_server_processes_share_the_count(where, clock, anna):
    other = Council(where, clock=clock, hasher=FAST_HASHER)  # a second server process on the same database
    try:
        _wrong(other, times=3)
        council_two = Council(where, clock=clock, hasher=FAST_HASHER)
        try:
            assert _wrong(council_two, times=2) == [0, 30]
            with pytest.raises(LoginThrottled):
                other.login("anna", PASSWORD, "10.0.0.7")
        finally:
            council_two.close()
    finally:
        other.close()


def test_every_lock_is_in_the_audit_log_without_typed_secrets(council, anna, clock):
    _wrong(council, times=5)
    secret = "MinHemmeligeKode!"
    _wrong(council, username=secret, times=5)
    entries = [e for e in council.audit_log(SYSTEM) if e.action == "session.throttled"]
    assert len(entries) == 2
    assert "account 'anna'" in entries[0].summary and "5 failed" in entries[0].summary
    assert "unknown username" in entries[1].summary
    with council.engine.connect() as conn:
        keys = [r.key for r in conn.execute(select(s.login_throttle.c.key))]
        summaries = [r.summary for r in conn.execute(select(s.audit.c.summary))]
    assert keys and not any(secret in k for k in keys) and not any(secret in x for x in summaries)


def test_the_web_login_says_so_in_danish_with_429_and_retry_after(where, clock):
    store = open_store(where)
    c = Council(where, store=store, clock=clock, hasher=FAST_HASHER)
    try:
        c.create_user(SYSTEM, "anna", "Anna Andersen", "member", PASSWORD)
        client = TestClient(create_app(store, c), follow_redirects=False)

        def post(password: str):
            form = client.get("/log-ind")
            csrf = re.search(r'name="csrf" value="([^"]*)"', form.text).group(1)  # type: ignore[union-attr]
            return client.post("/log-ind", data={"csrf": csrf, "username": "anna", "password": password})

        assert [post("forkert-kode").status_code for _ in range(4)] == [401] * 4
        r = post("forkert-kode")
        assert r.status_code == 429 and r.headers["retry-after"] == "30"
        assert "For mange forkerte forsøg" in r.text and "30 sekunder" in r.text
        r = post(PASSWORD)
        assert r.status_code == 429 and int(r.headers["retry-after"]) <= 30 and "Traceback" not in r.text
        clock.advance(seconds=31)
        assert post(PASSWORD).status_code == 303
    finally:
        c.close()
        store.close()
