"""Accounts: Argon2 password hashes, wrong passwords, sessions that expire, CSRF tokens, roles (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from referat.council import SYSTEM, Council
from referat.council import schema as s
from referat.errors import InvalidInput, PermissionDenied

from .council_setup import FAST_HASHER, clock, council, where  # noqa: F401 (fixtures)


def test_password_is_hashed_with_argon2_and_checked(council):
    user = council.create_user(SYSTEM, "anna", "Anna Hansen", "member", "korrekt hest")
    with council.engine.connect() as conn:
        stored = conn.execute(select(s.users.c.password_hash).where(s.users.c.id == user.id)).scalar_one()
    assert stored.startswith("$argon2id$") and "korrekt hest" not in stored
    session = council.login("anna", "korrekt hest")
    assert session.user == user
    assert council.session_user(session.token) == user


def test_wrong_password_and_unknown_user_fail_alike(council):
    council.create_user(SYSTEM, "anna", "Anna Hansen", "member", "korrekt hest")
    with pytest.raises(PermissionDenied) as wrong:
        council.login("anna", "forkert hest")
    with pytest.raises(PermissionDenied) as unknown:
        council.login("nobody", "korrekt hest")
    assert str(wrong.value) == str(unknown.value) == "wrong username or password"


def test_user_without_password_cannot_log_in(council):
    council.create_user(SYSTEM, "bo", "Bo", "member")
    with pytest.raises(PermissionDenied):
        council.login("bo", "")


def test_session_expires(council, clock):
    council.create_user(SYSTEM, "anna", "Anna Hansen", "member", "korrekt hest")
    session = council.login("anna", "korrekt hest")
    clock.advance(hours=7, minutes=59)
    assert council.session_user(session.token) is not None
    clock.advance(minutes=2)
    assert council.session_user(session.token) is None
    assert council.session_user(session.token) is None  # gone for good, not revived
    assert council.session_user("made-up-token") is None


def test_logout_ends_session_and_only_hash_is_stored(council):
    council.create_user(SYSTEM, "anna", "Anna Hansen", "member", "korrekt hest")
    session = council.login("anna", "korrekt hest")
    with council.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(s.sessions.c.token_hash))]
    assert session.token not in stored and len(stored) == 1
    council.logout(session.token)
    assert council.session_user(session.token) is None


def test_csrf_token_belongs_to_its_session(council):
    council.create_user(SYSTEM, "anna", "Anna Hansen", "member", "korrekt hest")
    one = council.login("anna", "korrekt hest")
    two = council.login("anna", "korrekt hest")
    assert Council.check_csrf(one.token, one.csrf)
    assert not Council.check_csrf(one.token, two.csrf)
    assert not Council.check_csrf(one.token, None)
    assert not Council.check_csrf(one.token, "")


def test_only_secretariat_creates_accounts(council):
    sec = council.create_user(SYSTEM, "sek", "Sara", "secretary")
    member = council.create_user(sec, "anna", "Anna", "member")
    with pytest.raises(PermissionDenied):
        council.create_user(member, "eve", "Eve", "secretary")
    with pytest.raises(PermissionDenied):
        council.create_user(None, "eve", "Eve", "secretary")
    with pytest.raises(InvalidInput):
        council.create_user(sec, "eve", "Eve", "admin")
    with pytest.raises(InvalidInput):
        council.create_user(sec, "anna", "Anna igen", "member")
    with pytest.raises(InvalidInput):
        council.create_user(sec, "short", "Short", "member", "kort")
    assert [u.username for u in council.users(sec)] == ["anna", "sek"]


def test_member_may_change_own_password_only(council):
    sec = council.create_user(SYSTEM, "sek", "Sara", "secretary")
    anna = council.create_user(sec, "anna", "Anna", "member", "første kode")
    bo = council.create_user(sec, "bo", "Bo", "member", "bos kode!")
    council.set_password(anna, anna.id, "anden kode")
    assert council.login("anna", "anden kode").user == anna
    with pytest.raises(PermissionDenied):
        council.set_password(anna, bo.id, "overtaget")
    assert council.login("bo", "bos kode!").user == bo
