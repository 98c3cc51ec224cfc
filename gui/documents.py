"""The one document pipeline: produce, save, open (or print) what the app makes.

Producing runs as a ``gui.ops.DbOp`` (the build gets the session, off the GUI thread); saving
asks for the file in the Documents folder and writes it readable by the owner only
(``core.files.write_private``); opening hands the file to the system's program for it.

- ``produce_and_save``: ask for the file first, then build, write, open.
- ``produce_and_print``: build, then the print preview (``print_pdf``).
- ``save_and_open``: the save and open steps for content already made (the request screens
  produce their letters inside the action's own transaction).

Printing opens a print preview inside the app (``gui.printing``: the pages rendered with
pypdfium2 onto a QPrinter), whose Print button opens the system print dialog; label sheets
print at 100 %, never fitted to the page, and the preview keeps "Save PDF…".
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy.orm import Session

from core.files import write_private
from core.i18n import t
from gui import messages
from gui.context import AppContext
from gui.ops import DbOp
from gui.printing import PrintPreview

PDF, CSV, JSON, HTML = "pdf", "csv", "json", "html"
_FILTERS = {
    PDF: "lists.filter_pdf",
    CSV: "lists.filter_csv",
    JSON: "doc.filter_json",
    HTML: "lists.filter_html",
}
_print_dir: Path | None = None

AskPath = Callable[[str], Path | None]  # suggested file name -> the chosen path, None: cancel
ShowFile = Callable[[Path], object]


def documents_folder() -> Path:
    """The user's Documents folder (the home folder if the platform has none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def ask_save_path(
    parent: QWidget | None, suggested_name: str, kind: str | None = None
) -> Path | None:
    """A save dialog in the Documents folder; None when the user cancels. ``kind`` (default:
    the suggested name's extension) picks the file filter and the extension added if missing."""
    kind = kind or Path(suggested_name).suffix.lstrip(".").lower()
    name_filter = t(_FILTERS[kind]) if kind in _FILTERS else ""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, t("lists.save_title"), str(documents_folder() / suggested_name), name_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if kind and path.suffix.lower() != f".{kind}":
        path = path.with_name(path.name + f".{kind}")
    return path


def open_file(parent: QWidget | None, path: Path) -> bool:
    """Open ``path`` in the program the system uses for it (the PDF viewer for PDFs)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    messages.warn(parent, t("lists.open_failed_title"), t("lists.open_failed", path=str(path)))
    return False


def write_document(parent: QWidget | None, path: Path, content: bytes) -> bool:
    """Write ``content`` readable by the owner only; on failure say so and return False."""
    try:
        write_private(path, content)
    except OSError as exc:
        messages.warn(
            parent,
            t("lists.write_failed_title"),
            t("lists.write_failed", path=str(path), reason=exc.strerror or ""),
        )
        return False
    return True


def save_and_open(
    parent: QWidget | None,
    content: bytes,
    suggested_name: str,
    kind: str | None = None,
    open_after: bool = True,
    ask_path: AskPath | None = None,
    show: ShowFile | None = None,
) -> Path | None:
    """Ask where to save, write (owner-only) and open; the path, or None if cancelled or
    failed. ``ask_path`` and ``show`` replace the file dialog and the opener (tests)."""
    path = (ask_path or (lambda name: ask_save_path(parent, name, kind)))(suggested_name)
    if path is None or not write_document(parent, path, content):
        return None
    if open_after:
        (show or (lambda p: open_file(parent, p)))(path)
    return path


def print_pdf(
    parent: QWidget | None,
    pdf_bytes: bytes,
    name: str = "tulostus.pdf",
    actual_size: bool = False,
    on_saved: Callable[[Path], None] | None = None,
) -> PrintPreview:
    """The print preview of the PDF, shown modally; its Print button opens the system print
    dialog, "Save PDF…" saves a copy. ``actual_size``: label sheets, printed at 100 %."""

    def save() -> None:
        path = save_and_open(preview, pdf_bytes, name, PDF, open_after=False)
        if path is not None and on_saved is not None:
            on_saved(path)

    preview = PrintPreview(pdf_bytes, name, parent, actual_size=actual_size, save=save)
    preview.exec()
    return preview


def _private_print_dir() -> Path:
    global _print_dir
    if _print_dir is None or not _print_dir.is_dir():
        _print_dir = Path(tempfile.mkdtemp(prefix="asiakasrekisteri-print-"))  # mode 0700
        atexit.register(shutil.rmtree, _print_dir, True)
    return _print_dir


def private_copy(parent: QWidget | None, content: bytes, name: str) -> Path | None:
    """A copy to view or print in the app's own owner-only temporary folder (removed at
    exit); None when it could not be written (the user was told)."""
    folder = _private_print_dir()
    path = folder / Path(name).name
    number = 1
    while path.exists():  # a viewer may still hold the previous copy open (Windows locks it)
        number += 1
        path = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return path if write_document(parent, path, content) else None


Build = Callable[[Session, str], bytes]  # (session, file name) -> the document's bytes


def _produce(
    ctx: AppContext,
    parent: QWidget | None,
    build: Build,
    filename: str,
    deliver: Callable[[bytes], object],
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
        messages.show_error(parent, exc, t("lists.error_title"))

    DbOp(ctx, parent, lambda s: build(s, filename)).success(done).failure(failed).run()


def produce_and_save(
    ctx: AppContext,
    parent: QWidget | None,
    build: Build,
    suggested_name: str,
    kind: str = PDF,
    open_after: bool = True,
    on_saved: Callable[[Path], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> bool:
    """Ask for the file, then run ``build(session, filename)`` off the GUI thread, write the
    result and open it. False if the user cancelled."""
    path = ask_save_path(parent, suggested_name, kind)
    if path is None:
        return False

    def deliver(content: bytes) -> None:
        if write_document(parent, path, content):
            if on_saved is not None:
                on_saved(path)
            if open_after:
                open_file(parent, path)

    _produce(ctx, parent, build, path.name, deliver, on_finished)
    return True


def produce_and_print(
    ctx: AppContext,
    parent: QWidget | None,
    build: Build,
    name: str,
    on_finished: Callable[[], None] | None = None,
    actual_size: bool = False,
    on_saved: Callable[[Path], None] | None = None,
) -> None:
    """Run ``build(session, name)`` off the GUI thread, then show its print preview
    (``print_pdf``; ``actual_size`` for label sheets)."""
    _produce(
        ctx,
        parent,
        build,
        name,
        lambda pdf: print_pdf(parent, pdf, name, actual_size, on_saved),
        on_finished,
    )
