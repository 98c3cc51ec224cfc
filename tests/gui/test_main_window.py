"""The main window: pages by role, the idle lock that keeps unsaved edits, logging out."""

from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from core.security.auth import list_users
from gui import main_window as main_window_module
from gui.main_window import MainWindow
from tests.conftest import MANAGER_PASSWORD

MANAGER_ONLY = {"users", "audit", "settings"}


def _window(qtbot, ctx, idle_ms: int = 10**8) -> MainWindow:
    window = MainWindow(ctx, idle_ms=idle_ms)
    qtbot.addWidget(window)
    window.show()
    return window


def test_receptionist_does_not_see_users_audit_or_settings(qtbot, gui_ctx_receptionist):
    window = _window(qtbot, gui_ctx_receptionist)
    assert MANAGER_ONLY.isdisjoint(window.page_keys())
    assert window.page("users") is None
    with pytest.raises(PermissionDenied), gui_ctx_receptionist.session() as s:
        list_users(s, gui_ctx_receptionist.actor)


def test_manager_sees_users_audit_and_settings(qtbot, gui_ctx_manager):
    window = _window(qtbot, gui_ctx_manager)
    assert MANAGER_ONLY <= set(window.page_keys())
    assert window.page("settings") is window.stack.currentWidget()


def test_status_bar_names_the_user_and_the_database(qtbot, gui_ctx_manager):
    window = _window(qtbot, gui_ctx_manager)
    assert "Maija Manageri" in window.user_label.text()
    assert "esihenkilö" in window.user_label.text()
    assert gui_ctx_manager.db.display_location() in window.db_label.text()
    assert window.due_label.text() == "Myöhässä tai erääntyy 7 pv:n sisällä: 0 pyyntöä"


def test_idle_lock_covers_the_window_and_the_password_keeps_unsaved_edits(qtbot, gui_ctx_manager):
    window = _window(qtbot, gui_ctx_manager, idle_ms=10**8)
    settings = window.page("settings")
    settings.edits["city"].setText("Espoo")  # an unsaved edit
    assert settings.has_unsaved_changes()
    window.idle.set_interval(50)
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert window.top.currentWidget() is window.lock_holder
    assert not settings.isVisible()

    window.lock_screen.password.setText("väärä salasana")
    window.lock_screen.try_unlock()
    assert window.is_locked
    assert window.lock_screen.message.text() == "Väärä salasana."

    window.idle.set_interval(10**8)
    window.lock_screen.password.setText(MANAGER_PASSWORD)
    window.lock_screen.try_unlock()
    assert not window.is_locked
    assert window.top.currentWidget() is window.content
    assert settings.edits["city"].text() == "Espoo"
    assert settings.has_unsaved_changes()
    settings.discard_changes()  # else closing the window at teardown would ask


def test_locked_window_disables_menus_and_shortcuts(qtbot, gui_ctx_manager):
    window = _window(qtbot, gui_ctx_manager)
    window.lock()
    assert not window.menuBar().isEnabled()
    assert not any(a.isEnabled() for a in window.page_actions)
    assert not window.lock_action.isEnabled()


def test_other_user_at_lock_screen_discards_edits_after_confirmation(
    qtbot, gui_ctx_manager, monkeypatch
):
    window = _window(qtbot, gui_ctx_manager)
    settings = window.page("settings")
    settings.edits["city"].setText("Espoo")
    window.lock()
    answers = iter([False, True])
    asked = []
    monkeypatch.setattr(
        main_window_module,
        "confirm",
        lambda parent, text, action: asked.append(text) or next(answers),
    )
    window.lock_screen.switch_user.emit()  # "no": stays locked, edit kept
    assert window.is_locked and settings.edits["city"].text() == "Espoo"
    with qtbot.waitSignal(window.logout_requested):
        window.lock_screen.switch_user.emit()  # "yes"
    assert (
        asked
        == ["Tallentamattomat muutokset menetetään, jos kirjaudut toisena käyttäjänä. Jatketaanko?"]
        * 2
    )
    assert not settings.has_unsaved_changes()
    assert not window.isVisible()


def test_lock_covers_an_open_dialog_and_keeps_what_was_typed_in_it(qtbot, gui_ctx_manager):
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    window = _window(qtbot, gui_ctx_manager)
    dialog = QDialog(window)
    edit = QLineEdit("kesken oleva teksti")
    QVBoxLayout(dialog).addWidget(edit)
    dialog.setModal(True)
    dialog.resize(500, 400)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.isVisible())
    window.lock()
    # The only window taking input is the dialog: the password box sits over it.
    assert window.top.currentWidget() is window.locked_blank
    assert window.lock_screen.window() is dialog
    assert dialog.isVisible()
    window.lock_screen.password.setText(MANAGER_PASSWORD)
    window.lock_screen.try_unlock()
    assert not window.is_locked
    assert window.top.currentWidget() is window.content
    assert dialog.isVisible() and edit.text() == "kesken oleva teksti"
    dialog.close()


def test_finnish_loads_qts_own_translations(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from gui.app import apply_language

    apply_language("fi", save=False)
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Peru"
    finally:
        apply_language("en", save=False)
        apply_language("fi", save=False)


def test_new_idle_minutes_from_settings_apply_without_restart(qtbot, gui_ctx_manager):
    from core.settings import update_settings

    window = MainWindow(gui_ctx_manager)
    qtbot.addWidget(window)
    assert window.idle.timer.interval() == 10 * 60 * 1000
    with gui_ctx_manager.session() as s:
        update_settings(s, gui_ctx_manager.actor, idle_lock_minutes=3)
    window.open_page(1)
    assert window.idle.timer.interval() == 3 * 60 * 1000


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_page_fits_a_1280x800_screen(qtbot, gui_ctx_manager, lang):
    """After the merges the customer detail (fields keeping room for their error lines) made
    the window 826 px tall and the Lists page (the label sheet's long names) 1297 px wide:
    the status bar and the right edge fell off a 1280x800 screen."""
    from core.i18n import set_language

    set_language(lang)
    try:
        window = MainWindow(gui_ctx_manager, idle_ms=10**8)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        for index, _spec in enumerate(window.specs):
            window.open_page(index)
            qtbot.wait(20)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 800, hint
        assert (window.width(), window.height()) == (1280, 800)
    finally:
        set_language("fi")
