"""The pages of the main window's sidebar. Each screen's module is imported when its page is
first opened (start-up stays quick), through a plain import statement in its factory below, so a
freezer such as PyInstaller sees and packs every screen.

A page is a ``QWidget`` constructed as ``Page(ctx)`` (ctx: ``gui.context.AppContext``). If it
holds a form it may also offer ``has_unsaved_changes() -> bool`` and ``discard_changes()``, which
the idle lock and "log in as another user" use, and ``refresh()``, called when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.security.permissions import Permission


@dataclass(frozen=True)
class PageSpec:
    key: str
    title_key: str
    permission: Permission | None
    factory: Callable[[Any], Any]
    shortcut: str


def _customers(ctx: Any) -> Any:
    from gui.customers.view import CustomersPage

    return CustomersPage(ctx)


def _orders(ctx: Any) -> Any:
    from gui.orders.view import OrdersPage

    return OrdersPage(ctx)


def _requests(ctx: Any) -> Any:
    from gui.requests.view import RequestsPage

    return RequestsPage(ctx)


def _lists(ctx: Any) -> Any:
    from gui.lists.view import ListsPage

    return ListsPage(ctx)


def _statistics(ctx: Any) -> Any:
    from gui.statistics.view import StatisticsPage

    return StatisticsPage(ctx)


def _duplicates(ctx: Any) -> Any:
    from gui.duplicates.view import DuplicatesPage

    return DuplicatesPage(ctx)


def _retention(ctx: Any) -> Any:
    from gui.retention.view import RetentionPage

    return RetentionPage(ctx)


def _users(ctx: Any) -> Any:
    from gui.users.view import UsersPage

    return UsersPage(ctx)


def _recipients(ctx: Any) -> Any:
    from gui.recipients.view import RecipientsPage

    return RecipientsPage(ctx)


def _audit(ctx: Any) -> Any:
    from gui.audit.view import AuditPage

    return AuditPage(ctx)


def _settings(ctx: Any) -> Any:
    from gui.settings.view import SettingsPage

    return SettingsPage(ctx)


PAGES: list[PageSpec] = [
    PageSpec("customers", "app.page.customers", Permission.CUSTOMERS, _customers, "Ctrl+1"),
    PageSpec("orders", "app.page.orders", Permission.ORDERS, _orders, "Ctrl+2"),
    PageSpec("requests", "app.page.requests", Permission.REQUEST_INTAKE, _requests, "Ctrl+3"),
    PageSpec("lists", "app.page.lists", Permission.BLANK_FORMS, _lists, "Ctrl+4"),
    PageSpec("statistics", "app.page.statistics", Permission.STATISTICS, _statistics, "Ctrl+5"),
    PageSpec("duplicates", "app.page.duplicates", Permission.MERGE, _duplicates, "Ctrl+9"),
    PageSpec("retention", "app.page.retention", Permission.RETENTION, _retention, "Ctrl+0"),
    PageSpec("users", "app.page.users", Permission.USERS, _users, "Ctrl+6"),
    PageSpec(
        "recipients", "app.page.recipients", Permission.RECIPIENTS, _recipients, "Ctrl+Shift+V"
    ),
    PageSpec("audit", "app.page.audit", Permission.AUDIT_LOG, _audit, "Ctrl+7"),
    PageSpec("settings", "app.page.settings", Permission.SETTINGS, _settings, "Ctrl+8"),
]


def pages_for(ctx: Any) -> list[PageSpec]:
    """The pages this user may open, in sidebar order."""
    return [p for p in PAGES if p.permission is None or ctx.can(p.permission)]
