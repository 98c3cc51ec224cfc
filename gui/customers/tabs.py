"""The tables under a customer's form: orders, requests, disclosures, change history."""

from __future__ import annotations

from core.customers.service import history_source_text
from core.i18n import format_date, format_datetime, format_money, t
from gui.rows import Column, RowsModel


def _field_text(field: str) -> str:
    return t("customers.history.created") if field == "*" else t(f"field.{field}")


def order_columns() -> list[Column]:
    return [
        Column("customers.col.number", lambda r: r.number),
        Column("field.ordered_on", lambda r: format_date(r.ordered_on)),
        Column("field.item", lambda r: r.item),
        Column("field.amount", lambda r: format_money(r.amount), right=True),
        Column("field.channel", lambda r: t(f"orders.channel.{r.channel}")),
        Column(
            "field.invoice_state",
            lambda r: (
                t(f"orders.invoice.{r.invoice_state}")
                + (f", {t('customers.state.archived')}" if r.archived else "")
            ),
        ),
    ]


def orders_model(parent=None) -> RowsModel:
    return RowsModel(order_columns(), parent)


def requests_model(parent=None) -> RowsModel:
    return RowsModel(
        [
            Column("customers.col.number", lambda r: r.number),
            Column("customers.col.kind", lambda r: t(f"req.kind.{r.kind}")),
            Column("field.state", lambda r: t(f"req.state.{r.state}")),
            Column("customers.col.received", lambda r: format_date(r.received_on)),
            Column("customers.col.due", lambda r: format_date(r.due_on)),
        ],
        parent,
    )


def disclosures_model(parent=None) -> RowsModel:
    return RowsModel(
        [
            Column("customers.col.date", lambda r: format_date(r.disclosed_on)),
            Column("customers.col.recipient", lambda r: r.recipient),
            Column("customers.col.purpose", lambda r: t(f"customers.purpose.{r.purpose}")),
            Column(
                "customers.col.fields", lambda r: ", ".join(t(f"field.{f}") for f in r.data_fields)
            ),
            Column(
                "customers.col.outside_eea",
                lambda r: t("common.yes") if r.outside_eea else t("common.no"),
            ),
        ],
        parent,
    )


def history_model(parent=None) -> RowsModel:
    return RowsModel(
        [
            Column("customers.col.time", lambda r: format_datetime(r.changed_at)),
            Column("customers.col.field", lambda r: _field_text(r.field)),
            Column("customers.col.old", lambda r: r.old_value),
            Column("customers.col.new", lambda r: r.new_value),
            Column("customers.col.source", lambda r: history_source_text(r.source)),
            Column("customers.col.by", lambda r: r.changed_by),
        ],
        parent,
    )
