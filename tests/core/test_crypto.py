from __future__ import annotations

import keyring
import pytest

from core.errors import AppError, KeyUnavailable, ValidationError
from core.security import crypto
from core.security.crypto import DataKey


def test_encryption_round_trip_bound_to_row_id() -> None:
    key = DataKey.generate()
    blob = key.encrypt("131052-308T", 7)
    assert key.decrypt(blob, 7) == "131052-308T"
    with pytest.raises(AppError):
        key.decrypt(blob, 8)  # a ciphertext moved to another row does not open
    assert key.encrypt("131052-308T", 7) != blob  # random nonce


def test_blind_index_is_stable_keyed_and_not_the_value() -> None:
    a, b = DataKey.generate(), DataKey.generate()
    assert a.blind_index("131052-308T") == a.blind_index("131052-308T")
    assert a.blind_index("131052-308T") != b.blind_index("131052-308T")
    assert "131052" not in a.blind_index("131052-308T")


def test_recovery_text_round_trip_tolerates_case_and_spaces() -> None:
    key = DataKey.generate()
    text = key.recovery_text()
    assert DataKey.from_recovery_text(text.lower().replace("-", " ")) == key
    with pytest.raises(AppError):
        DataKey.from_recovery_text("not a key")


def test_plaintext_keyring_never_chosen_silently(monkeypatch) -> None:
    from keyrings.alt.file import PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    with pytest.raises(KeyUnavailable) as err:
        crypto.store_key("x", DataKey.generate())
    assert "PYTHON_KEYRING_BACKEND" in err.value.message("fi")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    assert crypto.keyring_backend_name() == "keyrings.alt.file.PlaintextKeyring"


def test_new_desk_unlocks_with_recovery_key(db, manager, memory_keyring) -> None:
    from core import settings
    from core.customers import service as customers

    with db.begin() as s:
        cid = customers.create_customer(
            s, manager, {"first_name": "A", "last_name": "B", "hetu": "131052-308T"}
        ).id
        recovery = settings.recovery_key_text(s, manager)
    memory_keyring.store.clear()
    settings.clear_key_cache()
    with db.begin() as s:
        with pytest.raises(KeyUnavailable):
            customers.reveal_hetu(s, manager, cid)
    with db.begin() as s:
        with pytest.raises(ValidationError):
            settings.install_recovery_key(s, DataKey.generate().recovery_text())
        settings.install_recovery_key(s, recovery)
    with db.begin() as s:
        assert customers.reveal_hetu(s, manager, cid) == "131052-308T"
