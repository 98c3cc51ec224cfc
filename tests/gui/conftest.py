"""GUI fixtures: an AppContext over the test database with a synchronous task runner."""

from __future__ import annotations

import gc

import pytest

from core.db import Database
from core.security.permissions import Actor
from gui.context import AppContext
from tests.gui.guard import GuardedRunner, guard_sessions


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread():
    """Python's cyclic GC may run on a worker thread (the task runner, the opener) and there
    destroy a widget left in a reference cycle by an earlier test: Qt crashes. Collect on the
    GUI thread only, as the app does (gui.app.collect_garbage_on_gui_thread)."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture(autouse=True)
def _backups_in_tmp(tmp_path, monkeypatch) -> None:
    """Closing a manager's window may take the automatic backup: never into the real user's
    data folder (a test's database has no backup folder of its own)."""
    from core.backup import files as backup

    monkeypatch.setattr(backup, "default_data_dir", lambda: tmp_path / "user-data")


@pytest.fixture
def gui_thread_sessions(db: Database, monkeypatch):
    """Every screen test over ``db``: a session a screen opens on the GUI thread outside a task
    fails the test (tests.gui.guard), even when the screen catches the error."""
    violations = guard_sessions(db, monkeypatch)
    yield violations
    assert not violations, f"database sessions opened on the GUI thread: {violations}"


@pytest.fixture
def gui_ctx_manager(db: Database, manager: Actor, gui_thread_sessions) -> AppContext:
    """The manager (Maija Manageri) logged in; background work runs at once."""
    return AppContext(db, manager, GuardedRunner())


@pytest.fixture
def gui_ctx_receptionist(db: Database, receptionist: Actor, gui_thread_sessions) -> AppContext:
    return AppContext(db, receptionist, GuardedRunner())


@pytest.fixture
def ctx(gui_ctx_manager: AppContext) -> AppContext:
    return gui_ctx_manager


@pytest.fixture
def message_boxes(monkeypatch) -> list[str]:
    """Message boxes answer OK at once instead of waiting for a click; the texts they showed."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> QMessageBox.StandardButton:
        shown.append(box.text())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown
