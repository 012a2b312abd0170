"""Danish inflections the snowball stemmer leaves apart, joined at query time.

Snowball Danish strips endings, but some forms of one word keep different stems:
a doubled consonant (``budget`` -> budg, ``budgettet`` -> budget), a dropped
``e`` before l or r (``regel`` -> regel, ``reglerne`` -> regl; ``center`` -> cent,
``centret`` -> centr), ``år``/``året``, and irregular plurals (``barn``/``børn``).
Rather than change the index (every archive would need a rebuild and a wrong
rule would be baked in), a query word is expanded: its likely base forms
(endings stripped, a doubled consonant undone, a dropped ``e`` put back), every
regular inflection of each base (with doubling and the dropped ``e``), and the
irregular partners; the stems of all of them are searched in the ``expanded``
stream with a low boost.  Nonsense forms cost nothing: a stem no text has
matches nothing.
"""

from __future__ import annotations

from functools import lru_cache

from .analyzer import stem

#: endings stripped to find a base form (longest first)
ENDINGS = ("ernes", "enes", "erne", "ene", "ets", "ens", "er", "en", "et", "e", "s")
#: endings added to a base form to make its regular inflections
SUFFIXES = ("", "e", "en", "et", "er", "erne", "ene", "ens", "ets", "s")
VOWELS = frozenset("aeiouyæøå")
MIN_BASE = 3

#: irregular singular/plural pairs common in minutes (the plural's definite forms follow from the suffixes)
IRREGULAR = (("barn", "børn"), ("mand", "mænd"), ("hånd", "hænder"), ("tand", "tænder"), ("bog", "bøger"),
             ("fod", "fødder"), ("nat", "nætter"), ("bonde", "bønder"), ("stang", "stænger"), ("kraft", "kræfter"),
             ("stad", "stæder"), ("ko", "køer"), ("gås", "gæs"), ("rand", "rænder"), ("tå", "tæer"))
_PARTNER = {a: b for a, b in IRREGULAR} | {b: a for a, b in IRREGULAR}


def _consonant(c: str) -> bool:
    return c.isalpha() and c not in VOWELS


def bases(word: str) -> set[str]:
    """Likely base forms of ``word``: itself, endings stripped (``året`` -> ``år``), and of those a doubled
    consonant undone (``budgett`` -> ``budget``) or a dropped ``e`` put back (``regl`` -> ``regel``), and an
    irregular partner.  The word itself never gets an ``e`` put back (``børn`` is not ``børen``)."""
    stripped = set()
    for ending in ENDINGS:
        # a one-letter ending needs a longer base: "år" is a word, "bo" of "bos" hardly one to search by
        if word.endswith(ending) and len(word) - len(ending) >= (MIN_BASE if len(ending) == 1 else 2):
            stripped.add(word[: -len(ending)])
    for b in list(stripped):
        if len(b) >= MIN_BASE + 1 and b[-1] == b[-2] and _consonant(b[-1]):
            stripped.add(b[:-1])  # budgett -> budget
        if len(b) >= MIN_BASE + 1 and b[-1] in "lr" and _consonant(b[-2]):
            stripped.add(b[:-1] + "e" + b[-1])  # regl -> regel, centr -> center
    found = stripped | {word}
    for b in list(found):
        if b in _PARTNER:
            found.add(_PARTNER[b])
        if b in stripped:
            found.update(sg for sg, pl in IRREGULAR if pl in (b + "e", b + "er"))  # hænd(er) -> hånd
    return found


def forms(base: str) -> set[str]:
    """Regular inflections of a base form, with a doubled final consonant after a short vowel
    (``budget`` -> ``budgettet``) and a dropped ``e`` before l or r (``regel`` -> ``reglerne``)."""
    out = {base + s for s in SUFFIXES}
    if len(base) >= 3 and _consonant(base[-1]) and base[-2] in VOWELS:
        out |= {base + base[-1] + s for s in SUFFIXES if s[:1] == "e"}
    if len(base) >= 4 and base[-1] in "lr" and base[-2] == "e" and _consonant(base[-3]):
        short = base[:-2] + base[-1]
        out |= {short + s for s in SUFFIXES if s[:1] == "e"}
        if short[-2] == short[-3]:  # middel -> midl(er)
            out |= {short[:-2] + short[-1] + s for s in SUFFIXES if s[:1] == "e"}
    if base in _PARTNER:
        out |= {_PARTNER[base] + s for s in SUFFIXES}
    return out


@lru_cache(maxsize=4096)
def variant_stems(word: str) -> frozenset[str]:
    """The stems of every form of every likely base of ``word`` (alphabetic words only; else empty)."""
    if not word.isalpha() or len(word) < 2:
        return frozenset()
    return frozenset(stem(f) for b in bases(word) for f in forms(b))
