"""The pages of the main window's sidebar. Each screen's module is imported only when its page
is first opened, and a page whose module does not exist (yet) is left out of the sidebar.

A page is a ``QWidget`` constructed as ``Page(ctx)`` (ctx: ``gui.context.AppContext``). If it
holds a form it may also offer ``has_unsaved_changes() -> bool`` and ``discard_changes()``, which
the idle lock and "log in as another user" use, and ``refresh()``, called when it is shown again.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.auth import Permission


@dataclass(frozen=True)
class PageSpec:
    key: str
    title_key: str
    permission: Permission | None
    target: str  # "package.module:ClassName"
    shortcut: str

    @property
    def module(self) -> str:
        return self.target.split(":")[0]

    def available(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:  # a parent package is missing
            return False

    @property
    def factory(self) -> Callable[[Any], Any]:
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


PAGES: list[PageSpec] = [
    PageSpec("customers", "gui.page.customers", Permission.CUSTOMERS,
             "gui.customers.view:CustomersPage", "Ctrl+1"),
    PageSpec("orders", "gui.page.orders", Permission.ORDERS,
             "gui.orders.view:OrdersPage", "Ctrl+2"),
    PageSpec("requests", "gui.page.requests", Permission.REQUEST_INTAKE,
             "gui.requests.view:RequestsPage", "Ctrl+3"),
    PageSpec("lists", "gui.page.lists", Permission.EXPORT,
             "gui.lists.view:ListsPage", "Ctrl+4"),
    PageSpec("statistics", "gui.page.statistics", Permission.STATISTICS,
             "gui.statistics.view:StatisticsPage", "Ctrl+5"),
    PageSpec("users", "gui.page.users", Permission.USERS,
             "gui.users.view:UsersPage", "Ctrl+6"),
    PageSpec("audit", "gui.page.audit", Permission.AUDIT_LOG,
             "gui.audit.view:AuditPage", "Ctrl+7"),
    PageSpec("settings", "gui.page.settings", Permission.SETTINGS,
             "gui.settings.view:SettingsPage", "Ctrl+8"),
]


def pages_for(ctx: Any) -> list[PageSpec]:
    """The pages this user may open and that exist in this build, in sidebar order."""
    return [p for p in PAGES if (p.permission is None or ctx.can(p.permission)) and p.available()]
