"""Users, roles, passwords and logins [S12][S13].

argon2id hashes (argon2-cffi defaults, stronger than OWASP's minimum), rehash on login when the
parameters rise, 5 failed attempts lock the account for 15 minutes, a confidentiality
commitment date is required before a user can log in. Every service checks its permission
here, whatever calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.clock import now, today
from core.db import begin_writing, is_busy
from core.errors import AuthError, Busy, NotFound, ValidationError, ValidationErrors
from core.i18n import RESOURCES
from core.models import Role, Settings, User
from core.security import audit
from core.security.permissions import ROLE_PERMISSIONS, Actor, Permission, require

MIN_PASSWORD = 12  # OWASP ASVS 5.0 V6.2.1
MAX_PASSWORD = 128
MIN_STRENGTH = 3  # zxcvbn's score (0-4): 3 is "safely unguessable" for an online attack
MAX_FAILED = 5
LOCKOUT = timedelta(minutes=15)

_hasher = PasswordHasher()  # argon2id, m=64 MiB, t=3, p=4 (above OWASP's m=19 MiB, t=2)


# --- passwords --------------------------------------------------------------------------------

# The register's own name and its words: the first thing an attacker of this office tries.
REGISTER_WORDS = ("asiakasrekisteri", "asiakas", "rekisteri")
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyzåäö",
    "0123456789",
    "qwertyuiopå",
    "asdfghjklöä",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = RESOURCES / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _is_simple_sequence(lowered: str) -> bool:
    """One character repeated, or a run along the alphabet, the digits or a keyboard row,
    forwards or backwards (abcdef..., 654321..., qwerty...)."""
    if len(set(lowered)) == 1:
        return True
    runs = [*SEQUENCES, *(seq[::-1] for seq in SEQUENCES)]
    for run in runs:
        # The sequence may wrap round (7890123...): look it up in the run written twice.
        if lowered in run * (len(lowered) // len(run) + 2):
            return True
    return False


def _personal_words(username: str, company: str) -> list[str]:
    """What a password must not be built from: the username, the company's name (whole and
    each word of 3 letters or more) and the register's name, longest first."""
    words = {username.strip().lower(), company.strip().lower(), *REGISTER_WORDS}
    words.update(w for w in company.lower().replace("-", " ").split() if len(w) >= 3)
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def _strength(password: str, words: list[str]) -> int:
    from zxcvbn import zxcvbn

    return int(zxcvbn(password[:100], user_inputs=words)["score"])


def check_password_rules(
    password: str, username: str = "", field: str = "password", company: str = ""
) -> None:
    """OWASP ASVS 5.0 V6: at least 12 characters, at most 128; not a common password, a
    repeated character or a simple sequence; not built from the username, the company's name
    or the register's name (what is left without them is too short); and strong enough by
    zxcvbn's estimate (score 3 or more)."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(field, "validation.password_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise ValidationError(field, "validation.password_long", max=MAX_PASSWORD)
    lowered = password.lower()
    if lowered in _common_passwords() or (username and lowered == username.lower()):
        raise ValidationError(field, "validation.password_common")
    if _is_simple_sequence(lowered):
        raise ValidationError(field, "validation.password_sequence")
    words = _personal_words(username, company)
    rest = lowered
    for word in words:
        rest = rest.replace(word, "")
    if len(rest) < MIN_PASSWORD:
        raise ValidationError(field, "validation.password_personal", min=MIN_PASSWORD)
    if _strength(password, words) < MIN_STRENGTH:
        raise ValidationError(field, "validation.password_weak")


def _company_name(session: Session) -> str:
    return session.execute(select(Settings.company_name).where(Settings.id == 1)).scalar() or ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- users ------------------------------------------------------------------------------------


def _find_user(session: Session, username: str) -> User | None:
    return session.execute(
        select(User).where(User.username_key == username.strip().lower())
    ).scalar_one_or_none()


def _actor(user: User) -> Actor:
    return Actor(
        user.id,
        user.username,
        user.role,
        user.full_name,
        user.title,
        user.must_change_password,
        user.title_en,
    )


def _validate_username(username: str) -> str:
    name = username.strip()
    if not name:
        raise ValidationError("username", "validation.required")
    if len(name) > 64 or any(ch.isspace() for ch in name):
        raise ValidationError("username", "validation.username_invalid")
    return name


def create_first_manager(
    session: Session,
    username: str,
    full_name: str,
    password: str,
    confidentiality_signed_on: date | None = None,
    title: str = "",
    title_en: str = "",
) -> Actor:
    """The first user of a new database (``init`` and the first-run wizard)."""
    if session.execute(select(func.count(User.id))).scalar_one():
        raise AuthError("auth.already_initialised")
    name = _validate_username(username)
    if not full_name.strip():
        raise ValidationError("full_name", "validation.required")
    check_password_rules(password, name, company=_company_name(session))
    user = User(
        username=name,
        username_key=name.lower(),
        full_name=full_name.strip(),
        title=title.strip(),
        title_en=title_en.strip(),
        role=Role.MANAGER.value,
        password_hash=hash_password(password),
        confidentiality_signed_on=confidentiality_signed_on or today(),
        active=True,
    )
    session.add(user)
    session.flush()
    actor = _actor(user)
    audit.record(session, actor, "user.create", "user", user.id, ["role", "username"])
    return actor


def _check_user_fields(full_name: str, role: str, signed_on: date | None) -> None:
    errors = []
    if not full_name.strip():
        errors.append(ValidationError("full_name", "validation.required"))
    if role not in ROLE_PERMISSIONS:
        errors.append(ValidationError("role", "validation.invalid_choice"))
    if signed_on is None:
        errors.append(
            ValidationError("confidentiality_signed_on", "validation.confidentiality_required")
        )
    elif signed_on > today():
        errors.append(ValidationError("confidentiality_signed_on", "validation.date_in_future"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


def check_new_user(
    username: str,
    full_name: str,
    role: str,
    password: str,
    confidentiality_signed_on: date | None,
    company: str = "",
) -> None:
    """The checks ``create_user`` makes, every field at once (for forms); raises
    ``ValidationErrors`` naming each bad field."""
    errors: list[ValidationError] = []
    checks = (
        lambda: _validate_username(username),
        lambda: _check_user_fields(full_name, role, confidentiality_signed_on),
        lambda: check_password_rules(password, username, company=company),
    )
    for check in checks:
        try:
            check()
        except ValidationErrors as exc:
            errors.extend(exc.errors)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    full_name: str,
    role: str,
    password: str,
    confidentiality_signed_on: date | None,
    title: str = "",
    must_change_password: bool = True,
    title_en: str = "",
) -> User:
    require(actor, Permission.USERS)
    name = _validate_username(username)
    if _find_user(session, name) is not None:
        raise ValidationError("username", "validation.username_taken")
    _check_user_fields(full_name, role, confidentiality_signed_on)
    check_password_rules(password, name, company=_company_name(session))
    user = User(
        username=name,
        username_key=name.lower(),
        full_name=full_name.strip(),
        title=title.strip(),
        title_en=title_en.strip(),
        role=role,
        password_hash=hash_password(password),
        confidentiality_signed_on=confidentiality_signed_on,
        active=True,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        ["username", "full_name", "role", "confidentiality_signed_on"],
    )
    return user


def login(session: Session, username: str, password: str) -> Actor:
    """Check the password. Failures, lockouts and successes are audited (same transaction).

    Unknown, deactivated and locked users and a wrong password all get the same message
    after the same work (one argon2 verification), so a login never tells which usernames
    exist; the manager sees a lock on the Users screen and in the audit log.

    The caller must commit even when this raises, so the failed attempt is counted: use
    ``attempt_login`` from a database object, which does that.
    """
    user = _find_user(session, username)
    if user is None or not user.active:
        audit.record(session, None, "login.failed", "user", "", ["username"])
        _verify(_dummy_hash(_hasher), password)
        raise AuthError("auth.invalid")
    current = now()
    if user.locked_until and user.locked_until > current:
        audit.record(session, _actor(user), "login.refused_locked", "user", user.id)
        _verify(_dummy_hash(_hasher), password)
        raise AuthError("auth.invalid")
    if not _verify(user.password_hash, password):
        failed = _count_failure(session, user)
        audit.record(session, _actor(user), "login.failed", "user", user.id)
        if failed >= MAX_FAILED:
            user.locked_until = current + LOCKOUT
            user.failed_attempts = 0
            audit.record(session, _actor(user), "user.lockout", "user", user.id)
        raise AuthError("auth.invalid")
    if user.confidentiality_signed_on is None:
        audit.record(session, _actor(user), "login.refused_commitment", "user", user.id)
        raise AuthError("auth.no_commitment")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = current
    actor = _actor(user)
    audit.record(session, actor, "login.success", "user", user.id)
    return actor


def _count_failure(session: Session, user: User) -> int:
    """One more failed attempt, counted by the database (``failed_attempts + 1`` in SQL, not
    read and written back), so simultaneous wrong guesses each count; returns the new count."""
    failed = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_attempts=User.failed_attempts + 1)
        .returning(User.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(user, "failed_attempts", failed)
    return int(failed)


@lru_cache(maxsize=2)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash made with the current parameters, verified when there is no password to check,
    so that refusing takes as long as a wrong password does."""
    return hasher.hash("timing equaliser for unknown and locked users")


def attempt_login(db: object, username: str, password: str) -> Actor:
    """Log in through a ``core.db.Database``, keeping the audit of failed attempts. The app
    logs in through ``core.login.log_in``, which also runs the upkeep due at every login."""
    session = db.session_factory()  # type: ignore[attr-defined]
    try:
        begin_writing(session)  # the attempt and its audit entry are written
        actor = login(session, username, password)
        session.commit()
        return actor
    except AuthError:
        session.commit()
        raise
    except OperationalError as exc:
        session.rollback()
        if is_busy(exc):
            raise Busy() from exc
        raise
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def verify_password(session: Session, actor: Actor, password: str) -> bool:
    """Re-check the logged-in user's password (the idle lock); failures count as login ones."""
    try:
        login(session, actor.username, password)
        return True
    except AuthError:
        return False


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.not_found")
    return user


def unlock_user(session: Session, actor: Actor, user_id: int) -> None:
    require(actor, Permission.USERS)
    user = _get_user(session, user_id)
    user.locked_until = None
    user.failed_attempts = 0
    audit.record(session, actor, "user.unlock", "user", user.id, ["locked_until"])


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> None:
    require(actor, Permission.USERS)
    user = _get_user(session, user_id)
    check_password_rules(new_password, user.username, company=_company_name(session))
    user.password_hash = hash_password(new_password)
    user.must_change_password = True
    user.locked_until = None
    user.failed_attempts = 0
    audit.record(session, actor, "user.reset_password", "user", user.id, ["password"])


def change_own_password(
    session: Session, actor: Actor, old_password: str, new_password: str
) -> None:
    user = _get_user(session, actor.user_id)
    if not _verify(user.password_hash, old_password):
        raise ValidationError("old_password", "validation.password_wrong")
    check_password_rules(
        new_password, user.username, field="new_password", company=_company_name(session)
    )
    if new_password == old_password:
        raise ValidationError("new_password", "validation.password_same")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    audit.record(session, actor, "user.change_password", "user", user.id, ["password"])


def _active_managers(session: Session) -> int:
    return session.execute(
        select(func.count(User.id)).where(User.role == Role.MANAGER.value, User.active.is_(True))
    ).scalar_one()


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> None:
    require(actor, Permission.USERS)
    user = _get_user(session, user_id)
    if (
        not active
        and user.role == Role.MANAGER.value
        and user.active
        and _active_managers(session) <= 1
    ):
        raise ValidationError("active", "validation.last_manager")
    user.active = active
    audit.record(
        session,
        actor,
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        ["active"],
    )


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    full_name: str,
    title: str,
    role: str,
    confidentiality_signed_on: date | None,
    title_en: str = "",
) -> None:
    require(actor, Permission.USERS)
    user = _get_user(session, user_id)
    _check_user_fields(full_name, role, confidentiality_signed_on)
    if (
        user.role == Role.MANAGER.value
        and role != Role.MANAGER.value
        and user.active
        and _active_managers(session) <= 1
    ):
        raise ValidationError("role", "validation.last_manager")
    changed = [
        name
        for name, new in (
            ("full_name", full_name.strip()),
            ("title", title.strip()),
            ("title_en", title_en.strip()),
            ("role", role),
            ("confidentiality_signed_on", confidentiality_signed_on),
        )
        if getattr(user, name) != new
    ]
    user.full_name, user.title, user.role = full_name.strip(), title.strip(), role
    user.title_en = title_en.strip()
    user.confidentiality_signed_on = confidentiality_signed_on
    if changed:
        audit.record(session, actor, "user.update", "user", user.id, changed)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    title: str
    role: str
    active: bool
    locked: bool
    locked_until: object
    confidentiality_signed_on: date | None
    last_login_at: object
    must_change_password: bool
    title_en: str = ""


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    require(actor, Permission.USERS)
    current = now()
    return [
        UserRow(
            u.id,
            u.username,
            u.full_name,
            u.title,
            u.role,
            u.active,
            bool(u.locked_until and u.locked_until > current),
            u.locked_until,
            u.confidentiality_signed_on,
            u.last_login_at,
            u.must_change_password,
            u.title_en,
        )
        for u in session.execute(select(User).order_by(User.username_key)).scalars()
    ]


def user_count(session: Session) -> int:
    return session.execute(select(func.count(User.id))).scalar_one()
