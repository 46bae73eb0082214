"""How names become search tokens, in one place for the builder and for queries.

The builder stores these macros in the catalog file itself; the same macro then tokenises names
while the catalog is built and query words while it is read, so the two can never disagree about
accents, case, punctuation or ``&``, even across versions.
"""

from __future__ import annotations

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
