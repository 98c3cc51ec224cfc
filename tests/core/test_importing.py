"""CSV import: messy real-world files and arbitrary rows (property test)."""

from __future__ import annotations

import csv
import gc
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stdnum.fi import hetu as stdnum_hetu

from core.models import Customer
from core.transfer.importing import import_customers


def test_messy_file_windows_1252_commas_english_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_bytes(
        "First Name,LAST NAME,Company,E-mail,Street,Postal Code,City,Phone,Personal identity code\r\n"
        "Äijö,Öhman,Oy Ab,aijo@example.fi,Kauppakatu 3,00100,Helsinki,+358401112223,\r\n"
        ",,,,,,,,\r\n"
        "Liisa,Virtanen,,liisa@example,,,,,\r\n"
        "Pekka,Puu,,,,,,,131052-308T\r\n".encode("cp1252")
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (2, 1, 0)
    assert (
        "column 'E-mail'" in report.rejected_rows[0].reason
        or "sarake 'E-mail'" in report.rejected_rows[0].reason
    )
    with db.begin() as s:
        names = set(s.execute(select(Customer.last_name)).scalars())
    assert names == {"Öhman", "Puu"}


def test_utf8_bom_semicolons_finnish_headers(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffetunimi;sukunimi;postitoimipaikka;puhelinnumero\n"
        "Väinö;Mäkelä;Jyväskylä;040 111 2222\n".encode()
    )
    report = import_customers(db, manager, path)
    assert report.imported == 1 and report.rejected == 0
    with db.begin() as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.first_name, c.city, c.phone) == ("Väinö", "Jyväskylä", "+358401112222")


def test_duplicate_rules_same_hetu_else_email_else_name_and_postcode(
    db, manager, tmp_path: Path
) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "etunimi;sukunimi;sähköposti;postinumero;hetu\n"
        "Anna;A;anna@example.fi;00100;131052-308T\n"
        "Toinen;Nimi;;;131052-308T\n"  # same hetu
        "Anna;Aa;ANNA@example.fi;33100;\n"  # same email
        "Anna;A;;00100;\n",  # same name + postal code
        encoding="utf-8",
    )
    report = import_customers(db, manager, path)
    assert (report.imported, report.unchanged) == (1, 3)


def test_rejected_rows_written_beside_the_file(db, manager, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("etunimi;sukunimi;hetu\nMatti;M;131052-308X\n", encoding="utf-8")
    report = import_customers(db, manager, path)
    assert report.rejected_path == tmp_path / "bad.rejected.csv"
    text = report.rejected_path.read_text(encoding="utf-8-sig")
    assert "rivi 2" in text and "'hetu'" in text and "tarkistusmerkki" in text


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
HEADER = ["etunimi", "sukunimi", "sähköposti", "puhelin", "postinumero", "hetu", "yritys"]
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _holds_hetu(value: str) -> bool:
    """Any 11 characters of the value that make a valid hetu (checked apart from the app's
    own scan)."""
    return any(
        stdnum_hetu.is_valid(value[i : i + 11].upper(), allow_temporary=True)
        for i in range(max(0, len(value) - 10))
    )


def _import_and_account(db, manager, path: Path, text: str):  # type: ignore[no-untyped-def]
    """Import the file and check that every one of its lines is accounted for and that no text
    field took a hetu."""
    with db.begin() as s:
        before = s.execute(select(func.count(Customer.id))).scalar_one()
    report = import_customers(db, manager, path)
    physical = LINE_BREAK.split(text)
    if physical and physical[-1] == "":
        physical.pop()
    # The file's own count: every line after the header is a row, goes on a row, or is blank.
    assert report.lines == len(physical) - 1
    assert report.rows + report.continued + report.blank_lines == report.lines
    outcomes = report.imported + report.rejected + report.unchanged + report.updated
    assert outcomes == report.rows
    assert all(r.reason for r in report.rejected_rows)
    assert len({r.line for r in report.rejected_rows}) == report.rejected
    with db.begin() as s:
        after = s.execute(select(func.count(Customer.id))).scalar_one()
        stored = s.execute(
            select(
                Customer.first_name,
                Customer.last_name,
                Customer.organisation,
                Customer.email,
                Customer.street,
                Customer.city,
            )
        ).all()
    assert after - before == report.imported
    assert not any(_holds_hetu(v) for row in stored for v in row)
    return report


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=7), min_size=1, max_size=8))
def test_arbitrary_rows_import_or_are_rejected_never_raise(
    db, manager, tmp_path_factory, rows
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("prop") / "rows.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = _import_and_account(db, manager, path, buffer.getvalue())
    if not any("\n" in c or "\r" in c for r in rows for c in r):
        assert report.rows == len([r for r in rows if any(c.strip() for c in r)])


# Raw cells: quotes, separators and line breaks as they come, hetus glued to text or not.
RAW_HETU = "131052-308T"
raw_cell = st.one_of(
    st.text(alphabet="ab Ä1-\"';,\t\r\n", max_size=10),
    st.sampled_from(
        [RAW_HETU, f'"{RAW_HETU}', f"Katu {RAW_HETU.lower()}", f"x{RAW_HETU}", "a@example.fi"]
    ),
    st.sampled_from(["Anna", "Virtanen", "00100", "", '"', '""', "0401234567"]),
)


TEMPLATE = ["Anna", "Virtanen", "", "", "00100", "", ""]


def _mutated(changes: list[tuple[int, str]]) -> list[str]:
    """A valid row with a few cells replaced (or added past the header's): most such rows
    would import, so that what a stray cell does to them shows."""
    row = list(TEMPLATE)
    for index, value in changes:
        if index < len(row):
            row[index] = value
        else:
            row.append(value)
    return row


raw_row = st.one_of(
    st.lists(st.tuples(st.integers(0, 8), raw_cell), max_size=3).map(_mutated),
    st.lists(raw_cell, min_size=0, max_size=9),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(raw_row, min_size=1, max_size=8),
    separator=st.sampled_from([";", ",", "\t"]),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=9, max_size=9),
)
def test_raw_bytes_with_stray_quotes_lose_no_row_and_leak_no_hetu(
    db, manager, tmp_path_factory, rows, separator, ends
) -> None:
    """Cells written as they are, without any quoting: whatever the quotes, separators and
    line breaks do, every line of the file is a row that is imported, unchanged, updated or
    rejected with a reason (or goes on such a row, or is blank), and no text field stores a
    hetu."""
    lines = [separator.join(HEADER)] + [separator.join(r) for r in rows]
    text = "".join(line + ends[n % len(ends)] for n, line in enumerate(lines))
    path = tmp_path_factory.mktemp("raw") / "raw.csv"
    path.write_bytes(text.encode("utf-8"))
    report = _import_and_account(db, manager, path, text)
    if not any(c in cell for r in rows for cell in r for c in '"\r\n'):
        # Nothing to join lines: each written line is one row of the file, or blank.
        written = [separator.join(r).split(separator) for r in rows]
        assert report.rows == len([r for r in written if any(c.strip() for c in r)])


def test_demo_data_passes_every_validation_rule() -> None:
    import random

    from core.customers.service import clean_customer
    from core.demo import make_customer

    rng, used = random.Random(5), set()
    for n in range(500):
        data = make_customer(rng, n, used)
        assert clean_customer(data)["hetu"] == data.get("hetu", "")


def _mixed_file(tmp_path: Path, name: str) -> Path:
    lines = ["etunimi;sukunimi;sähköposti;postinumero;hetu"]
    for i in range(23):
        lines.append(f"Henkilö{i};Suku{i % 7};h{i}@example.fi;{i % 90:02d}100;")
    lines[5] = "Huono;Rivi;ei-osoite;00100;"  # bad email
    lines[12] = "Toinen;Huono;;1234;"  # bad postal code
    lines[17] = "Henkilö3;Suku3;H3@example.fi;03100;"  # the same email as row 4
    lines.append("Pekka;Puu;;;131052-308T")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _people(db) -> list[tuple[str, str, str]]:
    with db.begin() as s:
        return sorted(
            (r[0], r[1], r[2])
            for r in s.execute(select(Customer.first_name, Customer.last_name, Customer.email))
        )


def test_a_big_import_validated_in_a_helper_process_gives_the_same_result(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    """Big files are validated in a second process, a few rows at a time, while batches are
    written on a thread; the outcome is the same as validating everything here."""
    from core.transfer import importing

    path = _mixed_file(tmp_path, "big.csv")
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)
    monkeypatch.setattr(importing, "CHUNK", 3)
    monkeypatch.setattr(importing, "BATCH", 4)
    report = import_customers(db, manager, path)
    assert (report.imported, report.rejected, report.unchanged) == (21, 2, 1)
    assert [r.line for r in report.rejected_rows] == [6, 13]
    assert "'sähköposti'" in report.rejected_rows[0].reason
    assert "'postinumero'" in report.rejected_rows[1].reason
    parallel = _people(db)
    with db.begin() as s:
        hetu_index = s.execute(
            select(Customer.hetu_index).where(Customer.last_name == "Puu")
        ).scalar_one()
    assert hetu_index
    assert len(parallel) == 21 and ("Henkilö3", "Suku3", "h3@example.fi") in parallel
    # The same file again adds nobody: every row is a known person now (or still bad).
    again = import_customers(db, manager, path)
    assert (again.imported, again.rejected, again.unchanged) == (0, 2, 22)


def test_a_failing_batch_stops_the_import_with_its_error(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    from core.transfer import importing

    path = _mixed_file(tmp_path, "fails.csv")
    monkeypatch.setattr(importing, "BATCH", 4)
    calls = []

    def broken(session, actor, batch, label):
        calls.append(len(batch.rows))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(session, actor, batch, label)

    real = importing.insert_prepared
    monkeypatch.setattr(importing, "insert_prepared", broken)
    try:
        import_customers(db, manager, path)
    except OSError as exc:
        assert "disk full" in str(exc)
    else:
        raise AssertionError("the writer's error was not raised")
    assert len(_people(db)) == 4  # the first batch is committed whole, the second not at all
    assert gc.isenabled()  # paused during the import only, also when it fails


def test_an_aborted_import_keeps_the_committed_batches_only(
    db, manager, tmp_path: Path, monkeypatch
) -> None:
    from core.transfer import importing

    path = _mixed_file(tmp_path, "abort.csv")
    monkeypatch.setattr(importing, "BATCH", 4)
    rows_seen = []
    report = import_customers(
        db, manager, path, should_abort=lambda: rows_seen.append(1) or len(rows_seen) > 12
    )
    assert report.aborted
    assert report.imported % 4 == 0 and report.imported == len(_people(db))
    assert gc.isenabled()


def test_hetus_encrypted_for_other_ids_are_encrypted_again(db, manager) -> None:
    """An import encrypts each batch's hetus under the ids it expects the rows to get; if a
    desk added someone meanwhile, the rows get other ids and their hetus must still open."""
    from core.customers import service as customers
    from core.settings import data_key
    from core.transfer import importing
    from tests.conftest import valid_hetu

    hetu = valid_hetu(individual=321)
    with db.begin() as s:
        batch = importing.prepare_customers(
            manager, [({"first_name": "Outi", "last_name": "Oksanen"}, hetu)]
        )
        batch.seal(data_key(s), 500)  # the ids the import expected
        [cid] = importing.insert_prepared(s, manager, batch, "test")
    assert cid != 500
    with db.begin() as s:
        assert customers.reveal_hetu(s, manager, cid) == hetu


def test_on_a_server_the_import_commits_in_small_batches(db, manager, tmp_path: Path) -> None:
    """Every batch holds the audit chain's head from its duplicate check to its commit, and
    every other desk's save waits for it: on PostgreSQL 5,000-row batches held the other
    desks' saves for over a second (bench/desks.py). Each committed batch is one audit entry."""
    from core.models import AuditEntry
    from core.transfer.importing import BATCH, SERVER_BATCH

    rows = SERVER_BATCH * 2 + 1
    path = tmp_path / "monta.csv"
    path.write_text(
        "etunimi;sukunimi\n" + "".join(f"Etu{n};Suku{n}\n" for n in range(rows)), "utf-8"
    )
    report = import_customers(db, manager, path)
    assert report.imported == rows
    with db.begin() as s:
        batches = s.execute(
            select(func.count()).where(AuditEntry.action == "customer.import")
        ).scalar_one()
    assert batches == (-(-rows // BATCH) if db.is_sqlite else 3)


def test_the_check_for_rows_stored_meanwhile_reads_only_what_other_desks_changed(
    db, manager, monkeypatch
) -> None:
    """While an import runs, another desk adds people the file also has: the import leaves
    them unchanged instead of storing them twice. After its first look at the whole register
    the import reads only the customers the other desks' audit entries name; an entry that
    may touch customers it does not name (another import) makes it read them all again."""
    from core.customers import service as customers
    from core.security import audit
    from core.transfer import importing

    reads = []
    whole = importing._ExistingKeys.__init__

    def counted(self, s):  # type: ignore[no-untyped-def]
        reads.append(1)
        whole(self, s)

    monkeypatch.setattr(importing._ExistingKeys, "__init__", counted)

    def person(first: str, email: str) -> dict:
        return {"first_name": first, "last_name": "Rinne", "email": email, "postal_code": ""}

    def batch(*rows: dict):  # type: ignore[no-untyped-def]
        return importing.prepare_customers(manager, [(r, "") for r in rows], [None] * len(rows))

    def add(first: str, email: str) -> None:
        with db.begin() as s:
            customers.create_customer(s, manager, person(first, email))

    with db.begin() as s:
        check = importing._StoredCheck(audit.last_id(s))
    add("Aino", "aino@rinne.fi")
    with db.begin() as s:
        first = batch(person("Aino", "aino@rinne.fi"), person("Eero", "eero@rinne.fi"))
        assert check.drop_stored(s, first) == 1
        assert [r["first_name"] for r in first.rows] == ["Eero"]
    assert len(reads) == 1
    add("Ilona", "ilona@rinne.fi")
    with db.begin() as s:
        second = batch(person("Ilona", "ilona@rinne.fi"), person("Olli", "olli@rinne.fi"))
        assert check.drop_stored(s, second) == 1
        assert [r["first_name"] for r in second.rows] == ["Olli"]
    assert len(reads) == 1  # only Ilona was read
    with db.begin() as s:
        audit.record(s, manager, "customer.import", "import", "toinen.csv", ["first_name"])
    with db.begin() as s:
        third = batch(person("Unto", "unto@rinne.fi"))
        assert check.drop_stored(s, third) == 0
    assert len(reads) == 2  # another import: everyone again
