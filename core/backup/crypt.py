"""Encrypted backup files (``.arbak``): a lost USB stick reveals nothing (DESIGN.md section 6).

A backup is the checked SQLite copy encrypted with AES-GCM under a key derived from the data key
(HKDF, its own label), streamed in chunks so memory stays flat on a big register::

    header   MAGIC, format version, chunk size, nonce prefix (7 random bytes),
             install id and schema revision (each one length byte + ASCII)
    chunks   ciphertext length (4 bytes) + ciphertext and tag, one per CHUNK bytes of data

Each chunk's nonce is the file's random prefix + the chunk counter + a final-chunk flag, and
its associated data is the header + counter + flag: a chunk cannot be altered, moved, dropped
or taken from another file, the header cannot be edited, and a file cut short lacks the final
chunk. The install id names the register the backup belongs to; on another computer the data key
comes from the recovery key, the same 32 bytes, so the derivation is the same.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import AppError
from core.files import fsync_file, open_private
from core.security.crypto import DataKey

MAGIC = b"ARBAK\r\n\x1a"  # the line ending and ^Z show a file mangled by a text-mode copy
FORMAT_VERSION = 1
SUFFIX = ".arbak"
CHUNK = 1 << 20
PREFIX_BYTES = 7
TAG_BYTES = 16
_INFO = b"asiakasrekisteri backup v1"
_FIXED = struct.Struct(">8sBI7s")
_LENGTH = struct.Struct(">I")

Progress = Callable[[int, int, str], None]


def backup_cipher(key: DataKey) -> AESGCM:
    """The backup key: HKDF of the data key under its own label (independent of the others)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key.master)
    return AESGCM(derived)


@dataclass(frozen=True)
class Header:
    version: int
    chunk: int
    prefix: bytes
    install_id: str
    revision: str
    raw: bytes  # the header's bytes as written: the associated data of every chunk


def _short_text(value: str) -> bytes:
    data = value.encode("ascii")
    if len(data) > 255:
        raise ValueError("header text too long")
    return bytes([len(data)]) + data


def _make_header(install_id: str, revision: str) -> Header:
    prefix = os.urandom(PREFIX_BYTES)
    raw = (
        _FIXED.pack(MAGIC, FORMAT_VERSION, CHUNK, prefix)
        + _short_text(install_id)
        + _short_text(revision)
    )
    return Header(FORMAT_VERSION, CHUNK, prefix, install_id, revision, raw)


def is_encrypted(path: Path) -> bool:
    """True when the file starts with the encrypted backup's magic bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _read_text(f: BinaryIO) -> tuple[str, bytes]:
    size = f.read(1)
    if len(size) != 1:
        raise AppError("backup.truncated")
    data = f.read(size[0])
    if len(data) != size[0]:
        raise AppError("backup.truncated")
    try:
        return data.decode("ascii"), size + data
    except UnicodeDecodeError:
        raise AppError("backup.not_a_backup") from None


def _read_header_from(f: BinaryIO) -> Header:
    fixed = f.read(_FIXED.size)
    if len(fixed) < len(MAGIC) or fixed[: len(MAGIC)] != MAGIC:
        raise AppError("backup.not_a_backup")
    if len(fixed) != _FIXED.size:
        raise AppError("backup.truncated")
    _magic, version, chunk, prefix = _FIXED.unpack(fixed)
    if version != FORMAT_VERSION:
        raise AppError("backup.format_unsupported", version=version)
    if not 0 < chunk <= 64 * CHUNK:
        raise AppError("backup.altered")
    install_id, raw_id = _read_text(f)
    revision, raw_rev = _read_text(f)
    return Header(version, chunk, prefix, install_id, revision, fixed + raw_id + raw_rev)


def read_header(path: Path) -> Header:
    """The header of an encrypted backup (``backup.not_a_backup`` when it is none)."""
    with open(path, "rb") as f:
        return _read_header_from(f)


def _nonce_and_aad(header: Header, index: int, final: bool) -> tuple[bytes, bytes]:
    if index >= 1 << 32:
        raise AppError("backup.altered")
    tail = struct.pack(">IB", index, 1 if final else 0)
    return header.prefix + tail, header.raw + tail


def encrypt_file(
    plain: Path,
    target: Path,
    key: DataKey,
    install_id: str,
    revision: str,
    progress: Progress | None = None,
    message: str = "",
) -> None:
    """``plain`` encrypted to ``target`` (owner-only, flushed to disk), one chunk in memory."""
    cipher = backup_cipher(key)
    header = _make_header(install_id, revision)
    total = max(plain.stat().st_size, 1)
    done = 0
    try:
        with open(plain, "rb") as src, open_private(target) as out:
            out.write(header.raw)
            index = 0
            current = src.read(header.chunk)
            while True:
                following = src.read(header.chunk) if current else b""
                final = not following
                nonce, aad = _nonce_and_aad(header, index, final)
                sealed = cipher.encrypt(nonce, current, aad)
                out.write(_LENGTH.pack(len(sealed)))
                out.write(sealed)
                done += len(current)
                if progress:
                    progress(min(done, total), total, message)
                if final:
                    break
                current = following
                index += 1
        fsync_file(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def decrypt_file(
    src: Path,
    plain: Path | None,
    key: DataKey,
    progress: Progress | None = None,
    message: str = "",
) -> Header:
    """``src`` decrypted to ``plain`` (owner-only), or only authenticated when ``plain`` is None.

    Refuses an altered file (``backup.altered``: also a backup this key does not open) and one
    cut short (``backup.truncated``); on a refusal no plain file is left behind.
    """
    cipher = backup_cipher(key)
    total = max(src.stat().st_size, 1)
    out: BinaryIO | None = None
    try:
        with open(src, "rb") as f:
            header = _read_header_from(f)
            if plain is not None:
                out = open_private(plain)
            index = 0
            while True:
                size = f.read(_LENGTH.size)
                if len(size) != _LENGTH.size:
                    raise AppError("backup.truncated")
                (length,) = _LENGTH.unpack(size)
                if not TAG_BYTES <= length <= header.chunk + TAG_BYTES:
                    raise AppError("backup.altered")
                sealed = f.read(length)
                if len(sealed) != length:
                    raise AppError("backup.truncated")
                data, final = _open_chunk(cipher, header, index, sealed)
                if out is not None:
                    out.write(data)
                if progress:
                    progress(f.tell(), total, message)
                if final:
                    break
                index += 1
            if f.read(1):
                raise AppError("backup.altered")  # bytes after the final chunk
        if out is not None:
            out.close()
            out = None
    except BaseException:
        if out is not None:
            out.close()
        if plain is not None:
            plain.unlink(missing_ok=True)
        raise
    return header


def _open_chunk(cipher: AESGCM, header: Header, index: int, sealed: bytes) -> tuple[bytes, bool]:
    """A chunk's data and whether it is the final one (the flag is authenticated too)."""
    for final in (False, True):
        nonce, aad = _nonce_and_aad(header, index, final)
        try:
            return cipher.decrypt(nonce, sealed, aad), final
        except InvalidTag:
            continue
    raise AppError("backup.altered")
