"""Desk accounts: users with a role, their API tokens and their login sessions.

Roles rank ``reader`` < ``reviewer`` < ``admin``: a reader may sign in and read, a reviewer
also corrects records (``store.reviews``), an admin also manages accounts. Passwords are
kept as scrypt hashes (standard library, salted, memory-hard); tokens and session ids are
random 256-bit strings of which only the SHA-256 is stored, so a copy of the database does
not let anyone in.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from wirewatch.store.schema import tokens, users

ROLES: tuple[str, ...] = ("reader", "reviewer", "admin")
#: scrypt cost (2**14 x 8 x 128 bytes = 16 MiB per hash: slow to guess, quick to check).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: How long a desk login lasts.
SESSION_HOURS = 12
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A name, role or password that cannot be used."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user's role is ``role`` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check of ``password`` against a ``hash_password`` string."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given.hex(), digest)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check(name: str, role: str, password: str | None) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", name):
        raise AccountError("a user name is 1-64 letters, digits or _ . @ -")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")


def add_user(conn: sa.Connection, name: str, role: str, password: str | None = None) -> User:
    """Create a user, or change an existing one's role (and password, when given)."""
    _check(name, role, password)
    values = {"role": role}
    if password is not None:
        values["password_hash"] = hash_password(password)
    found = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if found is None:
        found = conn.execute(sa.insert(users).values(name=name, created_at=_now(), **values)
                             ).inserted_primary_key[0]
    else:
        conn.execute(sa.update(users).where(users.c.id == found).values(**values))
    return User(int(found), name, role)


def list_users(conn: sa.Connection) -> list[dict[str, object]]:
    query = (sa.select(users.c.name, users.c.role, users.c.password_hash.is_not(None)
                       .label("password"), sa.func.count(tokens.c.id).label("tokens"))
             .outerjoin(tokens, sa.and_(tokens.c.user_id == users.c.id, tokens.c.kind == "api"))
             .group_by(users.c.id, users.c.name, users.c.role, users.c.password_hash)
             .order_by(users.c.name))
    return [dict(row) for row in conn.execute(query).mappings()]


def remove_user(conn: sa.Connection, name: str) -> bool:
    found = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
    if found is None:
        return False
    conn.execute(sa.delete(tokens).where(tokens.c.user_id == found))
    conn.execute(sa.delete(users).where(users.c.id == found))
    return True


def _user(conn: sa.Connection, **where: object) -> User | None:
    query = sa.select(users.c.id, users.c.name, users.c.role)
    for column, value in where.items():
        query = query.where(users.c[column] == value)
    row = conn.execute(query).first()
    return User(int(row.id), row.name, row.role) if row is not None else None


def new_token(conn: sa.Connection, name: str) -> str:
    """A new API token for user ``name`` (shown once; only its hash is kept)."""
    user = _user(conn, name=name)
    if user is None:
        raise AccountError(f"no user {name!r}: add one with `wirewatch users add`")
    token = "ww_" + secrets.token_urlsafe(32)
    conn.execute(sa.insert(tokens).values(user_id=user.id, token_sha256=_sha(token), kind="api",
                                          created_at=_now()))
    return token


def login(conn: sa.Connection, name: str, password: str) -> tuple[str, str] | None:
    """(session id, CSRF token) for a right name and password, else None. The password is
    checked even for an unknown name, so timing does not tell which names exist."""
    row = conn.execute(sa.select(users.c.id, users.c.password_hash)
                       .where(users.c.name == name)).first()
    stored = row.password_hash if row is not None else None
    ok = verify_password(password, stored or _dummy())
    if row is None or not stored or not ok:
        return None
    session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    conn.execute(sa.delete(tokens).where(tokens.c.kind == "session", tokens.c.expires_at < now))
    conn.execute(sa.insert(tokens).values(
        user_id=row.id, token_sha256=_sha(session), kind="session", csrf=csrf, created_at=now,
        expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    return session, csrf


@functools.cache
def _dummy() -> str:
    return hash_password(secrets.token_urlsafe(12))


def logout(conn: sa.Connection, session: str) -> None:
    conn.execute(sa.delete(tokens).where(tokens.c.token_sha256 == _sha(session),
                                         tokens.c.kind == "session"))


def user_for(conn: sa.Connection, secret: str, kind: str) -> tuple[User, str | None] | None:
    """The user of an API token (``kind="api"``) or a live session (``"session"``), with
    the session's CSRF token; None for anything else."""
    if not secret or len(secret) > 200:
        return None
    query = (sa.select(users.c.id, users.c.name, users.c.role, tokens.c.csrf,
                       tokens.c.expires_at)
             .join(tokens, tokens.c.user_id == users.c.id)
             .where(tokens.c.token_sha256 == _sha(secret), tokens.c.kind == kind))
    row = conn.execute(query).first()
    if row is None or row.role not in ROLES:
        return None
    if row.expires_at is not None:
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(
            tzinfo=dt.UTC)  # SQLite hands back naive datetimes
        if expires < _now():
            return None
    return User(int(row.id), row.name, row.role), row.csrf
