"""The main window: sidebar of pages, status bar, menus, idle lock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from core.i18n import t
from core.requests.workflow import DUE_SOON_DAYS
from core.security.permissions import Permission
from gui.backup.reminder import OffdiskReminder
from gui.context import AppContext
from gui.idle import IdleWatcher, LockController, LockScreen
from gui.messages import confirm, error_text, plain_title
from gui.ops import DbOp
from gui.pages import PageSpec, pages_for
from gui.widgets import app_icon, role_text

DUE_REFRESH_MS = 5 * 60 * 1000
DEFAULT_IDLE_MS = 10 * 60 * 1000  # the idle lock of a register whose setting is empty


class _PageError(QLabel):
    def __init__(self, exc: BaseException) -> None:
        from core.errors import AppError

        text = (
            exc.message()
            if isinstance(exc, AppError)
            else t("app.page_failed", kind=type(exc).__name__)
        )
        super().__init__(text)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class MainWindow(QMainWindow):
    """``logout_requested`` asks the app to show the login again (edits already discarded)."""

    logout_requested = Signal()
    closed = Signal()  # closed for good (quit), not for a logout

    def __init__(
        self, ctx: AppContext, idle_ms: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.specs: list[PageSpec] = pages_for(ctx)
        self.pages: dict[str, QWidget] = {}
        self._leaving = False
        self.database_replaced = False  # a restore replaced the file: the app reopens it
        self.setWindowTitle(t("app.title"))
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(t("app.sidebar"))
        self.sidebar.setIconSize(QSize(0, 0))
        self.sidebar.setUniformItemSizes(True)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { font-size: 11pt; }"
            "QListWidget#sidebar::item { padding: 8px 12px; }"
        )
        self.stack = QStackedWidget()
        for spec in self.specs:
            item = QListWidgetItem(t(spec.title_key))
            item.setToolTip(f"{t(spec.title_key)} ({spec.shortcut})")
            self.sidebar.addItem(item)
            self.stack.addWidget(QWidget())  # replaced by the page when first opened
        self.sidebar.setFixedWidth(max(170, self.sidebar.sizeHintForColumn(0) + 24))
        self.sidebar.currentRowChanged.connect(self.open_row)

        self.content = QWidget()
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.lock_holder = QWidget()
        self.lock_layout = QVBoxLayout(self.lock_holder)
        self.lock_layout.setContentsMargins(0, 0, 0, 0)
        self.locked_blank = QLabel(t("login.lock.covered"))
        self.locked_blank.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.top = QStackedWidget()
        for widget in (self.content, self.lock_holder, self.locked_blank):
            self.top.addWidget(widget)
        self.setCentralWidget(self.top)

        self._build_actions()
        self._build_status_bar()

        who = f"{ctx.actor.full_name or ctx.actor.username} ({ctx.actor.username})"
        self.lock_screen = LockScreen(self._verify_password, who)
        self.lock_screen.switch_user.connect(self.switch_user)
        self.locker = LockController(self, self.lock_screen)
        self.fixed_idle = idle_ms is not None  # tests inject milliseconds
        # Until refresh_due has read the manager's setting off the GUI thread: the default.
        self.idle = IdleWatcher(idle_ms if idle_ms is not None else DEFAULT_IDLE_MS, self)
        self.idle.idle.connect(self.locker.lock)
        self.due_timer = QTimer(self)
        self.due_timer.timeout.connect(self.refresh_due)
        self.due_timer.start(DUE_REFRESH_MS)
        self.refresh_due()
        if self.specs:
            self.sidebar.setCurrentRow(0)
        else:
            empty = QLabel(t("app.no_pages"))
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.stack.addWidget(empty)

    # --- building ---------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: str | QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.page_actions: list[QAction] = []
        for index, spec in enumerate(self.specs):
            action = self._action(
                t(spec.title_key), lambda _=False, i=index: self.open_page(i), spec.shortcut
            )
            self.page_actions.append(action)
        self.lock_action = self._action(t("app.menu.lock"), self.lock, "Ctrl+L")
        self.password_action = self._action(t("app.menu.change_password"), self.change_password)
        self.logout_action = self._action(t("app.menu.log_out"), self.log_out)
        self.quit_action = self._action(t("app.menu.quit"), self.close, "Ctrl+Q")
        self.about_action = self._action(t("app.menu.about"), self.about)
        self.updates_action = self._action(t("app.menu.import_updates"), self.import_updates)
        self.updates_action.setVisible(self.ctx.can(Permission.IMPORT))
        self.backup_action = self._action(t("app.menu.backup_now"), self.backup_now)
        self.backup_action.setVisible(
            self.ctx.can(Permission.BACKUP) and self.ctx.can(Permission.SETTINGS)
        )
        self.import_action = self._action(t("import.wizard.menu"), self.import_customers)
        self.import_action.setVisible(self.ctx.can(Permission.IMPORT))
        self.export_action = self._action(t("export.dialog.menu"), self.export_customers)
        self.export_action.setVisible(self.ctx.can(Permission.EXPORT))
        file_menu = self.menuBar().addMenu(t("app.menu.file"))
        self.file_menu = file_menu
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.updates_action)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        for action in (self.lock_action, self.password_action, self.logout_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = self.menuBar().addMenu(t("app.menu.go"))
        for action in self.page_actions:
            go_menu.addAction(action)
        self.guide_action = self._action(
            t("app.menu.guide"),
            self.show_guide,
            QKeySequence(QKeySequence.StandardKey.HelpContents),
        )
        help_menu = self.menuBar().addMenu(t("app.menu.help"))
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)

    @Slot()
    def import_customers(self) -> None:
        """Customers from an office's spreadsheet or CSV file, through the wizard."""
        from gui.transfer.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.exec()
        page = self.stack.currentWidget()
        if wizard.imported and page is not None and hasattr(page, "refresh"):
            page.refresh()

    @Slot()
    def export_customers(self) -> None:
        """The whole register to .xlsx or CSV (manager; audited by the core export)."""
        from gui.transfer.export_dialog import ExportDialog

        ExportDialog(self.ctx, self).exec()

    @Slot()
    def import_updates(self) -> None:
        """Name and address updates from an authority or update-service file [S8]."""
        from gui.updates.view import UpdatesDialog

        UpdatesDialog(self.ctx, self).exec()
        page = self.stack.currentWidget()
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    @Slot()
    def backup_now(self) -> None:
        """File > Back up now…: the Settings page's backup (its folder, progress and result)."""
        keys = self.page_keys()
        if "settings" not in keys:
            return
        self.open_page(keys.index("settings"))
        settings = self.page("settings")
        group = getattr(settings, "backup_group", None)
        if group is not None:
            group.backup_now()

    def _build_status_bar(self) -> None:
        actor = self.ctx.actor
        self.user_label = QLabel(
            t("app.status.user", name=actor.full_name or actor.username, role=role_text(actor.role))
        )
        self.db_label = QLabel(t("app.status.database", location=self.ctx.db.display_location()))
        self.db_label.setToolTip(self.ctx.db.display_location())
        self.due_label = QLabel()
        self.due_label.setObjectName("dueLabel")
        self.offdisk = OffdiskReminder(self.ctx)
        self.offdisk.folder_chosen.connect(self._settings_changed)
        bar = self.statusBar()
        bar.addWidget(self.user_label)
        bar.addWidget(self.db_label, 1)
        bar.addWidget(self.offdisk, 1)
        bar.addPermanentWidget(self.due_label)
        # While the reminder shows it takes the database's place (the location is in the
        # tooltip of the user's name then). The bar is as tall as its tallest widget, hidden
        # ones too, so the reminder appearing never moves the page above (a test measures it).
        self.user_label.setToolTip(self.ctx.db.display_location())
        self.offdisk.visibility_changed.connect(lambda shown: self.db_label.setVisible(not shown))

    @Slot()
    def _settings_changed(self) -> None:
        """The reminder saved a setting: an open Settings page without edits shows it."""
        page = self.pages.get("settings")
        if page is not None and hasattr(page, "load") and not self.has_unsaved_changes():
            page.load()

    # --- pages ------------------------------------------------------------------------------

    @Slot(int)
    def open_page(self, index: int) -> None:
        if 0 <= index < len(self.specs):
            self.sidebar.setCurrentRow(index)

    @Slot(int)
    def open_row(self, index: int) -> None:
        if index < 0:
            return
        spec = self.specs[index]
        page = self.pages.get(spec.key)
        if page is None:
            try:
                page = spec.factory(self.ctx)
            except Exception as exc:  # a broken page must not take the app down
                page = _PageError(exc)
            self.pages[spec.key] = page
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
        elif hasattr(page, "refresh"):
            page.refresh()
        self.stack.setCurrentIndex(index)
        if hasattr(self, "idle"):
            self.refresh_due()

    def page(self, key: str) -> QWidget | None:
        """The page widget (opening it if needed) or None if this user has no such page."""
        for index, spec in enumerate(self.specs):
            if spec.key == key:
                self.open_page(index)
                return self.pages.get(key)
        return None

    def page_keys(self) -> list[str]:
        return [spec.key for spec in self.specs]

    def has_unsaved_changes(self) -> bool:
        return any(getattr(p, "has_unsaved_changes", lambda: False)() for p in self.pages.values())

    def discard_changes(self) -> None:
        for page in self.pages.values():
            if hasattr(page, "discard_changes"):
                page.discard_changes()

    # --- status -----------------------------------------------------------------------------

    @Slot()
    def refresh_due(self) -> None:
        """The due-requests count, the reminder to copy a backup off the disk (a manager's),
        and the idle lock minutes if a manager changed them."""
        from core.security.permissions import Permission

        ctx = self.ctx
        self.offdisk.refresh()
        can_see = ctx.can(Permission.REQUEST_INTAKE)
        self.due_label.setVisible(can_see)

        def count_due(s: Session) -> tuple[int, int]:
            from core.requests import count_requests_due_within
            from core.settings import get_settings

            due = count_requests_due_within(s, ctx.actor) if can_see else 0
            return due, int(get_settings(s).idle_lock_minutes or 10)

        def show(result: tuple[int, int]) -> None:
            n, minutes = result
            self.due_label.setText(t("app.status.due", count=n, days=DUE_SOON_DAYS))
            self.due_label.setStyleSheet("color: #b3261e; font-weight: 600;" if n else "")
            if not self.fixed_idle and self.idle.timer.interval() != minutes * 60 * 1000:
                self.idle.set_interval(minutes * 60 * 1000)

        def failed(exc: BaseException) -> None:  # a status line, not a dialog every minute
            self.due_label.setText(error_text(exc))
            self.due_label.setStyleSheet("color: #b3261e;")

        DbOp(ctx, self, count_due).read_only().success(show).failure(failed).run()

    # --- lock, logout, quit -----------------------------------------------------------------

    def show_locked(self, locked: bool, with_screen: bool = True) -> None:
        if locked:
            if with_screen:
                self.lock_layout.addWidget(self.lock_screen)
                self.lock_screen.show()
                self.top.setCurrentWidget(self.lock_holder)
            else:
                self.top.setCurrentWidget(self.locked_blank)
        else:
            self.top.setCurrentWidget(self.content)
            self.idle.restart()
        self.menuBar().setEnabled(not locked)
        for action in self.actions():
            action.setEnabled(not locked)
        self.user_label.setEnabled(not locked)

    @property
    def is_locked(self) -> bool:
        return self.locker.locked

    @Slot()
    def lock(self) -> None:
        self.locker.lock()

    def _verify_password(
        self,
        password: str,
        on_right: Callable[[object], None],
        on_wrong: Callable[[BaseException], None],
    ) -> None:
        """The lock screen's password, checked on the task runner (argon2 takes a moment)."""
        from core.errors import AuthError
        from core.login import log_in

        db, me = self.ctx.db, self.ctx.actor

        def check() -> None:
            if log_in(db, me.username, password).user_id != me.user_id:
                raise AuthError("auth.invalid")

        self.ctx.tasks.run(check, on_right, on_wrong)

    def _confirm_discard(self, text_key: str) -> bool:
        if not self.has_unsaved_changes():
            return True
        parent = QApplication.activeModalWidget() or self
        return confirm(parent, t(text_key), t("messages.action.discard_changes"))

    @Slot()
    def switch_user(self) -> None:
        if not self._confirm_discard("login.lock.discard_confirm"):
            return
        self._leave()

    @Slot()
    def log_out(self) -> None:
        if not self._confirm_discard("app.logout_confirm"):
            return
        self._leave()

    def _leave(self) -> None:
        self.discard_changes()
        self.locker.unlock()
        for widget in QApplication.topLevelWidgets():
            if widget is not self and widget.isVisible() and widget.parent() is not None:
                widget.close()
        self._leaving = True
        self.idle.stop()
        self.due_timer.stop()
        self.close()
        self.logout_requested.emit()

    @Slot()
    def change_password(self) -> None:
        from gui.login import ChangePasswordDialog

        actor = self.ctx.actor

        def change(s: Session, old: str, new: str) -> None:
            from core.security.auth import change_own_password

            change_own_password(s, actor, old, new)

        dialog = ChangePasswordDialog(self.ctx, change, parent=self)
        if dialog.exec():
            QMessageBox.information(self, t("users.password.title"), t("users.password.changed"))

    @Slot()
    def show_guide(self) -> None:
        from gui.help import HelpDialog

        self.help_dialog = HelpDialog(self)
        self.help_dialog.show()

    def about_text(self) -> str:
        from gui.help import app_version

        return (
            t("app.about_version.version", version=app_version())
            + "\n\n"
            + t("app.about", location=self.ctx.db.display_location())
        )

    @Slot()
    def about(self) -> None:
        QMessageBox.about(self, plain_title(t("app.menu.about")), self.about_text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if (
            not self._leaving
            and not self.is_locked
            and self.has_unsaved_changes()
            and not confirm(self, t("app.quit_confirm"), t("messages.action.discard_changes"))
        ):
            event.ignore()
            return
        if self.is_locked and not self._leaving and self.has_unsaved_changes():
            event.ignore()  # unsaved edits under the lock screen are not thrown away unasked
            return
        self.idle.stop()
        self.due_timer.stop()
        if not self._leaving:
            self.backup_on_exit()
        event.accept()
        if not self._leaving:
            self.closed.emit()

    def backup_on_exit(self) -> None:
        """The automatic backup when a manager quits and the last one is a day old."""
        from gui.backup.exit import backup_on_exit

        backup_on_exit(self, self.ctx)


__all__ = ["MainWindow"]
