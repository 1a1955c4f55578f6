"""GB 32100-2015 unified social credit codes: check characters, messages, normalisation, polars twin."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiqun.codes.uscc import (
    ALPHABET,
    AUTHORITY_TYPES,
    UsccCheck,
    check_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_all_clear,
    uscc_check_char,
    uscc_region,
)

# Real codes as issued (Xiamen); their organisation codes are 77604965-3, MA31DKY8-0, MA31E12P-X.
PUBLISHED = ["91350200776049653A", "91350503MA31DKY80A", "91350200MA31E12PXF"]
COUNTIES = ["321023", "430582", "410882", "420607"]
PAIRS = sorted(a + t for a, types in AUTHORITY_TYPES.items() for t in types)
ODD_PAIRS = sorted({a + t for a in ALPHABET for t in ALPHABET} - set(PAIRS))
FORBIDDEN = "IOSVZ"


def _finish(first16: str) -> str:
    """Append the organisation check character and the final check character to 16 characters."""
    first17 = first16 + org_code_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    pair = draw(st.sampled_from(PAIRS))
    region = draw(st.sampled_from(COUNTIES))
    body = draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
    return _finish(pair + region + body)


@st.composite
def bad_org_codes(draw: st.DrawFn) -> str:
    """Final check right, organisation check character wrong."""
    code = draw(valid_codes())
    wrong = draw(st.sampled_from([c for c in ALPHABET if c != code[16]]))
    first17 = code[:16] + wrong
    return first17 + uscc_check_char(first17)


@st.composite
def odd_pair_codes(draw: st.DrawFn) -> str:
    """Both check characters right, (authority, type) not in table 1."""
    code = draw(valid_codes())
    return _finish(draw(st.sampled_from(ODD_PAIRS)) + code[2:16])


@st.composite
def substituted_codes(draw: st.DrawFn) -> str:
    code = draw(valid_codes())
    i = draw(st.integers(0, 17))
    c = draw(st.sampled_from([c for c in ALPHABET + FORBIDDEN + "a-" if c != code[i]]))
    return code[:i] + c + code[i + 1:]


# --- published examples ---------------------------------------------------------------------


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid_without_warning(code: str) -> None:
    assert check_uscc(code) == UsccCheck(code, True, None, None)
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


def test_published_codes_pass_the_vectorised_check() -> None:
    assert uscc_all_clear(pl.Series(PUBLISHED)).to_list() == PUBLISHED


def test_region_of_published_code() -> None:
    assert uscc_region("91350200776049653A") == "350200"
    assert uscc_region("9135-0503-MA31DKY80A") == "350503"


def test_org_code_check_hand_computed() -> None:
    # D2143569: 13·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199; 199 mod 11 = 1; 11 − 1 = 10 → X
    # (the example commonly quoted for GB 11714; computed here by hand, not copied from the standard).
    assert org_code_check_char("D2143569") == "X"
    # 11 − 0 = 11 → '0': 00000000 sums to 0.
    assert org_code_check_char("00000000") == "0"
    # 77604965: 21+49+54+0+20+72+24+10 = 250; 250 mod 11 = 8; 11 − 8 = 3 (see PUBLISHED[0]).
    assert org_code_check_char("77604965") == "3"


def test_check_char_helpers_refuse_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="17"):
        uscc_check_char("9135020077604965")
    with pytest.raises(ValueError, match="8"):
        org_code_check_char("7760496")


def test_weights_are_powers_of_three_mod_31() -> None:
    # GB 32100-2015 weights: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28. A code of 16 zeros and
    # one 1 at position i has check char (31 − w_i) mod 31.
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    for i, w in enumerate(weights):
        first17 = "0" * i + "1" + "0" * (16 - i)
        assert uscc_check_char(first17) == ALPHABET[(31 - w) % 31]


# --- properties of generated codes ----------------------------------------------------------


@settings(deadline=None, max_examples=60)
@given(valid_codes())
def test_generated_codes_are_valid(code: str) -> None:
    assert check_uscc(code) == UsccCheck(code, True, None, None)


@settings(deadline=None, max_examples=40)
@given(valid_codes())
def test_every_single_substitution_is_invalid(code: str) -> None:
    for i in range(18):
        for c in ALPHABET:
            if c == code[i]:
                continue
            result = check_uscc(code[:i] + c + code[i + 1:])
            assert not result.valid, (code, i, c)
            assert result.error is not None and result.error.startswith("第 18 位校验码应为“")
            if i == 17:
                assert result.error == f"第 18 位校验码应为“{code[17]}”，实为“{c}”"


@settings(deadline=None, max_examples=60)
@given(valid_codes())
def test_adjacent_transpositions_are_invalid(code: str) -> None:
    for i in range(17):
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        assert not check_uscc(swapped).valid, (code, i)


@settings(deadline=None, max_examples=30)
@given(bad_org_codes())
def test_organisation_code_mismatch_alone_is_a_warning(code: str) -> None:
    result = check_uscc(code)
    assert result.valid and result.error is None
    assert result.warning is not None and "组织机构代码校验位不符" in result.warning
    assert "登记管理部门码" not in result.warning


@settings(deadline=None, max_examples=30)
@given(odd_pair_codes())
def test_unlisted_authority_type_pair_is_a_warning(code: str) -> None:
    result = check_uscc(code)
    assert result.valid
    assert result.warning == f"登记管理部门码“{code[0]}”与机构类别码“{code[1]}”的组合不在 GB 32100 表中"


def test_both_warnings_are_joined() -> None:
    first17 = "94" + "321023" + "MA31DKY8" + "1"  # pair 9/4 is not in table 1; org check should be 0
    result = check_uscc(first17 + uscc_check_char(first17))
    assert result.valid
    assert result.warning is not None
    assert "组织机构代码" in result.warning and "“9”与机构类别码“4”" in result.warning
    assert "；" in result.warning


# --- errors and their messages --------------------------------------------------------------


@pytest.mark.parametrize(("text", "length"), [
    ("91350200776049653", 17), ("91350200776049653AA", 19), ("", 0), ("9", 1),
])
def test_wrong_length(text: str, length: int) -> None:
    result = check_uscc(text)
    assert not result.valid and result.warning is None
    assert result.error == f"长度为 {length} 位，应为 18 位"


@pytest.mark.parametrize("letter", list(FORBIDDEN))
@pytest.mark.parametrize("position", [0, 9, 17])
def test_forbidden_letters_are_named_with_their_position(letter: str, position: int) -> None:
    code = PUBLISHED[1]
    result = check_uscc(code[:position] + letter + code[position + 1:])
    assert not result.valid
    assert result.error is not None
    assert f"第 {position + 1} 位“{letter}”不是允许的字符" in result.error
    assert "I、O、S、V、Z" in result.error


def test_lower_case_forbidden_letter_is_reported_upper_case() -> None:
    result = check_uscc("91350503MA31DKY8oA")
    assert not result.valid and "第 17 位“O”" in (result.error or "")


def test_wrong_check_character_names_the_expected_one() -> None:
    result = check_uscc("91350200776049653B")
    assert not result.valid
    assert result.code == "91350200776049653B"
    assert result.error == "第 18 位校验码应为“A”，实为“B”"


def test_non_ascii_junk_is_invalid() -> None:
    result = check_uscc("统一社会信用代码九一三五零二零零七七六零四九六五三A")
    assert not result.valid


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "９１３５０２００７７６０４９６５３Ａ",          # full-width
    "91350200776049653a",                            # lower case
    "9135 0200 7760 4965 3A",                        # inner spaces
    "91350200-77604965-3A",                          # hyphens
    "  91350200776049653A\t\n",                      # surrounding white space
    "９１３５０２００－７７６０４９６５－３ａ",        # full-width hyphen and lower case
    "\u300091350200 776049653A\u3000",               # ideographic spaces
])
def test_normalisation_is_accepted(text: str) -> None:
    assert normalize_uscc(text) == PUBLISHED[0]
    assert check_uscc(text) == UsccCheck(PUBLISHED[0], True, None, None)


@settings(deadline=None, max_examples=40)
@given(valid_codes(), st.data())
def test_normalisation_round_trip(code: str, data: st.DataObject) -> None:
    noisy = "".join(
        data.draw(st.sampled_from([ch, ch.lower(), chr(ord(ch) + 0xFEE0), f" {ch}", f"-{ch}"]))
        for ch in code
    )
    assert check_uscc(noisy) == UsccCheck(code, True, None, None)


# --- the vectorised twin --------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=ALPHABET + FORBIDDEN + "abc -", min_size=17, max_size=19),
)
mixed_code = st.one_of(
    valid_codes(),
    substituted_codes(),
    bad_org_codes(),
    odd_pair_codes(),
    valid_codes().map(str.lower),
    valid_codes().map(lambda c: f" {c}"),
    valid_codes().map(lambda c: f"{c[:8]}-{c[8:]}"),
    junk,
)


def _clear_scalar(codes: list[str]) -> list[str]:
    out = []
    for c in codes:
        r = check_uscc(c)
        if r.valid and r.warning is None and r.code == c:
            out.append(c)
    return out


@settings(deadline=None, max_examples=60)
@given(st.lists(mixed_code, max_size=25))
def test_vectorised_check_agrees_with_scalar(codes: list[str]) -> None:
    clear = uscc_all_clear(pl.Series(codes, dtype=pl.String)).to_list()
    assert set(clear) == set(_clear_scalar(codes))
    assert clear == _clear_scalar(codes)  # a filter: order and duplicates kept


def test_vectorised_check_on_every_pair_and_org_check() -> None:
    """Exhaustive over the (authority, type) pairs and the org check characters 0–9, X."""
    body = "MA31DKY8"
    codes = [_finish(a + t + "430582" + body) for a in ALPHABET for t in ALPHABET]
    for check in "0123456789X":
        first17 = "91430582" + body[:7] + "1" + check
        codes.append(first17 + uscc_check_char(first17))
    assert uscc_all_clear(pl.Series(codes)).to_list() == _clear_scalar(codes)


def test_vectorised_check_skips_nulls_and_empty_input() -> None:
    out = uscc_all_clear(pl.Series([None, PUBLISHED[0], None], dtype=pl.String))
    assert out.to_list() == [PUBLISHED[0]]
    assert uscc_all_clear(pl.Series([], dtype=pl.String)).to_list() == []


# --- GB 32100-2015 table 1 ------------------------------------------------------------------


def test_authority_type_table_known_pairs() -> None:
    for pair in ["11", "12", "19", "21", "29", "31", "35", "41", "49", "51", "52", "53", "59",
                 "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9",
                 "N1", "N2", "N3", "N9", "Y1"]:
        assert pair in PAIRS, pair


@pytest.mark.parametrize("pair", ["13", "39"])
def test_authority_type_table_pairs_missing_in_src(pair: str) -> None:
    code = _finish(pair + "430582" + "MA31DKY8")
    assert check_uscc(code).warning is None
