"""Saving, opening and printing the documents the app produces (shared by every screen).

PySide6-Essentials has no QtPdf, so the app cannot rasterise a PDF for a QPrintDialog itself:
printing opens the PDF in the system's PDF viewer, and the user prints from there (the "system
PDF viewer" route of the design). Files holding personal data are written readable by the
owner only; the print copies go to a private temporary folder removed when the app exits.

Big documents are built off the GUI thread: ``produce_and_save`` / ``produce_and_print`` ask
for the file first (on the GUI thread), then run the build on ``ctx.tasks`` and write and open
the result when it arrives.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.errors import AppError
from core.files import write_private
from core.i18n import t

PDF, CSV = "pdf", "csv"
_print_dir: Path | None = None


def documents_folder() -> Path:
    """The user's Documents folder (the home folder if the platform has none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def ask_save_path(parent: QWidget | None, suggested_name: str, kind: str = PDF) -> Path | None:
    """A save dialog in the Documents folder; None when the user cancels."""
    name_filter = t("listsdoc.filter_csv") if kind == CSV else t("listsdoc.filter_pdf")
    chosen, _ = QFileDialog.getSaveFileName(
        parent, t("listsdoc.save_title"), str(documents_folder() / suggested_name), name_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(path.name + f".{kind}")
    return path


def open_file(parent: QWidget | None, path: Path) -> bool:
    """Open ``path`` in the program the system uses for it (the PDF viewer for PDFs)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.warning(
        parent, t("listsdoc.open_failed_title"), t("listsdoc.open_failed", path=str(path))
    )
    return False


def _write_or_warn(parent: QWidget | None, path: Path, content: bytes) -> bool:
    try:
        write_private(path, content)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            t("listsdoc.write_failed_title"),
            t("listsdoc.write_failed", path=str(path), reason=exc.strerror or ""),
        )
        return False
    return True


def save_and_open_pdf(parent: QWidget | None, pdf_bytes: bytes, suggested_name: str) -> Path | None:
    """Ask where to save, write the PDF (owner-only) and open it; the path, or None."""
    path = ask_save_path(parent, suggested_name, PDF)
    if path is None or not _write_or_warn(parent, path, pdf_bytes):
        return None
    open_file(parent, path)
    return path


def _private_print_dir() -> Path:
    global _print_dir
    if _print_dir is None or not _print_dir.is_dir():
        _print_dir = Path(tempfile.mkdtemp(prefix="asiakasrekisteri-print-"))  # mode 0700
        atexit.register(shutil.rmtree, _print_dir, True)
    return _print_dir


def print_pdf(parent: QWidget | None, pdf_bytes: bytes, name: str = "tulostus.pdf") -> Path | None:
    """Open the PDF in the system viewer to print it (no QtPdf in PySide6-Essentials)."""
    folder = _private_print_dir()
    path = folder / name
    number = 1
    while path.exists():  # a viewer may still hold the previous copy open (Windows locks it)
        number += 1
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    if not _write_or_warn(parent, path, pdf_bytes):
        return None
    return path if open_file(parent, path) else None


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A failed build: the catalogue message for the app's own errors, a generic one else."""
    text = exc.message() if isinstance(exc, AppError) else t("listsdoc.build_failed")
    QMessageBox.warning(parent, t("listsdoc.error_title"), text)


def _run(
    ctx: Any,
    parent: QWidget | None,
    build: Callable[[], bytes],
    deliver: Callable[[bytes], Any],
    on_finished: Callable[[], None] | None,
) -> None:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def finish() -> None:
        QGuiApplication.restoreOverrideCursor()
        if on_finished is not None:
            on_finished()

    def done(content: bytes) -> None:
        finish()
        deliver(content)

    def failed(exc: BaseException) -> None:
        finish()
        show_error(parent, exc)

    ctx.tasks.run(build, done, failed)


def produce_and_save(
    ctx: Any,
    parent: QWidget | None,
    build: Callable[[str], bytes],
    suggested_name: str,
    kind: str = PDF,
    open_after: bool = True,
    on_saved: Callable[[Path], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> bool:
    """Ask for the file, then run ``build(filename)`` off the GUI thread (it opens its own
    transaction and returns the bytes), write the result and open it. False if cancelled."""
    path = ask_save_path(parent, suggested_name, kind)
    if path is None:
        return False

    def deliver(content: bytes) -> None:
        if _write_or_warn(parent, path, content):
            if on_saved is not None:
                on_saved(path)
            if open_after:
                open_file(parent, path)

    _run(ctx, parent, lambda: build(path.name), deliver, on_finished)
    return True


def produce_and_print(
    ctx: Any,
    parent: QWidget | None,
    build: Callable[[str], bytes],
    name: str,
    on_finished: Callable[[], None] | None = None,
) -> None:
    """Run ``build(name)`` off the GUI thread and open the PDF in the system viewer to print."""
    _run(ctx, parent, lambda: build(name), lambda pdf: print_pdf(parent, pdf, name), on_finished)
