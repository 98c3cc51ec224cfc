"""The message catalogue: every key the code asks for exists, one name per domain term, plurals."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import i18n
from core.i18n import load_catalogue, t

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "resources" / "i18n"
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
NOT_KEY = re.compile(r"\.(id|svg|png|ico|json|csv|pdf|py)$")  # "customers.id" (a column), files


def texts_of(entry: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(language, text) of an entry, each plural form on its own."""
    for lang in i18n.LANGUAGES:
        value = entry.get(lang)
        if isinstance(value, dict):
            for form in i18n.PLURAL_FORMS:
                yield lang, str(value.get(form, ""))
        else:
            yield lang, str(value or "")


def source_files() -> Iterator[Path]:
    for folder in ("core", "gui"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def t_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls of ``t(...)`` and ``i18n.t(...)`` (also ``core.i18n.t``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "t") or (
                isinstance(func, ast.Attribute)
                and func.attr == "t"
                and isinstance(func.value, ast.Name | ast.Attribute)
            ):
                yield node


def test_every_message_exists_in_finnish_and_english() -> None:
    missing = []
    seen: dict[str, str] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            assert key not in seen, f"{key} in both {seen[key]} and {path.name}"
            seen[key] = path.name
            for lang, text in texts_of(entry):
                if not text.strip():
                    missing.append(f"{path.name}: {key} [{lang}]")
    assert missing == []


def test_catalogue_files_are_named_by_area_and_keys_have_no_layer_prefix() -> None:
    names = {p.stem for p in CATALOGUE_DIR.glob("*.json")}
    assert names >= {"customers", "orders", "requests", "documents", "backup", "common"}
    layer = re.compile(r"(^|_)(gui|docs?|core|data)($|_)")
    assert [n for n in names if layer.search(n) and n != "documents"] == []
    prefixes = {key.split(".")[0] for key in load_catalogue()}
    assert prefixes.isdisjoint({"gui", "bgui", "listsdoc", "data"})


def test_every_literal_message_key_in_code_exists_in_both_languages() -> None:
    """``t("key")`` with a literal key: the key is in the catalogue, in Finnish and English."""
    catalogue = load_catalogue()
    problems = []
    calls = 0
    for path in source_files():
        for call in t_calls(ast.parse(path.read_text(encoding="utf-8"))):
            arg = call.args[0]
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                calls += 1
                entry = catalogue.get(arg.value)
                if entry is None:
                    problems.append(f"{where}: {arg.value} missing")
                elif any(not text for _lang, text in texts_of(entry)):
                    problems.append(f"{where}: {arg.value} lacks a language")
    assert calls > 500  # the walk finds the calls at all
    assert problems == []


def test_every_key_built_at_run_time_starts_like_a_catalogue_key() -> None:
    """``t(f"req.hold.{kind}")``: some key starts with the literal part ``req.hold.``."""
    keys = list(load_catalogue())
    problems = []
    for path in source_files():
        for call in t_calls(ast.parse(path.read_text(encoding="utf-8"))):
            arg = call.args[0]
            if isinstance(arg, ast.JoinedStr) and arg.values:
                head = arg.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    if not any(k.startswith(head.value) for k in keys):
                        problems.append(f"{path.relative_to(ROOT)}:{call.lineno}: {head.value}")
    assert problems == []


def test_every_key_like_string_in_code_names_a_catalogue_key() -> None:
    """Keys handed around before ``t()`` sees them (error codes, column and page titles)."""
    catalogue = load_catalogue()
    areas = {key.split(".")[0] for key in catalogue}
    unknown = set()
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if id(node) in parts:
                continue
            if isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    text = head.value
                    if (
                        text.split(".")[0] in areas
                        and KEY.fullmatch(text.rstrip("._"))
                        and not any(k.startswith(text) for k in catalogue)
                    ):
                        unknown.add(f"{path.relative_to(ROOT)}: {text}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if (
                    text.split(".")[0] not in areas
                    or not KEY.fullmatch(text.rstrip("._"))
                    or NOT_KEY.search(text)
                ):
                    continue
                if text.endswith((".", "_")):
                    known = any(k.startswith(text) for k in catalogue)
                else:
                    known = text in catalogue or any(k.startswith(text + ".") for k in catalogue)
                known = known or f"audit.action.{text}" in catalogue  # an audit action code
                if not known and text not in STORED_KEYS:
                    unknown.add(f"{path.relative_to(ROOT)}: {text}")
    assert "\n".join(sorted(unknown)) == ""


# Catalogue keys written into databases before a rename; core.customers maps them.
STORED_KEYS = {"data.merge.history_source"}


def test_every_parametrised_key_exists() -> None:
    """Keys built at run time (f-strings) for each value they can take."""
    from core.customers.wipe import MODE_FOR_ACTION
    from core.documents.label_sheets import SHEETS
    from core.documents.registry import KINDS
    from core.models import ObjectionKind, RequestKind, RequestState

    catalogue = load_catalogue()
    keys = [f"customers.objection.{k.value}" for k in ObjectionKind]
    keys += [f"doc.objection.{k.value}" for k in ObjectionKind]
    # Retention proposes only deletion or anonymisation (restriction comes from erasure).
    keys += [f"retention.action_{a}" for a in set(MODE_FOR_ACTION.values()) if a != "restrict"]
    keys += [f"duplicates.reason_{r}" for r in ("same_hetu", "same_email", "same_name_postal")]
    keys += [f"statistics.month_short.{m}" for m in range(1, 13)]
    for kind in RequestKind:
        keys += [f"req.kind.{kind.value}", f"term.request.{kind.value}"]
    keys += [f"req.state.{s.value}" for s in RequestState]
    keys += [f"doc.labels.sheet.{sheet.id}" for sheet in SHEETS]
    keys += [f"doc.kind.{kind}" for kind in KINDS]  # the documents' names on the screens
    for value, name in (("history.source.demo", "demo"), ("duplicates.history_source", "merge")):
        assert value in catalogue, name
    assert [k for k in keys if k not in catalogue] == []


# One Finnish name per domain term (STYLE.md, "Names"); these words name the same things.
TERMS = {
    "term.customer": "asiakas",
    "term.order": "tilaus",
    "term.request": "pyyntö",
    "term.request.access": "tarkastuspyyntö",
    "term.request.rectification": "oikaisupyyntö",
    "term.request.objection": "kielto",
    "term.request.erasure": "poistopyyntö",
    "term.request.anonymisation": "anonymisointipyyntö",
    "term.objection": "kielto",
    "term.disclosure": "luovutus",
    "term.recipient": "vastaanottaja",
    "term.legal_hold": "este",
    "term.suppression_record": "poistokirjaus",
    "term.audit_entry": "lokimerkintä",
    "term.user": "käyttäjä",
    "term.role": "rooli",
    "term.document": "asiakirja",
}
# Word stems that say one of those terms another way, with the word to use instead.
FORBIDDEN_SYNONYMS = {
    "korjauspyyn": "oikaisupyyntö",  # korjauspyyntö, korjauspyynnön, korjauspyynto (file name)
    "korjauspyynto": "oikaisupyynto",
    "tarkistuspyyn": "tarkastuspyyntö",
    "poistamispyyn": "poistopyyntö",
    "anonymisoimispyyn": "anonymisointipyyntö",
    "kieltopyyn": "kielto",
    "vastustamispyyn": "kielto",
    "luovutuksensaaja": "vastaanottaja",
    "lokitapahtum": "lokimerkintä",
    "dokument": "asiakirja",
    "käyttäjärooli": "rooli",
    "säilytysvelvoiteeste": "este",
    "kieltorekisterimerkin": "poistokirjaus",
}


def test_each_domain_term_has_one_finnish_name() -> None:
    catalogue = load_catalogue()
    assert {key: catalogue[key]["fi"] for key in TERMS if key in catalogue} == TERMS
    for kind in ("access", "rectification", "objection", "erasure", "anonymisation"):
        assert str(catalogue[f"req.kind.{kind}"]["fi"]).lower() == TERMS[f"term.request.{kind}"]


def test_no_catalogue_text_uses_a_forbidden_synonym() -> None:
    found = []
    for key, entry in load_catalogue().items():
        for lang, text in texts_of(entry):
            if lang != "fi":
                continue
            for stem, instead in FORBIDDEN_SYNONYMS.items():
                if stem in text.lower():
                    found.append(f"{key}: '{stem}…' (say '{instead}')")
    assert found == []


def test_plural_entries_have_one_and_other_in_both_languages() -> None:
    problems = []
    for key, entry in load_catalogue().items():
        values = [entry[lang] for lang in i18n.LANGUAGES]
        if any(isinstance(v, dict) for v in values):
            for v in values:
                if not isinstance(v, dict) or set(v) != set(i18n.PLURAL_FORMS):
                    problems.append(key)
    assert problems == []


@pytest.mark.parametrize(
    ("count", "fi", "en"),
    [
        (0, "0 asiakasta", "0 customers"),
        (1, "1 asiakas", "1 customer"),
        (2, "2 asiakasta", "2 customers"),
        (12345, "12\u00a0345 asiakasta", "12,345 customers"),
    ],
)
def test_count_chooses_the_plural_form_and_fills_the_number(count: int, fi: str, en: str) -> None:
    assert t("customers.count", "fi", count=count) == fi
    assert t("customers.count", "en", count=count) == en


def test_a_fractional_count_reads_as_plural() -> None:
    assert t("statistics.days", "fi", count=2.5) == "2,5 päivää"
    assert t("statistics.days", "en", count=1.0) == "1 day"


def test_strict_mode_raises_on_a_missing_key_or_a_wrong_placeholder() -> None:
    with pytest.raises(i18n.MessageError):
        t("no.such.key")
    with pytest.raises(i18n.MessageError):
        t("error.customer_not_found", wrong=12)
    with pytest.raises(i18n.MessageError):
        t("error.customer_not_found")
    with pytest.raises(i18n.MessageError):
        t("customers.count")  # plural forms need count=
    assert t("no.such.key", default="shop") == "shop"


def test_the_app_is_forgiving_outside_strict_mode() -> None:
    i18n.set_strict(False)
    try:
        assert t("no.such.key") == "no.such.key"
        assert t("error.customer_not_found", wrong=12) == t("error.customer_not_found", id="{id}")
        assert t("customers.count", "fi") == "{count} asiakasta"
    finally:
        i18n.set_strict(True)


def test_gui_tests_compare_with_the_text_the_user_sees() -> None:
    """An assert in a GUI test names the expected text ("Tallenna"), never ``t(key)``."""
    offenders = []
    for path in sorted((ROOT / "tests" / "gui").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert):
                offenders += [f"{path.name}:{call.lineno}" for call in t_calls(node)]
    assert offenders == []
