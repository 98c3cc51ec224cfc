"""The tables under a customer's form: orders, requests, disclosures, change history."""

from __future__ import annotations

from core.customers.service import history_source_text
from core.i18n import format_date, format_datetime, format_money, t
from gui.rowmodel import Column, RowTableModel


def _field_text(field: str) -> str:
    return t("lists.history.created") if field == "*" else t(f"field.{field}")


def order_columns() -> list[Column]:
    return [
        Column("lists.col.number", lambda r: r.number),
        Column("field.ordered_on", lambda r: format_date(r.ordered_on)),
        Column("field.item", lambda r: r.item),
        Column("field.amount", lambda r: format_money(r.amount), right=True),
        Column("field.channel", lambda r: t(f"lists.channel.{r.channel}")),
        Column(
            "field.invoice_state",
            lambda r: (
                t(f"lists.invoice.{r.invoice_state}")
                + (f", {t('lists.state.archived')}" if r.archived else "")
            ),
        ),
    ]


def orders_model(parent=None) -> RowTableModel:
    return RowTableModel(order_columns(), parent)


def requests_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column("lists.col.number", lambda r: r.number),
            Column("lists.col.kind", lambda r: t(f"lists.request_kind.{r.kind}")),
            Column("field.state", lambda r: t(f"lists.request_state.{r.state}")),
            Column("lists.col.received", lambda r: format_date(r.received_on)),
            Column("lists.col.due", lambda r: format_date(r.due_on)),
        ],
        parent,
    )


def disclosures_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column("lists.col.date", lambda r: format_date(r.disclosed_on)),
            Column("lists.col.recipient", lambda r: r.recipient),
            Column("lists.col.purpose", lambda r: t(f"lists.purpose.{r.purpose}")),
            Column("lists.col.fields", lambda r: ", ".join(t(f"field.{f}") for f in r.data_fields)),
            Column(
                "lists.col.outside_eea",
                lambda r: t("lists.yes") if r.outside_eea else t("lists.no"),
            ),
        ],
        parent,
    )


def history_model(parent=None) -> RowTableModel:
    return RowTableModel(
        [
            Column("lists.col.time", lambda r: format_datetime(r.changed_at)),
            Column("lists.col.field", lambda r: _field_text(r.field)),
            Column("lists.col.old", lambda r: r.old_value),
            Column("lists.col.new", lambda r: r.new_value),
            Column("lists.col.source", lambda r: history_source_text(r.source)),
            Column("lists.col.by", lambda r: r.changed_by),
        ],
        parent,
    )
