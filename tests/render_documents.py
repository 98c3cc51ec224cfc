"""Write every document in Finnish and English to a folder, for looking at (not a test).

    python tests/render_documents.py [OUT_DIR] [--png]

With --png every page is also rendered with ``pdftoppm -png -r 80`` (poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.documents import samples as s  # noqa: E402
from core.documents.access_report import build_access_json, build_access_report  # noqa: E402
from core.documents.correction_notice import build_correction_notice  # noqa: E402
from core.documents.erasure_decision import build_erasure_decision  # noqa: E402
from core.documents.erasure_notice import build_erasure_notice  # noqa: E402
from core.documents.extension_notice import build_extension_notice  # noqa: E402
from core.documents.forms import build_form  # noqa: E402
from core.documents.label_sheets import SHEETS, LabelSheet  # noqa: E402
from core.documents.labels import build_label_run, build_mailing_csv, build_test_page  # noqa: E402
from core.documents.objection_confirmation import build_objection_confirmation  # noqa: E402
from core.documents.recovery_sheet import build_recovery_sheet  # noqa: E402
from core.documents.refusal_certificate import build_refusal_certificate  # noqa: E402
from core.documents.refusal_decision import build_refusal_decision  # noqa: E402
from core.documents.statement import build_statement  # noqa: E402

Builder = Callable[[str], bytes]


def _form(kind: str, prefilled: bool, lang: str) -> bytes:
    return build_form(s.form(kind, prefilled), s.letterhead(), lang)


def _erasure(outcome: str, lang: str) -> bytes:
    return build_erasure_decision(s.erasure(outcome, lang), s.letterhead(), lang)


def _erasure_notice(outcome: str, lang: str) -> bytes:
    return build_erasure_notice(s.erasure_notice(lang, outcome), s.letterhead(), lang)


def builders() -> dict[str, Builder]:
    lh = s.letterhead()
    found: dict[str, Builder] = {}
    for kind in ("access", "rectification", "objection", "erasure"):
        found[f"form_{kind}"] = partial(_form, kind, False)
        found[f"form_{kind}_prefilled"] = partial(_form, kind, True)
    found["access_report"] = lambda lang: build_access_report(s.access_report(lang=lang), lh, lang)
    found["access_json"] = lambda lang: build_access_json(s.access_report(lang=lang), lang)
    found["refusal_certificate"] = lambda lang: build_refusal_certificate(
        s.refusal(lang=lang), lh, lang
    )
    found["correction_notice"] = lambda lang: build_correction_notice(
        s.correction_notice(lang=lang), lh, lang
    )
    found["objection_confirmation"] = lambda lang: build_objection_confirmation(
        s.objection(lang=lang), lh, lang
    )
    for outcome in ("erased", "partly", "refused"):
        found[f"erasure_decision_{outcome}"] = partial(_erasure, outcome)
    for outcome in ("erased", "partly"):
        found[f"erasure_notice_{outcome}"] = partial(_erasure_notice, outcome)
    found["refusal_decision"] = lambda lang: build_refusal_decision(
        s.refusal_decision(lang), lh, lang
    )
    found["refusal_decision_unidentified"] = lambda lang: build_refusal_decision(
        s.refusal_decision(lang, unidentified=True), lh, lang
    )
    found["extension_notice"] = lambda lang: build_extension_notice(
        s.extension(lang=lang), lh, lang
    )
    found["labels"] = lambda lang: build_label_run(s.labels(25), lh, lang, skip=2).pdf
    for sheet in SHEETS[1:]:
        found[f"labels_{sheet.id}"] = partial(_labels_on, sheet)
    for sheet in SHEETS:
        found[f"label_test_page_{sheet.id}"] = partial(_label_test_page, sheet)
    found["mailing_csv"] = lambda lang: build_mailing_csv(s.labels(25), lang)
    found["privacy_statement"] = lambda lang: build_statement(s.statement(), lh, lang)
    found["recovery_sheet"] = lambda lang: build_recovery_sheet(s.recovery(), lh, lang)
    return found


def _labels_on(sheet: LabelSheet, lang: str) -> bytes:
    return build_label_run(s.labels(25), s.letterhead(), lang, sheet=sheet).pdf


def _label_test_page(sheet: LabelSheet, lang: str) -> bytes:
    return build_test_page(sheet, 1.5, -0.5, lang, s.letterhead())


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0] if args else "out/documents")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    for name, build in builders().items():
        for lang in ("fi", "en"):
            started = time.perf_counter()
            content = build(lang)
            elapsed = time.perf_counter() - started
            suffix = {"mailing_csv": ".csv", "access_json": ".json"}.get(name, ".pdf")
            path = out / f"{name}_{lang}{suffix}"
            path.write_bytes(content)
            print(f"{path}  {len(content):>8} bytes  {elapsed:.2f} s")
            if "--png" in argv and suffix == ".pdf":
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "80", str(path), str(path.with_suffix(""))],
                    check=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
