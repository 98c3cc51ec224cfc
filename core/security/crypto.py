"""The data key: hetu encryption (AES-GCM), the blind index (HMAC-SHA256), the OS keyring.

One random 256-bit data key per database. Two independent sub-keys are derived from it with
HKDF: one encrypts, the other computes the blind index, so neither use weakens the other.
The data key lives in the OS keyring under the database's install id; the recovery key is the
same 32 bytes written as Base32 groups for the sheet kept in the locked, fire-safe storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import AppError, KeyUnavailable

KEYRING_SERVICE = "Asiakasrekisteri"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_CHECK_MESSAGE = b"asiakasrekisteri key check v1"


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


@dataclass(frozen=True, eq=False)
class DataKey:
    master: bytes = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataKey) and hmac.compare_digest(self.master, other.master)

    def __hash__(self) -> int:
        return hash(self.master)

    def __post_init__(self) -> None:
        if len(self.master) != KEY_BYTES:
            raise ValueError("data key must be 32 bytes")

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @cached_property
    def _aead(self) -> AESGCM:
        return AESGCM(_derive(self.master, b"asiakasrekisteri hetu encryption"))

    @cached_property
    def audit_key(self) -> bytes:
        """The key of the audit chain's HMAC (core.security.audit): its own HKDF label."""
        return _derive(self.master, b"asiakasrekisteri audit chain v1")

    @cached_property
    def _index_key(self) -> bytes:
        return _derive(self.master, b"asiakasrekisteri hetu blind index")

    def encrypt(self, plaintext: str, row_id: int) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        aad = f"customer:{row_id}".encode()
        return nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), aad)

    def decrypt(self, blob: bytes, row_id: int) -> str:
        nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        aad = f"customer:{row_id}".encode()
        try:
            return self._aead.decrypt(nonce, ciphertext, aad).decode("utf-8")
        except InvalidTag as exc:
            raise AppError("crypto.decrypt_failed") from exc

    def blind_index(self, value: str) -> str:
        return hmac.digest(self._index_key, value.encode("utf-8"), "sha256").hex()

    @property
    def index_key(self) -> bytes:
        """The blind index's own key (the suppression list keeps a copy, wrapped)."""
        return self._index_key

    @cached_property
    def _wrap(self) -> AESGCM:
        return AESGCM(_derive(self.master, b"asiakasrekisteri key wrap v1"))

    def wrap(self, secret: bytes, label: bytes) -> bytes:
        """``secret`` encrypted under this key (AES-GCM, ``label`` as associated data)."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrap.encrypt(nonce, secret, label)

    def unwrap(self, blob: bytes, label: bytes) -> bytes:
        try:
            return self._wrap.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], label)
        except InvalidTag as exc:
            raise AppError("crypto.decrypt_failed") from exc

    def key_check(self) -> str:
        """A value stored in Settings that proves a key belongs to this database."""
        return hmac.new(self._index_key, _KEY_CHECK_MESSAGE, hashlib.sha256).hexdigest()

    def to_text(self) -> str:
        return base64.b64encode(self.master).decode("ascii")

    @classmethod
    def from_text(cls, text: str) -> DataKey:
        return cls(base64.b64decode(text.encode("ascii"), validate=True))

    # The recovery key: Base32 without padding, in groups of four, easy to type back in.
    def recovery_text(self) -> str:
        raw = base64.b32encode(self.master).decode("ascii").rstrip("=")
        return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))

    @classmethod
    def from_recovery_text(cls, text: str) -> DataKey:
        cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
        cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
        padded = cleaned + "=" * (-len(cleaned) % 8)
        try:
            master = base64.b32decode(padded)
        except (ValueError, base64.binascii.Error) as exc:  # type: ignore[attr-defined]
            raise AppError("crypto.bad_recovery_key") from exc
        if len(master) != KEY_BYTES:
            raise AppError("crypto.bad_recovery_key")
        return cls(master)


# --- the OS keyring -------------------------------------------------------------------------

_PLAINTEXT_MODULES = ("keyrings.alt",)
_NO_KEYRING_MODULES = ("keyring.backends.null", "keyring.backends.fail")


def _backend():  # type: ignore[no-untyped-def]
    import keyring

    backend = keyring.get_keyring()
    inner = getattr(backend, "backends", None)
    candidates = list(inner) if inner else [backend]
    explicit = os.environ.get("PYTHON_KEYRING_BACKEND", "")
    usable = []
    for candidate in candidates:
        module = type(candidate).__module__
        name = f"{module}.{type(candidate).__name__}"
        if module.startswith(_NO_KEYRING_MODULES):
            continue
        if module.startswith(_PLAINTEXT_MODULES) and name != explicit:
            # A plain-text or failing backend is used only when the user names it explicitly.
            continue
        usable.append(candidate)
    if not usable:
        raise KeyUnavailable("error.no_keyring")
    return usable[0]


def keyring_backend_name() -> str:
    backend = _backend()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def store_key(install_id: str, key: DataKey) -> None:
    try:
        _backend().set_password(KEYRING_SERVICE, install_id, key.to_text())
    except KeyUnavailable:
        raise
    except Exception as exc:  # keyring backends raise many kinds of errors
        raise KeyUnavailable("error.keyring_failed", detail=type(exc).__name__) from exc


_key_cache: dict[str, DataKey] = {}


def cached_key(install_id: str, key_check: str) -> DataKey:
    """The data key of the register ``install_id`` (cached, else from the OS keyring), checked
    against the register's ``key_check``."""
    key = _key_cache.get(install_id)
    if key is None or key.key_check() != key_check:  # a rotation rolled back, say
        key = load_key(install_id)
        if key.key_check() != key_check:
            raise KeyUnavailable("error.key_mismatch")
        _key_cache[install_id] = key
    return key


def remember_key(install_id: str, key: DataKey | None) -> None:
    """The key this process uses for ``install_id`` from now on (None: forget it)."""
    if key is None:
        _key_cache.pop(install_id, None)
    else:
        _key_cache[install_id] = key


def clear_key_cache() -> None:
    _key_cache.clear()


def load_key(install_id: str) -> DataKey:
    try:
        text = _backend().get_password(KEYRING_SERVICE, install_id)
    except KeyUnavailable:
        raise
    except Exception as exc:
        raise KeyUnavailable("error.keyring_failed", detail=type(exc).__name__) from exc
    if not text:
        raise KeyUnavailable("error.key_missing")
    return DataKey.from_text(text)
