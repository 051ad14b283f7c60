"""Back-office accounts in the ledger's own database: names, roles, argon2 password hashes."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from adapters.sql import Database
from projections.schema import NUMBER, TEXT, Table

ROLES = ("admin", "auditor")
MIN_PASSWORD = 12
USERS = Table(
    "bo_users",
    {"name": TEXT, "role": TEXT, "password_hash": TEXT, "disabled": NUMBER, "created_at": TEXT},
    keys=("name",),
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_hasher = PasswordHasher()
# Checked when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("no such account, same cost")


class AccountError(ValueError):
    """A name, role or password the accounts refuse; the message says which and why."""


@dataclass(frozen=True)
class User:
    """One person who may log in."""

    name: str
    role: str
    disabled: bool = False

    @property
    def admin(self) -> bool:
        """Admins may change things; auditors only read."""
        return self.role == "admin"


Credentials = tuple[User, str]  # an account and its password hash


def verify(found: Credentials | None, password: str) -> User | None:
    """The enabled account if this is its password, else None; always costs one hash, so a
    wrong name costs as long as a wrong password. CPU only: no store."""
    try:
        _hasher.verify(found[1] if found else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return None if found is None or found[0].disabled else found[0]


def valid_name(name: str) -> bool:
    """Letters, digits and . _ @ -, up to 64 characters."""
    return _NAME.fullmatch(name) is not None


class Users:
    """The bo_users table; every method is a blocking call."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def create_table(self) -> None:
        """The table, if it is missing."""
        self.database.create_missing(USERS.objects())

    def add(self, name: str, role: str, password: str) -> User:
        """A new account, or a new password and role for an existing one (re-enabled)."""
        if not valid_name(name):
            raise AccountError("NAME: letters, digits and . _ @ - only, at most 64")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
        row = (name, role, _hasher.hash(password), 0, datetime.now(UTC).isoformat())
        with self.database.transaction() as cursor:
            cursor.execute(self.database.sql(f"DELETE FROM {USERS.name} WHERE name = %s"), (name,))
            cursor.execute(
                self.database.sql(f"INSERT INTO {USERS.name} VALUES (%s, %s, %s, %s, %s)"), row
            )
        return User(name, role)

    def all(self) -> list[User]:
        """Every account, by name."""
        rows = self.database.query(f"SELECT name, role, disabled FROM {USERS.name} ORDER BY name")
        return [User(r["name"], r["role"], bool(r["disabled"])) for r in rows]

    def get(self, name: str) -> User | None:
        """An enabled account by name."""
        found = self._row(name)
        return None if found is None or found[0].disabled else found[0]

    def disable(self, name: str) -> bool:
        """Refuse this account's logins and sessions from now on; False if unknown."""
        if self._row(name) is None:
            return False
        with self.database.transaction() as cursor:
            cursor.execute(
                self.database.sql(f"UPDATE {USERS.name} SET disabled = 1 WHERE name = %s"), (name,)
            )
        return True

    def check(self, name: str, password: str) -> User | None:
        """The enabled account whose password this is, else None; always costs one hash."""
        return verify(self.credentials(name), password)

    def credentials(self, name: str) -> Credentials | None:
        """The account and its password hash, to verify() elsewhere; one quick read."""
        return self._row(name) if valid_name(name) else None

    def _row(self, name: str) -> Credentials | None:
        rows = self.database.query(
            f"SELECT name, role, disabled, password_hash FROM {USERS.name} WHERE name = %s",
            (name,),
        )
        if not rows:
            return None
        r = rows[0]
        return User(r["name"], r["role"], bool(r["disabled"])), r["password_hash"]
