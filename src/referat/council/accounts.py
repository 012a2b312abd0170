"""Accounts, passwords, sessions and CSRF tokens of the meeting side.

Account roles: ``secretary`` (the secretariat: authors agendas, records the
meeting, publishes), ``member`` (a politician: sees the closed items of the
committees they sit on and approves their minutes; whether they chair a
committee is a property of the membership, see ``committees``) and
``public`` (a logged-in citizen: no more than the anonymous portal).

Passwords are hashed with Argon2id (argon2-cffi) and rehashed on login when
the parameters change.  Session tokens are random; only their SHA-256 is
stored, with an expiry, so a leaked database does not leak sessions.  The
web layer's CSRF token is derived from the session token (HMAC), so it needs
no storage and dies with the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, RowMapping

from ..errors import InvalidInput, NotFound
from . import schema as s
from .db import new_id

ROLES = ("secretary", "member", "public")
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    """A logged-in (or looked-up) account; the facade takes one as ``actor`` for every operation."""

    id: int
    username: str
    name: str
    role: str
    active: bool = True
    version: int = 1  # for optimistic locking of account changes (deactivation)

    @property
    def is_secretary(self) -> bool:
        return self.role in ("secretary", "system") and self.active


def _user(row: RowMapping) -> User:
    return User(row["id"], row["username"], row["name"], row["role"], bool(row["active"]), int(row["version"]))


def _valid_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise InvalidInput(f"{username!r} is not a username (1-100 characters, no spaces)",
                           code="user.username_invalid", username=username)
    return name


def create_user(conn: Connection, hasher: PasswordHasher, username: str, name: str, role: str,
                password: str | None, now: datetime) -> User:
    username = _valid_username(username)
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r} (one of: {', '.join(ROLES)})", code="user.role_unknown", role=role)
    if not name.strip():
        raise InvalidInput("a user needs a name", code="user.name_missing")
    if conn.execute(select(s.users.c.id).where(s.users.c.username == username)).first():
        raise InvalidInput(f"the username {username!r} is taken", code="user.username_taken", username=username)
    hashed = hash_password(hasher, password) if password is not None else None
    uid = new_id(conn.execute(s.users.insert().values(username=username, name=name.strip(), role=role,
                                                      password_hash=hashed, active=True, created_at=now)))
    return User(uid, username, name.strip(), role)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", code="user.password_short",
                           minimum=MIN_PASSWORD)
    return hasher.hash(password)


def set_password(conn: Connection, hasher: PasswordHasher, user_id: int, password: str) -> None:
    conn.execute(s.users.update().where(s.users.c.id == user_id).values(password_hash=hash_password(hasher, password)))


def get_user(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(s.users).where(s.users.c.id == user_id)).mappings().first()
    if row is None:
        raise NotFound(f"no user with id {user_id}", code="not_found", what="user")
    return _user(row)


def find_user(conn: Connection, username: str) -> User:
    row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
    if row is None:
        raise NotFound(f"no user {username!r}", code="not_found", what="user")
    return _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(s.users).order_by(s.users.c.username)).mappings()]


def check_password(conn: Connection, hasher: PasswordHasher, username: str, password: str) -> User | None:
    """The user if ``password`` is theirs (and the account is active), else None; rehashes outdated hashes."""
    row = conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()
    if row is None or not row["active"] or not row["password_hash"]:
        hasher.hash(password)  # same work whether or not the user exists: no user enumeration by timing
        return None
    try:
        hasher.verify(row["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(row["password_hash"]):
        conn.execute(s.users.update().where(s.users.c.id == row["id"]).values(password_hash=hasher.hash(password)))
    return _user(row)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(conn: Connection, user: User, now: datetime, lifetime: timedelta = SESSION_LIFETIME) -> str:
    """A new session token for ``user`` (give it to the browser; we keep only its hash)."""
    token = secrets.token_urlsafe(32)
    conn.execute(s.sessions.insert().values(token_hash=token_hash(token), user_id=user.id, created_at=now,
                                            expires_at=now + lifetime))
    return token


def session_user(conn: Connection, token: str, now: datetime) -> User | None:
    """The user of a live session; None for an unknown, expired or deactivated one (expired ones are removed)."""
    row = conn.execute(select(s.sessions.c.id, s.sessions.c.expires_at, s.sessions.c.user_id)
                       .where(s.sessions.c.token_hash == token_hash(token))).first()
    if row is None:
        return None
    if row.expires_at <= now:
        conn.execute(delete(s.sessions).where(s.sessions.c.id == row.id))
        return None
    user = get_user(conn, row.user_id)
    return user if user.active else None


def end_sessions_of(conn: Connection, user_id: int) -> None:
    """Log a user out everywhere (their account was closed)."""
    conn.execute(delete(s.sessions).where(s.sessions.c.user_id == user_id))


def end_session(conn: Connection, token: str) -> None:
    conn.execute(delete(s.sessions).where(s.sessions.c.token_hash == token_hash(token)))


def csrf_token(session_token: str) -> str:
    """The CSRF token for forms of this session (HMAC of the session token; nothing stored)."""
    return hmac.new(session_token.encode(), b"referat-council-csrf", hashlib.sha256).hexdigest()


def check_csrf(session_token: str, token: str | None) -> bool:
    """True if ``token`` is this session's CSRF token (constant-time comparison)."""
    return bool(token) and hmac.compare_digest(csrf_token(session_token), token or "")
