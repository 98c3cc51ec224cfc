"""Bar charts drawn with QPainter (PySide6-Essentials has no QtCharts).

Honest by construction: bars start from zero, the axis has round tick values, every bar
carries its value, and stacked bars show a legend. ``BarChart`` draws vertical bars (months),
``HBarChart`` horizontal ones (categories with long names).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Colour-blind-safe (Okabe-Ito), readable on white and on dark palettes.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str = PALETTE[0]


def nice_ticks(maximum: float, count: int = 5, integer: bool = True) -> list[float]:
    """Round tick values from 0 up to at least ``maximum``; counts get whole-number steps."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer and step < 1:
        step = 1
    elif integer and step == 2.5:
        step = 2
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(int(round(top / step)) + 1)]


class _Chart(QWidget):
    def __init__(
        self, title: str, fmt: Callable[[float], str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.fmt = fmt or (lambda v: f"{v:g}")
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def set_data(
        self, categories: Sequence[str], series: Sequence[Series], empty_text: str = ""
    ) -> None:
        self.categories = list(categories)
        self.series = list(series)
        self.empty_text = empty_text
        self.setAccessibleName(self.title)
        self.setAccessibleDescription(self.describe())
        self.update()

    def totals(self) -> list[float]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    def describe(self) -> str:
        """The chart as text, for screen readers and tooltips."""
        parts = [f"{c}: {self.fmt(v)}" for c, v in zip(self.categories, self.totals(), strict=True)]
        return f"{self.title}. " + "; ".join(parts)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 220)

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def _draw_title_and_legend(self, p: QPainter) -> float:
        fm = QFontMetrics(self.font())
        bold = self.font()
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(self._text_colour())
        p.drawText(
            QRectF(8, 4, self.width() - 16, fm.height() + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title,
        )
        p.setFont(self.font())
        y = fm.height() + 10
        if len(self.series) > 1:
            x = 8.0
            for s in self.series:
                width = fm.horizontalAdvance(s.name) + 28
                if x + width > self.width() - 8:
                    x = 8.0
                    y += fm.height() + 4
                p.fillRect(QRectF(x, y + 2, 12, fm.height() - 4), QColor(s.colour))
                p.drawText(
                    QRectF(x + 16, y, width, fm.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    s.name,
                )
                x += width
            y += fm.height() + 6
        return y

    def _draw_empty(self, p: QPainter, top: float) -> bool:
        if self.categories and any(self.totals()):
            return False
        p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        p.drawText(
            QRectF(0, top, self.width(), self.height() - top),
            Qt.AlignmentFlag.AlignCenter,
            self.empty_text,
        )
        return True


class BarChart(_Chart):
    """Vertical bars, stacked when there are several series."""

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        top = self._draw_title_and_legend(p)
        if self._draw_empty(p, top):
            p.end()
            return
        totals = self.totals()
        ticks = nice_ticks(max(totals))
        axis_w = max(fm.horizontalAdvance(self.fmt(v)) for v in ticks) + 10
        left, right = 8 + axis_w, self.width() - 8
        plot_top = top + fm.height() + 4  # room for the value label of the highest bar
        bottom = self.height() - fm.height() - 10
        height = max(bottom - plot_top, 10)
        scale = height / ticks[-1]
        grid = self.palette().color(QPalette.ColorRole.Mid)
        for v in ticks:
            y = bottom - v * scale
            p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if v else Qt.PenStyle.SolidLine))
            p.drawLine(int(left), int(y), int(right), int(y))
            p.setPen(self._text_colour())
            p.drawText(
                QRectF(4, y - fm.height() / 2, axis_w - 2, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.fmt(v),
            )
        slot = (right - left) / max(len(self.categories), 1)
        bar_w = max(slot * 0.64, 2)
        value_font = self.font()
        value_font.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6))
        vfm = QFontMetrics(value_font)
        for i, category in enumerate(self.categories):
            x = left + i * slot + (slot - bar_w) / 2
            y = bottom
            for s in self.series:
                h = s.values[i] * scale
                if h > 0:
                    p.fillRect(QRectF(x, y - h, bar_w, h), QColor(s.colour))
                y -= h
            p.setPen(self._text_colour())
            if totals[i]:
                label = self.fmt(totals[i])
                p.setFont(value_font)
                if vfm.horizontalAdvance(label) <= slot + 2:
                    p.drawText(
                        QRectF(left + i * slot - 4, y - vfm.height() - 1, slot + 8, vfm.height()),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        label,
                    )
                p.setFont(self.font())
            p.drawText(
                QRectF(left + i * slot, bottom + 4, slot, fm.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                category,
            )
        p.end()


class HBarChart(_Chart):
    """Horizontal bars, one series: categories with long names (sources, request kinds)."""

    def minimumSizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        return QSize(320, max(160, len(self.categories) * (fm.height() + 8) + 60))

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        fm = QFontMetrics(self.font())
        top = self._draw_title_and_legend(p)
        if self._draw_empty(p, top):
            p.end()
            return
        totals = self.totals()
        ticks = nice_ticks(max(totals))
        label_w = min(
            max(fm.horizontalAdvance(c) for c in self.categories) + 12, self.width() * 0.45
        )
        left = 8 + label_w
        value_w = max(fm.horizontalAdvance(self.fmt(v)) for v in totals) + 8
        right = self.width() - 8 - value_w
        bottom = self.height() - fm.height() - 8
        width = max(right - left, 10)
        scale = width / ticks[-1]
        grid = self.palette().color(QPalette.ColorRole.Mid)
        for v in ticks:
            x = left + v * scale
            p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if v else Qt.PenStyle.SolidLine))
            p.drawLine(int(x), int(top), int(x), int(bottom))
            p.setPen(self._text_colour())
            p.drawText(
                QRectF(x - 40, bottom + 2, 80, fm.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self.fmt(v),
            )
        slot = (bottom - top) / max(len(self.categories), 1)
        bar_h = min(max(slot * 0.6, 2), fm.height() * 1.6)
        colour = QColor(self.series[0].colour if self.series else PALETTE[0])
        for i, category in enumerate(self.categories):
            y = top + i * slot + (slot - bar_h) / 2
            w = totals[i] * scale
            p.fillRect(QRectF(left, y, w, bar_h), colour)
            p.setPen(self._text_colour())
            text = fm.elidedText(category, Qt.TextElideMode.ElideRight, int(label_w - 8))
            p.drawText(
                QRectF(4, top + i * slot, label_w - 8, slot),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            p.drawText(
                QRectF(left + w + 4, top + i * slot, value_w, slot),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.fmt(totals[i]),
            )
        p.end()
