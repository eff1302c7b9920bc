"""Sort Vietnamese names the way Vietnamese readers expect.

Code-point order puts "Đắk Hà" after "Yên Mỹ" and "Ân Thi" after every plain "A…".
Vietnamese dictionaries order the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
u ư v x y, compare tone marks only when the letters are equal (no mark, huyền, hỏi, ngã,
sắc, nặng), and case last. :func:`sort_key` implements exactly that on NFD text, with
no dependency; where PyICU is installed, :func:`icu_sort_key` gives ICU's ``vi`` collator
for comparison (the tests check the two agree on real place names).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "'"}  # breve, circumflex, horn
_WITH_MARK = {
    ("a", "ă"): "ă",
    ("a", "^"): "â",
    ("e", "^"): "ê",
    ("o", "^"): "ô",
    ("o", "'"): "ơ",
    ("u", "'"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_RANK = {letter: i + 1 for i, letter in enumerate(_ALPHABET)}
# As in ICU: white space < punctuation < digits < letters (< other scripts).
_SPACE = -3_000_000  # word breaks sort first, so "Ba Bể" comes before "Bac"
_PUNCTUATION = -2_000_000  # plus the code point: "Ia H'Drai" before "Ia Hà"
_DIGITS_BASE = -1_000

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=4096)  # small: a batch of 100,000 names must not keep them all
def sort_key(text: str) -> SortKey:
    """A key that orders Vietnamese text as a Vietnamese dictionary does."""
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    space = _word_part(" ")
    for i, word in enumerate(unicodedata.normalize("NFC", text).split(" ")):
        if i:
            primary += space[0]
            tones += space[1]
            case += space[2]
        part = _WORDS.get(word)
        if part is None:
            part = _word_part(word)
            if len(_WORDS) < _WORDS_KEPT and word.isalpha():  # not codes, numbers
                _WORDS[word] = part
        if not part:
            return _key(text)
        primary += part[0]
        tones += part[1]
        case += part[2]
    return tuple(primary), tuple(tones), tuple(case)


def _word_part(word: str) -> SortKey | tuple[()]:
    """``word``'s share of a key (its characters' shares one after the other), or ``()``
    when a character's marks depend on the one before it."""
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    for char in word:
        part = _CHARS.get(char)
        if part is None:
            part = _CHARS[char] = _char_key(char)
        if not part:
            return ()
        primary += part[0]
        tones += part[1]
        case += part[2]
    return tuple(primary), tuple(tones), tuple(case)


#: Each word's share of a key (names share most of their words: "Xã", "Phường", "Sở"),
#: for words of letters only, up to a bound: a batch of 100,000 names keeps a few
#: thousand syllables, not every number and code in them.
_WORDS: dict[str, SortKey | tuple[()]] = {}
_WORDS_KEPT = 8192

#: Each character's share of a key, worked out once (ranking a batch sorts many names).
_CHARS: dict[str, SortKey | tuple[()]] = {}


def _char_key(char: str) -> SortKey | tuple[()]:
    """``char``'s part of a key, or ``()`` when its marks depend on the character before it
    (a lone combining mark): such a text is keyed as a whole."""
    decomposed = unicodedata.normalize("NFD", char)
    if unicodedata.combining(decomposed[0]):
        return ()
    return _key(char)


def _key(text: str) -> SortKey:
    """:func:`sort_key`, one decomposed character at a time."""
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    for char in unicodedata.normalize("NFD", text):
        if char in _LETTER_MARKS and primary:
            base = _ALPHABET[primary[-1] - 1] if 0 < primary[-1] <= len(_ALPHABET) else ""
            marked = _WITH_MARK.get((base, _LETTER_MARKS[char]))
            if marked:
                primary[-1] = _RANK[marked]
            continue
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if unicodedata.combining(char):
            continue
        lower = char.lower()
        if lower in _RANK:
            primary.append(_RANK[lower])
        elif lower.isdecimal():
            primary.append(_DIGITS_BASE + int(lower))
        elif lower.isspace() or lower in "-–—_":
            primary.append(_SPACE)
        elif lower.isalpha():
            primary.append(1000 + ord(lower))
        else:
            primary.append(_PUNCTUATION + ord(lower))
        tones.append(0)
        case.append(0 if char == lower else 1)
    return tuple(primary), tuple(tones), tuple(case)


def icu_sort_key() -> Callable[[str], bytes] | None:
    """ICU's Vietnamese collation key, where PyICU is installed; otherwise None."""
    try:
        import icu  # type: ignore[import-not-found]
    except ImportError:
        return None
    collator = icu.Collator.createInstance(icu.Locale("vi_VN"))
    return collator.getSortKey


def sorted_vietnamese(names, key: Callable | None = None) -> list:
    """``names`` sorted in Vietnamese order (by ``key(item)`` when given)."""
    if key is None:
        return sorted(names, key=sort_key)
    return sorted(names, key=lambda item: sort_key(key(item)))
