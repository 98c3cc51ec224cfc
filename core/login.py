"""The app's login (the GUI's login window and idle unlock, every command-line command).

The password check runs in its own transaction (``core.security.auth.attempt_login``, which
keeps the audit of failed attempts); after a successful one, the upkeep due at every login
runs in another: restricted customers whose restriction has ended are purged [S11] by the
system user, audited (DESIGN.md section 3). It lives above ``core.security`` because the purge
needs the legal holds and the settings, which build on the users.
"""

from __future__ import annotations

from core.db import Database
from core.requests.erasure import purge_expired_restrictions
from core.security.auth import attempt_login
from core.security.permissions import SYSTEM, Actor


def log_in(db: Database, username: str, password: str) -> Actor:
    """Check the password, then purge what is past its date; returns the logged-in user."""
    actor = attempt_login(db, username, password)
    with db.begin() as session:
        purge_expired_restrictions(session, SYSTEM)
    return actor
