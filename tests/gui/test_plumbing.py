"""The GUI's plumbing: database ops, the two task runners, messages and the rows model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from core.customers import service as customers
from core.errors import NotFound
from core.models import Customer
from gui import messages
from gui.context import AppContext
from gui.ops import DbOp
from gui.rows import ROW_ROLE, SORT_ROLE, Column, RowsModel, RowStyle, no_tooltip
from gui.tasks import SyncTaskRunner, TaskRunner


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """What gui.messages.show_error was asked to show."""
    errors: list[str] = []
    monkeypatch.setattr(
        messages,
        "show_error",
        lambda parent, exc, title=None: errors.append(messages.error_text(exc)),
    )
    return errors


def _count(ctx: AppContext) -> int:
    with ctx.session() as s:
        return s.scalar(select(func.count()).select_from(Customer)) or 0


def test_an_op_gets_a_session_and_its_result_comes_back_committed(ctx, shown) -> None:
    got: list[int] = []
    DbOp(
        ctx,
        None,
        lambda s: (
            customers.create_customer(s, ctx.actor, {"first_name": "Olli", "last_name": "Op"}).id
        ),
    ).success(got.append).run()
    assert len(got) == 1 and _count(ctx) == 1 and shown == []


def test_a_failed_op_rolls_back_and_goes_to_show_error(ctx, shown) -> None:
    def create_then_fail(s) -> None:
        customers.create_customer(s, ctx.actor, {"first_name": "Olli", "last_name": "Op"})
        raise NotFound()

    called: list[object] = []
    DbOp(ctx, None, create_then_fail).success(called.append).run()
    assert shown == ["Tietoa ei löytynyt."] and called == [] and _count(ctx) == 0


def test_a_failure_handler_replaces_show_error(ctx, shown) -> None:
    handled: list[BaseException] = []
    DbOp(ctx, None, lambda s: 1 / 0).failure(handled.append).run()
    assert [type(e) for e in handled] == [ZeroDivisionError] and shown == []


def _outcomes(runner, qtbot) -> list[tuple[str, object, bool]]:
    """Results and errors of two jobs, and whether each came back on the GUI thread."""
    seen: list[tuple[str, object, bool]] = []
    gui = QCoreApplication.instance().thread()

    def note(kind: str):
        return lambda value: seen.append(
            (kind, value if kind == "done" else type(value), QThread.currentThread() is gui)
        )

    runner.run(lambda: 6 * 7, note("done"), note("error"))
    runner.run(lambda: 1 / 0, note("done"), note("error"))
    runner.run(lambda: None, None, note("error"))  # no success callback: nothing delivered
    qtbot.waitUntil(lambda: len(seen) == 2)
    runner.wait()
    return seen


def test_the_test_runner_delivers_like_the_real_one(qtbot) -> None:
    real = TaskRunner()
    try:
        assert (
            _outcomes(SyncTaskRunner(), qtbot)
            == _outcomes(real, qtbot)
            == [("done", 42, True), ("error", ZeroDivisionError, True)]
        )
    finally:
        real.wait()
        real.deleteLater()


def test_error_text_says_what_the_user_can_read() -> None:
    assert messages.error_text(NotFound()) == "Tietoa ei löytynyt."
    assert (
        messages.error_text(PermissionError(13, "Permission denied"))
        == "Tiedostoa ei voitu kirjoittaa tai lukea: Permission denied"
    )
    assert messages.error_text(KeyError("x")) == (
        "Odottamaton virhe (KeyError). Toimintoa ei tehty, eikä tietoja muutettu. "
        "Jos vika toistuu, ota yhteys ylläpitoon."
    )


def test_a_confirmation_names_its_action_and_defaults_to_cancel(qtbot) -> None:
    box, accept = messages.confirmation_box(None, "Arkistoidaanko tilaus 7?", "Arkistoi")
    qtbot.addWidget(box)
    assert accept.text() == "Arkistoi"
    assert box.defaultButton().text() == "Peruuta"
    assert box.escapeButton() is box.defaultButton()
    assert box.icon() == QMessageBox.Icon.Question


def test_a_confirmation_is_yes_only_when_the_action_is_clicked(qtbot, monkeypatch) -> None:
    def click(button_text: str):
        def fake_exec(box: QMessageBox) -> int:
            chosen = next(b for b in box.buttons() if b.text() == button_text)
            chosen.click()
            return 0

        return fake_exec

    monkeypatch.setattr(QMessageBox, "exec", click("Poista tiedot"))
    assert messages.confirm(None, "Poistetaanko?", "Poista tiedot", destructive=True)
    monkeypatch.setattr(QMessageBox, "exec", click("Peruuta"))
    assert not messages.confirm(None, "Poistetaanko?", "Poista tiedot")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)  # closed with Esc / the title bar
    assert not messages.confirm(None, "Poistetaanko?", "Poista tiedot")


@dataclass(frozen=True)
class _Row:
    name: str
    amount: int


def _model(checkable: bool = False) -> RowsModel:
    model = RowsModel(
        [
            Column("field.customer", lambda r: r.name),
            Column(
                "field.amount",
                lambda r: f"{r.amount} €",
                right=True,
                tooltip=no_tooltip,
                sort_key=lambda r: r.amount,
            ),
        ],
        checkable=checkable,
        style=lambda r: (
            RowStyle(foreground=QColor("#b3261e"), bold=True) if r.amount > 100 else None
        ),
    )
    model.set_rows([_Row("Aino", 5), _Row("Bertta", 250)])
    return model


def test_rows_model_shows_columns_headers_and_styles(qtmodeltester) -> None:
    model = _model()
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Asiakas"
    assert model.index(1, 1).data() == "250 €"
    assert model.index(1, 1).data(SORT_ROLE) == 250
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Aino"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(1, 0).data(ROW_ROLE) == _Row("Bertta", 250)
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    model.append_rows([_Row("Cecilia", 1)])
    assert model.rowCount() == 3 and model.row_at(2).name == "Cecilia" and model.row_at(3) is None


def test_rows_model_ticks_rows_in_the_first_column(qtmodeltester) -> None:
    model = _model(checkable=True)
    qtmodeltester.check(model)
    assert model.setData(
        model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert [r.name for r in model.checked_rows()] == ["Bertta"]
    model.set_all_checked(True)
    assert len(model.checked_rows()) == 2
    assert not model.setData(
        model.index(1, 1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )


def test_mailing_model_passes_the_model_tester(qtmodeltester) -> None:
    from core.documents.data import LabelEntry
    from gui.lists.model import mailing_model

    model = mailing_model()
    model.set_rows([LabelEntry("Aino", "Aalto", street="Esplanadi 1")])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Aalto Aino"
