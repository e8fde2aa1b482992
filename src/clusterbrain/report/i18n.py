"""Message catalogs of the reports: one set of templates, Chinese and English texts.

The catalogs are gettext ``.po`` files in ``report/i18n/`` (``zh.po``, ``en.po``) whose
msgids are stable English keys such as ``report.references``; they are read at run time
with Babel (no compile step). Messages may hold ``{name}`` fields filled from keyword
arguments: ``_("report.table_caption", n=3, caption="LQ")`` gives ``表3　LQ`` or ``Table 3: LQ``.

Write keys literally in the code and templates (never build them from parts), so the
catalog test can check that every key used exists in both catalogs and none is unused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

from clusterbrain._validation import check_option
from clusterbrain.exceptions import ClusterBrainError

__all__ = ["LANGS", "MissingMessageError", "catalog", "translator"]

LANGS = ("zh", "en")


class MissingMessageError(KeyError, ClusterBrainError):
    """A report asked for a message key that its catalog lacks."""


@cache
def catalog(lang: str) -> dict[str, str]:
    """The messages of ``lang`` as a dict key → text (read once per process).

    >>> catalog("zh")["report.references"]
    '证据与数据来源'
    """
    check_option(lang, "lang", "catalog", LANGS)
    with resources.files("clusterbrain.report").joinpath("i18n", f"{lang}.po").open("rb") as f:
        messages = read_po(f, locale="zh_Hans_CN" if lang == "zh" else "en_US")
    return {str(m.id): str(m.string) for m in messages if m.id and m.string}


def translator(lang: str) -> Callable[..., str]:
    """The ``_()`` function of ``lang``: key (and format fields) → text.

    >>> _ = translator("en")
    >>> _("report.table_caption", n=3, caption="LQ")
    'Table 3: LQ'
    >>> translator("zh")("report.table_caption", n=3, caption="区位商")
    '表3　区位商'
    """
    messages = catalog(lang)

    def _(key: str, /, **fields: Any) -> str:
        try:
            text = messages[key]
        except KeyError:
            raise MissingMessageError(f"message key {key!r} is missing from the {lang} report catalog") from None
        return text.format(**fields) if fields else text

    return _
