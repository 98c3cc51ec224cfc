"""One way to run database work from a screen, in the shape of Anki's ``CollectionOp``::

    DbOp(self.ctx, self, lambda s: find_duplicates(s, actor)).success(self._show_pairs).run()

The op receives a session on the task runner's worker, inside one transaction
(``ctx.session()``: committed when the op returns, rolled back when it raises; ``read_only()``
ops get ``ctx.read_session()``, which never waits for another desk's save). ``success(result)``
and ``failure(exc)`` run on the GUI thread. Without a failure handler the error goes to
``gui.messages.show_error`` over ``parent``: an error is never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from gui import messages
from gui.context import AppContext

T = TypeVar("T")


class DbOp(Generic[T]):
    def __init__(self, ctx: AppContext, parent: QWidget | None, op: Callable[[Session], T]) -> None:
        self._ctx = ctx
        self._parent = parent
        self._op = op
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._read_only = False
        self._background = False

    def read_only(self) -> DbOp[T]:
        """The op only reads (a search, a page of a list): a read transaction."""
        self._read_only = True
        return self

    def in_background(self) -> DbOp[T]:
        """Reading ahead (nothing the user waits for): on the runner's second worker, so the
        searches and pages typed meanwhile are not held up."""
        self._background = True
        return self

    def success(self, on_success: Callable[[T], Any]) -> DbOp[T]:
        """Called with the op's result on the GUI thread, after the transaction committed."""
        self._success = on_success
        return self

    def failure(self, on_failure: Callable[[BaseException], Any]) -> DbOp[T]:
        """Called instead of ``show_error`` with the exception the op raised."""
        self._failure = on_failure
        return self

    def run(self) -> None:
        ctx, op, read_only = self._ctx, self._op, self._read_only

        def in_transaction() -> T:
            with ctx.read_session() if read_only else ctx.session() as s:
                return op(s)

        ctx.tasks.run(in_transaction, self._succeeded, self._failed, background=self._background)

    def _succeeded(self, result: T) -> None:
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        if self._failure is not None:
            self._failure(exc)
        else:
            messages.show_error(self._parent, exc)
