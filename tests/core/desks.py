"""Several desks at once: the work of one desk in a process of its own (multiprocessing
"spawn" imports this module in each child, so it holds only what a child needs)."""

from __future__ import annotations

import os
from pathlib import Path


def desk(url: str, keys: dict[tuple[str, str], str], password: str, work: Path, n: int) -> str:
    """Log in as the manager, add the same people by hand and by importing the same file,
    export the register; returns "ok" or the kind and text of the first error."""
    import keyring
    from argon2 import PasswordHasher

    from core.customers.service import create_customer
    from core.db import open_database
    from core.errors import AppError, Conflict, ValidationError
    from core.security import auth
    from core.transfer.exporting import export_customers
    from core.transfer.importing import import_customers
    from tests.conftest import MemoryKeyring

    backend = MemoryKeyring()
    backend.store.update(keys)
    keyring.set_keyring(backend)
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    db = open_database(url)
    try:
        actor = auth.attempt_login(db, "manager", password)
        import_customers(db, actor, work / "same.csv")
        for first, last, hetu in PEOPLE:
            try:
                with db.begin() as s:
                    create_customer(
                        s, actor, {"first_name": first, "last_name": last, "hetu": hetu}
                    )
            except (Conflict, ValidationError):
                pass  # someone else stored them first: the expected refusal
        with db.begin() as s:
            export_customers(s, actor, work / f"export-{n}-{os.getpid()}.csv")
        return "ok"
    except AppError as exc:
        return f"{type(exc).__name__}: {exc.message('en')}"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        db.dispose()


# Valid hetus (made by tests.conftest.valid_hetu); the file below holds the same.
PEOPLE = [
    ("Aino", "Aaltonen", "010180-1232"),
    ("Eino", "Eskola", "020280-2343"),
    ("Into", "Iivari", "030380-3454"),
]
