"""The reminder to copy a backup off this disk, and the second backup folder on screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core import clock
from core.backup.files import list_backups
from core.settings import get_settings
from gui.main_window import MainWindow
from gui.settings.view import SettingsPage


@pytest.fixture(autouse=True)
def _no_blocking_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def stick(tmp_path: Path, db, monkeypatch) -> Path:
    """A register with a customer whose last copy off the disk is eight days old; the
    stick's folder is on another device than the database."""
    if not db.is_sqlite:
        pytest.skip("SQLite backups (PostgreSQL uses pg_dump)")
    folder = tmp_path / "usb"
    folder.mkdir()
    from core.backup import offdisk

    monkeypatch.setattr(offdisk, "device_of", lambda path: 2 if Path(path) == folder else 1)
    with db.begin() as s:
        settings = get_settings(s)
        settings.backup_folder = str(tmp_path / "varmuuskopiot")
        settings.last_backup_at = clock.now() - timedelta(hours=1)
        settings.last_offdisk_backup_at = clock.now() - timedelta(days=8)
    return folder


REMINDER = "Varmuuskopio vain tällä levyllä 8 päivää"


def test_manager_sees_the_reminder_after_eight_days_without_a_copy_off_the_disk(
    qtbot, gui_ctx_manager, stick
):
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    assert window.offdisk.isVisible()
    assert window.offdisk.text.text() == REMINDER
    assert window.offdisk.backup_button.text() == "Varmuuskopioi nyt USB-muistille…"
    assert window.offdisk.later_button.text() == "Muistuta huomenna"


def test_receptionist_never_sees_the_reminder(qtbot, gui_ctx_receptionist, stick):
    window = MainWindow(gui_ctx_receptionist, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    assert not window.offdisk.isVisible()


def test_backing_up_to_the_stick_writes_there_and_the_reminder_goes_away(
    qtbot, gui_ctx_manager, stick, _no_blocking_boxes
):
    with gui_ctx_manager.session() as s:
        get_settings(s).second_backup_folder = str(stick)
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    assert window.offdisk.isVisible()
    window.offdisk.backup_button.click()
    files = list_backups(stick)
    assert len(files) == 1
    assert any(str(files[0]) in text for text in _no_blocking_boxes)
    assert not window.offdisk.isVisible()
    window.refresh_due()  # the next check finds the copy
    assert not window.offdisk.isVisible()


def test_without_a_second_folder_the_button_asks_for_one_and_saves_it(
    qtbot, gui_ctx_manager, stick
):
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    window.offdisk.choose_folder = lambda: str(stick)
    window.offdisk.backup_button.click()
    assert len(list_backups(stick)) == 1
    with gui_ctx_manager.session() as s:
        assert get_settings(s).second_backup_folder == str(stick)
    assert not window.offdisk.isVisible()


def test_an_unplugged_stick_names_the_folder_and_the_reminder_stays(
    qtbot, gui_ctx_manager, stick, _no_blocking_boxes
):
    unplugged = stick.parent / "media" / "USB"
    with gui_ctx_manager.session() as s:
        get_settings(s).second_backup_folder = str(unplugged)
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    window.offdisk.backup_button.click()
    assert any(
        f"Toista varmuuskopiokansiota ei löydy: {unplugged}" in text for text in _no_blocking_boxes
    )
    assert window.offdisk.isVisible()


def test_remind_tomorrow_hides_it_until_the_next_day(qtbot, gui_ctx_manager, stick):
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    window.offdisk.later_button.click()
    window.refresh_due()
    assert not window.offdisk.isVisible()
    clock.shift(86400)
    window.refresh_due()
    assert window.offdisk.isVisible()
    assert window.offdisk.text.text() == "Varmuuskopio vain tällä levyllä 9 päivää"


def test_the_reminder_appearing_while_open_moves_nothing_on_the_page(qtbot, gui_ctx_manager, stick):
    with gui_ctx_manager.session() as s:
        get_settings(s).last_offdisk_backup_at = clock.now() - timedelta(days=6)
    window = MainWindow(gui_ctx_manager, idle_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.offdisk.isVisible()
    before = window.top.geometry()
    clock.shift(86400)  # the seventh day comes while the window is open
    window.refresh_due()
    qtbot.wait(20)
    assert window.offdisk.isVisible()
    assert window.top.geometry() == before


def test_settings_page_has_the_second_folder_and_backup_now_writes_both(
    qtbot, gui_ctx_manager, stick, _no_blocking_boxes
):
    page = SettingsPage(gui_ctx_manager)
    qtbot.addWidget(page)
    assert page.backup_group.form.labels["second_backup_folder"].text() == (
        "Toinen varmuuskopiokansio"
    )
    page.second_backup_folder.setText(str(stick))
    page.save()
    with gui_ctx_manager.session() as s:
        assert get_settings(s).second_backup_folder == str(stick)
    page.backup_group.backup_button.click()
    copies = list_backups(stick)
    assert len(copies) == 1
    assert f"Kopio tallennettu ja tarkistettu toiseen kansioon: {copies[0]}" in (
        page.backup_group.status.text()
    )
    assert page.backup_group.last_offdisk_label.text() != "ei vielä yhtään"


def test_closing_backs_up_to_both_folders_and_an_unplugged_stick_is_said_not_fatal(
    qtbot, gui_ctx_manager, stick, _no_blocking_boxes
):
    ctx = gui_ctx_manager
    with ctx.session() as s:
        settings = get_settings(s)
        settings.last_backup_at = clock.now() - timedelta(days=2)
        settings.second_backup_folder = str(stick)
    window = MainWindow(ctx, idle_ms=3_600_000)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    main_folder = stick.parent / "varmuuskopiot"
    assert [p.name for p in list_backups(stick)] == [p.name for p in list_backups(main_folder)]
    assert len(list_backups(stick)) == 1

    unplugged = stick.parent / "media" / "USB"
    with ctx.session() as s:
        settings = get_settings(s)
        settings.last_backup_at = clock.now() - timedelta(days=2)
        settings.second_backup_folder = str(unplugged)
    clock.shift(2)
    window = MainWindow(ctx, idle_ms=3_600_000)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    assert len(list_backups(main_folder)) == 2
    assert any(
        f"Toista varmuuskopiokansiota ei löydy: {unplugged}" in t for t in _no_blocking_boxes
    )
