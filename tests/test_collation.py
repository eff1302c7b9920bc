"""Vietnamese alphabetical order on real place names: letters, tones, case, normal forms.

The expected orders are written out by hand from the Vietnamese alphabet (a ă â b c d đ e ê
g h i k l m n o ô ơ p q r s t u ư v x y; tones ngang < huyền < hỏi < ngã < sắc < nặng,
compared only when the letters are equal; case last), so a change to the key that moves
one district shows up as a diff against a list a reader can check.
"""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteria_engine.ranking.collation import icu_sort_key, sort_key, sorted_vietnamese

# District-level units of the provinces in the packs, in Vietnamese order.
KON_TUM = [
    "Đắk Glei",
    "Đắk Hà",
    "Đắk Tô",
    "Ia H'Drai",
    "Kon Plông",
    "Kon Rẫy",
    "Kon Tum",
    "Ngọc Hồi",
    "Sa Thầy",
    "Tu Mơ Rông",
]
GIA_LAI = [
    "An Khê",
    "Ayun Pa",
    "Chư Păh",
    "Chư Prông",
    "Chư Pưh",
    "Chư Sê",
    "Đak Đoa",
    "Đak Pơ",
    "Đức Cơ",
    "Ia Grai",
    "Ia Pa",
    "KBang",
    "Kông Chro",
    "Krông Pa",
    "Mang Yang",
    "Phú Thiện",
    "Pleiku",
]
HA_TINH = [
    "Can Lộc",
    "Cẩm Xuyên",
    "Đức Thọ",
    "Hà Tĩnh",
    "Hồng Lĩnh",
    "Hương Khê",
    "Hương Sơn",
    "Kỳ Anh",
    "Lộc Hà",
    "Nghi Xuân",
    "Thạch Hà",
    "Vũ Quang",
]
HUNG_YEN = [
    "Ân Thi",
    "Hưng Yên",
    "Khoái Châu",
    "Kim Động",
    "Mỹ Hào",
    "Phù Cừ",
    "Tiên Lữ",
    "Văn Giang",
    "Văn Lâm",
    "Yên Mỹ",
]
BAC_KAN = ["Ba Bể", "Bạch Thông", "Bắc Kạn", "Chợ Đồn", "Chợ Mới", "Na Rì", "Ngân Sơn", "Pác Nặm"]
PROVINCES = {
    "kontum": KON_TUM,
    "gialai": GIA_LAI,
    "hatinh": HA_TINH,
    "hungyen": HUNG_YEN,
    "backan": BAC_KAN,
}
# The same units as the decisions name them, with their kind in front.
HUNG_YEN_FULL = [
    "Huyện Ân Thi",
    "Huyện Khoái Châu",
    "Huyện Kim Động",
    "Huyện Phù Cừ",
    "Huyện Tiên Lữ",
    "Huyện Văn Giang",
    "Huyện Văn Lâm",
    "Huyện Yên Mỹ",
    "Thành phố Hưng Yên",
    "Thị xã Mỹ Hào",
]
VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang … nặng


def shuffled(names: list[str], seed: int = 7) -> list[str]:
    out = list(names)
    random.Random(seed).shuffle(out)
    return out


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_district_names_sort_in_vietnamese_order(province):
    names = PROVINCES[province]
    assert sorted(shuffled(names), key=sort_key) == names
    assert sorted(shuffled(names, seed=1), key=sort_key) == names


def test_official_names_sort_by_their_kind_first():
    assert sorted_vietnamese(shuffled(HUNG_YEN_FULL)) == HUNG_YEN_FULL


def test_sorted_vietnamese_sorts_records_by_a_key():
    rows = [{"name": n} for n in shuffled(BAC_KAN)]
    assert [r["name"] for r in sorted_vietnamese(rows, key=lambda r: r["name"])] == BAC_KAN


# The seven checks of the library comparison, each as a sorted list.
@pytest.mark.parametrize(
    "expected",
    [
        ["Dương", "Đak"],  # d < đ, whatever follows
        ["Đak", "Đắk"],  # a < ă on the same letters
        ["an", "ăn", "ân", "bà"],  # a < ă < â < b
        ["Co", "Cô", "Cơ"],  # o < ô < ơ
        ["Cu", "Củ", "Cư"],  # the letter decides before the tone: u < ư
        ["mu", "mư", "na"],  # u < ư < the next letter
        ["ma", "mà", "mả", "mã", "má", "mạ"],  # ngang < huyền < hỏi < ngã < sắc < nặng
    ],
    ids=[
        "d-dj",
        "dak-dak",
        "a-breve-circumflex",
        "o-circumflex-horn",
        "cu-cu-cu",
        "u-horn",
        "tones",
    ],
)
def test_the_seven_checks(expected):
    assert sorted(shuffled(expected), key=sort_key) == expected
    assert sorted(shuffled([nfd(x) for x in expected]), key=sort_key) == [nfd(x) for x in expected]


def test_case_is_compared_last():
    assert sorted(["Bà", "bà", "Ba", "ba"], key=sort_key) == ["ba", "Ba", "bà", "Bà"]
    assert sorted(["an Khê", "An Khê", "Ân Thi"], key=sort_key) == ["an Khê", "An Khê", "Ân Thi"]


def test_every_letter_and_tone_in_order():
    vowels_with_tones = [v + t for v in "aăâeêioôơuưy" for t in TONES]
    words = [unicodedata.normalize("NFC", "m" + w) for w in vowels_with_tones]
    assert sorted(shuffled(words), key=sort_key) == words
    letters = list(VIETNAMESE_LETTERS)
    assert sorted(shuffled(letters), key=sort_key) == letters


def test_spaces_and_digits_sort_before_letters():
    assert sorted(["Bac", "Ba Bể", "Ba"], key=sort_key) == ["Ba", "Ba Bể", "Bac"]
    assert sorted(["Xã A", "Xã 2", "Xã 1"], key=sort_key) == ["Xã 1", "Xã 2", "Xã A"]


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_nfc_and_nfd_input_give_the_same_order(province):
    names = PROVINCES[province]
    mixed = [nfd(n) if i % 2 else n for i, n in enumerate(shuffled(names))]
    assert [unicodedata.normalize("NFC", n) for n in sorted(mixed, key=sort_key)] == names
    assert all(sort_key(nfd(n)) == sort_key(n) for n in names)


vietnamese_text = st.text(
    alphabet=st.sampled_from(
        [*VIETNAMESE_LETTERS, *VIETNAMESE_LETTERS.upper(), " ", *TONES[1:], "-", "1"]
    ),
    max_size=20,
)


@given(vietnamese_text)
def test_normal_form_never_changes_the_key(text):
    assert sort_key(unicodedata.normalize("NFC", text)) == sort_key(nfd(text))


@given(st.lists(vietnamese_text, max_size=8), st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_input_order(names, rnd):
    other = list(names)
    rnd.shuffle(other)
    once = [sort_key(n) for n in sorted(names, key=sort_key)]
    assert [sort_key(n) for n in sorted(other, key=sort_key)] == once


@pytest.mark.parametrize("text", ["ø\u0302", "ß\u0306", "α\u031b", "Khu ²"])
def test_unusual_characters_do_not_crash(text):
    """A letter-forming mark after a character outside the alphabet, a superscript digit."""
    assert sort_key(text)


def test_punctuation_sorts_before_digits_and_letters_as_in_icu():
    assert sorted(["Xã 1", "Xã A", "Xã (cũ)"], key=sort_key) == ["Xã (cũ)", "Xã 1", "Xã A"]
    assert sorted(["Ia Hà", "Ia H'Drai"], key=sort_key) == ["Ia H'Drai", "Ia Hà"]


def test_same_order_as_icu_vietnamese():
    pytest.importorskip("icu", reason="PyICU is not installed (pip install 'criteria-engine[icu]')")
    icu_key = icu_sort_key()
    assert icu_key is not None
    names = [n for names in PROVINCES.values() for n in names] + HUNG_YEN_FULL
    names += ["ma", "mà", "mả", "mã", "má", "mạ", "Cu", "Củ", "Cư", "Đak", "Đắk", "Dương"]
    ours = sorted(shuffled(names), key=sort_key)
    assert ours == sorted(shuffled(names), key=icu_key)
