"""Whether a register is there: the app's first question (login window or first-run screen)."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from core.db import database_exists, resolve_url


def test_a_server_database_with_a_register_exists_and_an_empty_one_does_not(db):
    if db.engine.dialect.name != "postgresql":
        assert database_exists(db.engine.url)
        assert not database_exists(resolve_url(str(db.path) + ".missing"))
        return
    assert database_exists(db.engine.url)
    empty = make_url(str(db.engine.url.render_as_string(hide_password=False))).set(
        database="postgres"
    )
    assert not database_exists(empty)  # the server's own database: no register in it


def test_a_server_that_does_not_answer_is_an_operational_error():
    with pytest.raises(OperationalError):
        database_exists(resolve_url("postgresql://nobody@127.0.0.1:1/register"))
