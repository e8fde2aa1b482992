"""The report catalogs: same keys and fields in Chinese and English, every key used, none missing."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report.i18n import LANGS, MissingMessageError, catalog, translator

REPORT = Path(str(resources.files("clusterbrain.report")))
# A key is the quoted first argument of a call of ``_`` (``_("report.x")`` or ``translator(lang)("chart.y")``).
KEY = re.compile(r"""(?:\b_|\))\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def used_keys() -> set[str]:
    sources = [*REPORT.rglob("*.py"), *(REPORT / "templates").glob("*")]
    return {key for path in sources for key in KEY.findall(path.read_text(encoding="utf-8"))}


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(catalog("zh")) == set(catalog("en"))


def test_every_key_used_is_in_the_catalogs_and_every_catalog_key_is_used() -> None:
    used, known = used_keys(), set(catalog("en"))
    assert used, "no message keys found in the report sources"
    assert sorted(used - known) == [], "keys used but missing from the catalogs"
    assert sorted(known - used) == [], "catalog keys that no code or template uses"


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_translations_keep_the_format_fields(key: str) -> None:
    fields = [set(re.findall(r"\{(\w+)\}", catalog(lang)[key])) for lang in LANGS]
    assert fields[0] == fields[1]


def test_chinese_catalog_is_chinese() -> None:
    chinese = [text for text in catalog("zh").values() if re.search(r"[\u4e00-\u9fff]", text)]
    assert len(chinese) >= len(catalog("zh")) - 3  # a few are punctuation or symbols only


def test_translator_formats_fields_and_refuses_unknown_keys() -> None:
    assert translator("en")("report.page_format", page=2, pages=9) == "Page 2 of 9"
    assert translator("zh")("report.page_format", page=2, pages=9) == "第 2 页 / 共 9 页"
    with pytest.raises(MissingMessageError, match="'report.nope' is missing from the zh report catalog"):
        translator("zh")("report.nope")
    with pytest.raises(InvalidParameterError, match="'lang' parameter of catalog must be one of"):
        translator("ja")
