"""Every ``data.*`` message the data screens and services use exists in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from core.i18n import load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_key_used_in_code_exists() -> None:
    catalogue = load_catalogue()
    pattern = re.compile(r'["\'](data\.[a-z0-9_.]+)["\']')
    unknown = set()
    for folder in ("core", "gui"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                is_prefix = any(k.startswith(key + ".") for k in catalogue)
                if key not in catalogue and not is_prefix and not key.endswith((".", "_")):
                    unknown.add(f"{path.name}: {key}")
    assert sorted(unknown) == []


def test_every_parametrised_data_key_exists() -> None:
    """Keys built at run time (f-strings) for each value they can take."""
    from core.customers.wipe import MODE_FOR_ACTION
    from core.models import ObjectionKind

    catalogue = load_catalogue()
    keys = [f"data.objection.{k.value}" for k in ObjectionKind]
    # Retention proposes only deletion or anonymisation (restriction comes from erasure).
    keys += [
        f"data.gui.retention.action_{a}" for a in set(MODE_FOR_ACTION.values()) if a != "restrict"
    ]
    keys += [
        f"data.gui.duplicates.reason_{r}" for r in ("same_hetu", "same_email", "same_name_postal")
    ]
    keys += [f"data.month_short.{m}" for m in range(1, 13)]
    assert [k for k in keys if k not in catalogue] == []
