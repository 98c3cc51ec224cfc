from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core import clock
from core.errors import AuthError, PermissionDenied, ValidationError
from core.models import AuditEntry, User
from core.security import auth
from core.security.auth import attempt_login
from tests.conftest import MANAGER_PASSWORD, RECEPTIONIST_PASSWORD


def test_login_success_is_audited(db) -> None:
    actor = attempt_login(db, "Manager", MANAGER_PASSWORD)  # usernames are case-insensitive
    assert actor.username == "manager" and actor.is_manager
    with db.begin() as s:
        actions = s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-1] == "login.success"


def test_wrong_password_refused_and_counted(db) -> None:
    with pytest.raises(AuthError) as err:
        attempt_login(db, "manager", "wrong password here")
    assert err.value.code == "auth.invalid"
    with db.begin() as s:
        user = s.execute(select(User).where(User.username_key == "manager")).scalar_one()
        assert user.failed_attempts == 1
        assert (
            s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalar()
            == "login.failed"
        )


def test_unknown_user_gets_same_message_as_wrong_password(db) -> None:
    with pytest.raises(AuthError) as err:
        attempt_login(db, "nobody", "whatever-password")
    assert err.value.code == "auth.invalid"


def test_five_failures_lock_for_fifteen_minutes_then_unlock(db, manager) -> None:
    for _ in range(5):
        with pytest.raises(AuthError) as err:
            attempt_login(db, "reception", "wrong password here")
        assert err.value.code == "auth.invalid"
    # Even the right password is refused while locked, with the message of a wrong one.
    with pytest.raises(AuthError) as err:
        attempt_login(db, "reception", RECEPTIONIST_PASSWORD)
    assert err.value.code == "auth.invalid"
    with db.read() as s:  # the manager sees the lock
        assert [u.locked for u in auth.list_users(s, manager) if u.username == "reception"] == [
            True
        ]
        actions = s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
        assert "user.lockout" in actions and actions[-1] == "login.refused_locked"
    clock.shift(15 * 60 + 1)
    assert attempt_login(db, "reception", RECEPTIONIST_PASSWORD).username == "reception"


def test_manager_unlocks_a_locked_account(db, manager) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            attempt_login(db, "reception", "wrong password here")
    with db.begin() as s:
        uid = s.execute(select(User.id).where(User.username_key == "reception")).scalar_one()
        auth.unlock_user(s, manager, uid)
    assert attempt_login(db, "reception", RECEPTIONIST_PASSWORD)


def test_user_without_confidentiality_commitment_cannot_log_in(db) -> None:
    with db.begin() as s:
        user = s.execute(select(User).where(User.username_key == "reception")).scalar_one()
        user.confidentiality_signed_on = None
    with pytest.raises(AuthError) as err:
        attempt_login(db, "reception", RECEPTIONIST_PASSWORD)
    assert err.value.code == "auth.no_commitment"


def test_new_user_requires_commitment_date_and_good_password(db, manager) -> None:
    with db.begin() as s:
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "pekka", "Pekka P", "receptionist", "Hyvä-Salasana-123", None
            )
        assert err.value.field == "confidentiality_signed_on"
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "pekka", "Pekka P", "receptionist", "short", date(2024, 5, 1)
            )
        assert err.value.code == "validation.password_short"
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "pekka", "Pekka P", "receptionist", "salasana1234", date(2024, 5, 1)
            )
        assert err.value.code == "validation.password_common"
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "pekka", "Pekka P", "receptionist", "qwertyuiopå", date(2024, 5, 1)
            )
        assert err.value.code == "validation.password_short"
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "Manager", "X", "receptionist", "Hyvä-Salasana-123", date(2024, 5, 1)
            )
        assert err.value.code == "validation.username_taken"


def test_password_hash_is_argon2id(db) -> None:
    with db.begin() as s:
        hashes = s.execute(select(User.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(MANAGER_PASSWORD not in h for h in hashes)


def test_receptionist_cannot_manage_users(db, receptionist) -> None:
    with db.begin() as s:
        with pytest.raises(PermissionDenied):
            auth.list_users(s, receptionist)
        with pytest.raises(PermissionDenied):
            auth.create_user(
                s, receptionist, "x", "X", "manager", "Hyvä-Salasana-123", date(2024, 1, 1)
            )


def test_last_active_manager_cannot_be_deactivated(db, manager) -> None:
    with db.begin() as s:
        with pytest.raises(ValidationError) as err:
            auth.set_active(s, manager, manager.user_id, False)
        assert err.value.code == "validation.last_manager"


def test_user_must_change_password_after_reset(db, manager) -> None:
    with db.begin() as s:
        uid = s.execute(select(User.id).where(User.username_key == "reception")).scalar_one()
        auth.reset_password(s, manager, uid, "Uusi-Alku-Salasana-9")
    actor = attempt_login(db, "reception", "Uusi-Alku-Salasana-9")
    assert actor.must_change_password
    with db.begin() as s:
        auth.change_own_password(s, actor, "Uusi-Alku-Salasana-9", "Oma-Hyva-Salasana-10")
    assert not attempt_login(db, "reception", "Oma-Hyva-Salasana-10").must_change_password


def test_the_apps_argon2_parameters_are_argon2id_and_at_least_owasps() -> None:
    from argon2 import Type

    from tests.conftest import PRODUCTION_HASHER

    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.memory_cost >= 19 * 1024
    assert PRODUCTION_HASHER.time_cost >= 2
    assert PRODUCTION_HASHER.parallelism >= 1


def test_a_password_hashed_with_weaker_parameters_is_rehashed_at_the_next_login(
    db, monkeypatch
) -> None:
    """The tests hash cheaply; logging in under the app's parameters upgrades the hash."""
    from tests.conftest import PRODUCTION_HASHER

    monkeypatch.setattr(auth, "_hasher", PRODUCTION_HASHER)
    auth.attempt_login(db, "manager", MANAGER_PASSWORD)
    with db.begin() as s:
        stored = s.execute(
            select(User.password_hash).where(User.username == "manager")
        ).scalar_one()
    h = PRODUCTION_HASHER
    assert f"m={h.memory_cost},t={h.time_cost},p={h.parallelism}" in stored
    auth.attempt_login(db, "manager", MANAGER_PASSWORD)  # the new hash still verifies


def test_twelve_simultaneous_wrong_guesses_lock_the_account(db, manager) -> None:
    """Parallel guessing cannot bypass the lockout: every failure is counted."""
    import threading

    start = threading.Barrier(12)
    codes: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            attempt_login(db, "reception", f"wrong password {n}")
        except AuthError as exc:
            codes.append(exc.code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == ["auth.invalid"] * 12
    with db.read() as s:
        [row] = [u for u in auth.list_users(s, manager) if u.username == "reception"]
        assert row.locked
        actions = s.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("login.failed") + actions.count("login.refused_locked") == 12
    with pytest.raises(AuthError):  # the right password is refused now
        attempt_login(db, "reception", RECEPTIONIST_PASSWORD)


def _median_login_seconds(db, username: str, password: str, tries: int = 5) -> float:
    import statistics
    import time

    times = []
    for _ in range(tries):
        start = time.perf_counter()
        with pytest.raises(AuthError):
            attempt_login(db, username, password)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_deactivated_locked_and_wrong_logins_look_the_same(
    db, manager, monkeypatch
) -> None:
    """Same message and similar time, with the app's own argon2 parameters."""
    from datetime import timedelta

    from tests.conftest import PRODUCTION_HASHER

    monkeypatch.setattr(auth, "_hasher", PRODUCTION_HASHER)
    with db.begin() as s:
        locked = auth.create_user(
            s, manager, "lukittu", "L L", "receptionist", "Lukittu-Tili-Kahvi-91", date(2024, 1, 1)
        )
        gone = auth.create_user(
            s, manager, "poissa", "P P", "receptionist", "Poissa-Oleva-Kuu-47", date(2024, 1, 1)
        )
        locked.locked_until = clock.now() + timedelta(minutes=15)
        gone.active = False
        wrong = s.execute(select(User).where(User.username_key == "reception")).scalar_one()
        wrong.password_hash = auth.hash_password(RECEPTIONIST_PASSWORD)
    cases = {
        "unknown": ("nobody-here", "Lukittu-Tili-Kahvi-91"),
        "deactivated": ("poissa", "Poissa-Oleva-Kuu-47"),
        "locked": ("lukittu", "Lukittu-Tili-Kahvi-91"),  # even the right password
        "wrong": ("reception", "wrong password here"),
    }
    messages = {}
    for case, (username, password) in cases.items():
        with pytest.raises(AuthError) as err:
            attempt_login(db, username, password)
        messages[case] = (err.value.message("fi"), err.value.message("en"))
    assert len(set(messages.values())) == 1, messages
    with db.begin() as s:  # the wrong guesses above must not lock the user under test
        auth.unlock_user(s, manager, wrong.id)
    times = {case: _median_login_seconds(db, *cases[case], tries=3) for case in cases}
    slowest, fastest = max(times.values()), min(times.values())
    assert slowest < 2 * fastest, times


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Kirja-Kuu-7", "validation.password_short"),  # 11 characters: enough before
        ("zzzzzzzzzzzzzzzz", "validation.password_sequence"),
        ("abcdefghijklmn", "validation.password_sequence"),
        ("1234567890123", "validation.password_sequence"),
        ("9876543210987", "validation.password_sequence"),
        ("QWERTYUIOPÅ", "validation.password_short"),
        ("qwertyuiopåasd", "validation.password_weak"),
        ("Testiasunnot-Oy-1", "validation.password_personal"),  # the company's name
        ("Asiakasrekisteri2024!", "validation.password_personal"),  # the register's name
        ("rekisteri-asiakas-1", "validation.password_personal"),
        ("pekka.pekka.pekka", "validation.password_personal"),  # the username
        ("Password1234", "validation.password_common"),
        ("kissakissa12", "validation.password_weak"),
        ("helsinki2024", "validation.password_weak"),
    ],
)
def test_weak_passwords_are_refused_naming_why(db, manager, password: str, code: str) -> None:
    with db.begin() as s:
        with pytest.raises(ValidationError) as err:
            auth.create_user(
                s, manager, "pekka", "Pekka P", "receptionist", password, date(2024, 5, 1)
            )
    assert err.value.code == code
    assert err.value.field == "password"


def test_password_rules_messages_in_finnish_and_english() -> None:
    with pytest.raises(ValidationError) as err:
        auth.check_password_rules("Kirja-Kuu-7")
    assert "vähintään 12 merkkiä" in err.value.message("fi")
    assert "at least 12 characters" in err.value.message("en")
    with pytest.raises(ValidationError) as err:
        auth.check_password_rules("Testiasunnot-Oy-1", "maija", company="Testiasunnot Oy")
    assert "yrityksen nimestä" in err.value.message("fi")
    assert "the company's name" in err.value.message("en")


def test_long_unrelated_words_pass_even_with_the_register_name_in_them(db, manager) -> None:
    with db.begin() as s:
        user = auth.create_user(
            s,
            manager,
            "pekka",
            "Pekka P",
            "receptionist",
            "Asiakas-Mustikka-Purjevene-8",
            date(2024, 5, 1),
        )
    assert user.id
