"""How names become search tokens and terms, in one place for the builder and for queries.

The builder tokenises every name with these macros and keys the postings by :data:`TERM_HASH`.
Queries are tokenised by :func:`tokens`, the same rules in Python, which ``tests/test_text.py``
holds to the macro on every name of the real slice and of a generated dump (accents, case,
punctuation, ``&``, scripts without case, final sigma, full-width forms).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# lower → strip accents → "&" is "and" → drop apostrophes and dots ("Don't" = "dont",
# "R.E.M." = "rem") → anything but letters and digits separates words; credit words ("feat.",
# "ft.") carry no meaning for matching. Plain replace() calls and a single regular expression:
# tokenising is the costliest part of a build.
TOKENS_MACRO = r"""
CREATE OR REPLACE MACRO ls_tokens(s) AS list_filter(
    regexp_split_to_array(
        replace(replace(replace(replace(replace(
            lower(strip_accents(coalesce(s, ''))), '&', ' and '), '''', ''), '’', ''), '`', ''), '.', ''),
        '[^\p{L}\p{N}]+'),
    lambda w: w <> '' AND w NOT IN ('feat', 'ft', 'featuring'))
"""

# The key every name lookup uses: the tokens joined by single spaces.
NAME_KEY_MACRO = "CREATE OR REPLACE MACRO ls_name_key(s) AS array_to_string(ls_tokens(s), ' ')"

MACROS = (TOKENS_MACRO, NAME_KEY_MACRO)

# The postings key of a token (or of a genre's name key): the first 8 bytes of its MD5, which
# Python computes exactly as DuckDB does (see term_hash), so a query needs no database trip.
TERM_HASH = "md5_number_upper({})"


# The same rules in Python, for query time: a DuckDB statement costs milliseconds (the regular
# expression is compiled per statement), more than the rest of a search.
_SEPARATORS = re.compile(r"[\W_]+")
_DROPPED = str.maketrans({"'": None, "’": None, "`": None, ".": None})
_CREDIT_WORDS = frozenset({"feat", "ft", "featuring"})


def tokens(text: str | None) -> list[str]:
    """``ls_tokens`` in Python: the search tokens of a name."""
    if not text:
        return []
    if text.isascii():
        # Nothing to strip, and ASCII lowercases the same whole or code point by code point.
        lowered = text.lower()
    else:
        # strip_accents first (decompose, drop every mark, recompose), then lower() code point by
        # code point, as DuckDB does: str.lower() on a whole string would give a final sigma its
        # own form.
        decomposed = unicodedata.normalize("NFD", text)
        stripped = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")))
        lowered = "".join(c.lower() for c in stripped)
    words = _SEPARATORS.split(lowered.replace("&", " and ").translate(_DROPPED))
    return [w for w in words if w and w not in _CREDIT_WORDS]


def term_hash(term: str) -> int:
    """:data:`TERM_HASH` in Python: DuckDB's ``md5_number_upper``, an unsigned 64-bit integer."""
    return int.from_bytes(hashlib.md5(term.encode()).digest()[:8], "little")
