"""The Statistics page [S4]: figures by year, drawn as bar charts, exportable as CSV."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core import i18n
from core.clock import today
from core.i18n import format_money, t
from core.models import RequestKind
from core.statistics import (
    Statistics,
    available_years,
    compute_statistics,
    export_statistics_csv,
    label,
)
from gui.messages import show_error
from gui.ops import DbOp
from gui.statistics.charts import PALETTE, BarChart, HBarChart, Series
from gui.widgets import add_shortcut

CHANNELS = ("shop", "web", "reseller")


def _whole(value: float) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", "\u00a0") if i18n.language() == "fi" else text


def _euros(value: float) -> str:
    """Axis and bar labels: whole euros; thousands as k€ and millions as M€ when large."""
    fi = i18n.language() == "fi"
    if abs(value) >= 1_000_000:
        number = f"{value / 1_000_000:.1f}".removesuffix(".0")
        return f"{number.replace('.', ',')}\u00a0M€" if fi else f"€{number}M"
    if abs(value) >= 10_000:
        return f"{_whole(value / 1000)}\u00a0k€" if fi else f"€{_whole(value / 1000)}k"
    return f"{_whole(value)}\u00a0€" if fi else f"€{_whole(value)}"


def month_names() -> list[str]:
    return [t(f"statistics.month_short.{m}") for m in range(1, 13)]


class StatisticsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stats: Statistics | None = None

        self.year = QComboBox()
        self.year.setAccessibleName(t("statistics.year"))
        year_label = QLabel(t("statistics.year"))
        year_label.setBuddy(self.year)
        self.export_button = QPushButton(t("statistics.export"))
        add_shortcut(self.export_button, "Ctrl+E")
        self.export_button.setToolTip(t("statistics.export_tip"))
        self.export_button.clicked.connect(self.export_csv)
        self.export_button.setEnabled(False)

        heading = QLabel(t("statistics.title"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.export_button)

        self.key_figures = QLabel()
        self.key_figures.setWordWrap(True)
        self.key_figures.setAccessibleName(t("statistics.key_figures"))

        self.customers_by_month = BarChart(t("statistics.customers_by_month"), _whole)
        self.revenue_by_month = BarChart(t("statistics.revenue_by_month"), _euros)
        self.customers_by_source = HBarChart(t("statistics.customers_by_source"), _whole)
        self.requests_by_kind = HBarChart(t("statistics.requests_by_kind"), _whole)
        self.charts = QWidget()
        grid = QGridLayout(self.charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.customers_by_month, 0, 0)
        grid.addWidget(self.revenue_by_month, 0, 1)
        grid.addWidget(self.customers_by_source, 1, 0)
        grid.addWidget(self.requests_by_kind, 1, 1)
        for row in (0, 1):
            grid.setRowMinimumHeight(row, 280)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.charts)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.key_figures)
        layout.addWidget(scroll, 1)

        self.year.currentIndexChanged.connect(self._year_changed)
        self._load_years()  # then the statistics of the first year

    # --- loading ----------------------------------------------------------------------------

    def _load_years(self) -> None:
        actor = self.ctx.actor
        DbOp(self.ctx, self, lambda s: available_years(s, actor)).success(self._show_years).run()

    def _show_years(self, years: list[int]) -> None:
        if today().year not in years:
            years.insert(0, today().year)
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(str(y), y)
        self.year.addItem(t("statistics.all_years"), None)
        self.year.setCurrentIndex(0)
        self.year.blockSignals(False)
        self.refresh()

    def selected_year(self) -> int | None:
        return self.year.currentData()

    @Slot()
    def _year_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        year = self.selected_year()
        ctx = self.ctx

        DbOp(ctx, self, lambda s: compute_statistics(s, ctx.actor, year)).success(
            self.show_statistics
        ).run()

    # --- showing ----------------------------------------------------------------------------

    def show_statistics(self, stats: Statistics) -> None:
        self.stats = stats
        self.export_button.setEnabled(True)
        empty = t("statistics.no_data")
        timing = stats.timing
        percent = "\u00a0%" if i18n.language() == "fi" else "%"
        share = (
            "–" if timing.share_in_time is None else f"{timing.share_in_time * 100:.0f}{percent}"
        )
        median = (
            "–" if timing.median_days is None else t("statistics.days", count=timing.median_days)
        )
        self.key_figures.setText(
            t(
                "statistics.summary",
                customers=_whole(stats.customers_total),
                orders=_whole(stats.orders_total),
                revenue=format_money(stats.revenue_total),
                answered=timing.answered,
                median=median,
                share=share,
            )
        )

        by_month = stats.year is not None
        self.customers_by_month.title = t(
            "statistics.customers_by_month" if by_month else "statistics.customers_by_year"
        )
        self.revenue_by_month.title = t(
            "statistics.revenue_by_month" if by_month else "statistics.revenue_by_year"
        )
        months: list[tuple[int, int]]
        if stats.year is not None:
            months = [(stats.year, m) for m in range(1, 13)]
            names = month_names()
        else:
            keys = sorted(
                {(m.year, m.month) for m in stats.customers_by_month}
                | {(o.year, o.month) for o in stats.orders_by_month}
            )
            years = sorted({y for y, _m in keys})
            months = [(y, 0) for y in years]
            names = [str(y) for y in years]

        def bucket(year: int, month: int) -> tuple[int, int]:
            return (year, month) if stats.year is not None else (year, 0)

        new_customers: dict[tuple[int, int], float] = {}
        for m in stats.customers_by_month:
            key = bucket(m.year, m.month)
            new_customers[key] = new_customers.get(key, 0) + m.count
        self.customers_by_month.set_data(
            names,
            [Series(t("statistics.new_customers"), [new_customers.get(k, 0) for k in months])],
            empty,
        )

        revenue: dict[tuple[str, tuple[int, int]], Decimal] = {}
        for o in stats.orders_by_month:
            channel_key = (o.channel, bucket(o.year, o.month))
            revenue[channel_key] = revenue.get(channel_key, Decimal(0)) + o.revenue
        self.revenue_by_month.set_data(
            names,
            [
                Series(
                    label("channel", ch),
                    [float(revenue.get((ch, k), 0)) for k in months],
                    PALETTE[i],
                )
                for i, ch in enumerate(CHANNELS)
            ],
            empty,
        )

        self.customers_by_source.set_data(
            [label("source", c.key) for c in stats.customers_by_source],
            [Series("", [c.count for c in stats.customers_by_source], PALETTE[2])],
            empty,
        )
        kinds = {c.key: c.count for c in stats.requests_by_kind}
        self.requests_by_kind.set_data(
            [label("kind", k.value) for k in RequestKind],
            [Series("", [kinds.get(k.value, 0) for k in RequestKind], PALETTE[3])],
            empty,
        )
        self.charts.setMinimumHeight(
            max(560, self.customers_by_source.minimumSizeHint().height() * 2)
        )

    # --- export -----------------------------------------------------------------------------

    @Slot()
    def export_csv(self) -> None:
        if self.stats is None:
            return
        year = self.stats.year
        suggested = t(
            "statistics.file_name",
            year=year if year is not None else t("statistics.all_years_file"),
        )
        path, _filter = QFileDialog.getSaveFileName(
            self, t("statistics.export"), suggested, t("common.csv_filter")
        )
        if path:
            self.write_csv(Path(path))

    def write_csv(self, path: Path) -> None:
        """The file is written on the task runner; an unwritable folder is said, the page kept."""
        assert self.stats is not None
        stats, language = self.stats, i18n.language()
        self.ctx.tasks.run(
            lambda: export_statistics_csv(path, stats, language),
            None,
            lambda exc: show_error(self, exc),
        )
