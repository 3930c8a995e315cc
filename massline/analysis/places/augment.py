"""More training messages for the place CRF, made from the labelled ones (data augmentation).

The CRF reads characters, so it learns the names it was shown as much as the words around them.  Two kinds of
copies teach it the context instead:

- **renamed** (:func:`renamed`): the message with its administrative units written another way (``names``: a
  profile's table, e.g. an anonymised board's unit codes and the real names they stand for), its label renamed
  the same way; only messages the renaming changes are copied;
- **swapped** (:func:`swapped`): the message with every occurrence of its labelled place replaced by the labelled
  place of the same type of another message (``锦绣华庭`` -> ``麓谷明珠小区`` in title and body), so that a name the
  CRF has not seen is marked by what is written around it.

The copies are drawn with ``random.Random(seed)``: the same examples give the same copies.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence

__all__ = ["augmented", "renamed", "renaming", "swapped"]

Example = tuple[str, str, str, str]  # title, body, place, place_type


def _renamer(names: Mapping[str, str]) -> re.Pattern[str]:
    """The pattern of the names to replace, the longest first, not glued to a letter or digit before them."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(f"(?<![A-Za-z0-9])(?:{alternatives})")


def renaming(names: Mapping[str, str]) -> Callable[[str], str]:
    """A function writing every key of ``names`` in a text as its value (the longest first; not a key glued to a
    letter or digit before it, so ``K10县`` is not read as ``K1``…); the text unchanged when ``names`` is empty."""
    if not names:
        return str
    pattern = _renamer(names)
    return lambda text: pattern.sub(lambda m: names[m.group()], text)


def renamed(examples: Sequence[Example], names: Mapping[str, str]) -> list[Example]:
    """A copy of each example whose title, body or place holds a key of ``names``, with every one replaced by its
    value (in the place as in the text, so the place stays written in the message)."""
    if not names:
        return []
    sub = renaming(names)
    out = []
    for title, body, place, place_type in examples:
        copy = (sub(title), sub(body), sub(place), place_type)
        if copy != (title, body, place, place_type):
            out.append(copy)
    return out


def swapped(examples: Sequence[Example], copies: int, seed: int = 13) -> list[Example]:
    """``copies`` copies of each example naming a place written in it, with every occurrence of that place in the
    title and the body replaced by another example's place of the same type (drawn at random among the distinct
    places of that type)."""
    named = [e for e in examples if e[2] and (e[2] in e[0] or e[2] in e[1])]
    pool: dict[str, list[str]] = {}
    for _t, _b, place, place_type in named:
        pool.setdefault(place_type, []).append(place)
    places = {kind: sorted(set(names)) for kind, names in pool.items()}
    rng = random.Random(seed)  # noqa: S311 - reproducible copies, not a secret
    out = []
    for title, body, place, place_type in named:
        others = places[place_type]
        if len(others) < 2:
            continue
        for _ in range(copies):
            other = place
            while other == place:
                other = rng.choice(others)
            out.append((title.replace(place, other), body.replace(place, other), other, place_type))
    return out


def augmented(
    examples: Sequence[Example], copies: int = 1, names: Mapping[str, str] | None = None, seed: int = 13
) -> list[Example]:
    """The copies of ``examples`` the CRF also trains on: the renamed ones (:func:`renamed`, when ``names`` are
    given) and ``copies`` swapped ones of each (:func:`swapped`); not the examples themselves."""
    return renamed(examples, names or {}) + swapped(examples, copies, seed)
