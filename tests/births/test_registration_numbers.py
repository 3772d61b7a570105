"""Registration numbers: ISO 7064 MOD 11-10 check digit, format, and the duplicate key."""

from datetime import date

import pytest

from sdp.domain.birth_registration import (
    duplicate_key,
    format_registration_number,
    is_valid_registration_number,
)
from sdp.domain.check_digits import mod_11_10_check_digit, mod_11_10_is_valid


@pytest.mark.parametrize(
    ("digits", "check"),
    [("79462", "3"), ("00200667308", "5"), ("0100000138", "1"), ("0123456789", "6")],
)
def test_mod_11_10_matches_published_examples(digits, check):
    # Examples from python-stdnum / stdnum-js (794623, 002006673085) and DIZtools (DIN ISO 7064).
    assert mod_11_10_check_digit(digits) == check
    assert mod_11_10_is_valid(digits + check)


def test_mod_11_10_catches_every_single_digit_error_and_most_adjacent_transpositions():
    transpositions = missed = 0
    for sequence in range(1, 5001, 7):
        number = f"2026{sequence:07d}"
        number += mod_11_10_check_digit(number)
        assert mod_11_10_is_valid(number)
        for position in range(len(number)):
            for digit in "0123456789":
                if digit != number[position]:
                    assert not mod_11_10_is_valid(
                        number[:position] + digit + number[position + 1 :]
                    )
        for position in range(len(number) - 1):
            a, b = number[position], number[position + 1]
            if a != b:
                transpositions += 1
                missed += mod_11_10_is_valid(number[:position] + b + a + number[position + 2 :])
    assert transpositions > 1000
    assert (
        missed / transpositions < 0.03
    )  # about 2%: the documented limit of one decimal check digit


def test_mod_11_10_rejects_non_digits():
    assert not mod_11_10_is_valid("12a4")
    assert not mod_11_10_is_valid("٣٤")  # Arabic-Indic digits are digits, but not ours
    with pytest.raises(ValueError):
        mod_11_10_check_digit("12-3")


def test_registration_number_format_and_check():
    number = format_registration_number(2026, 123)
    assert number == "NAC-2026-0000123-5"
    assert is_valid_registration_number(number)
    assert is_valid_registration_number(number.lower())
    assert not is_valid_registration_number("NAC-2026-0000123-4")  # wrong check digit
    assert not is_valid_registration_number("NAC-2026-0000123-0")
    assert not is_valid_registration_number("NAC-2026-0000124-5")  # one digit wrong
    assert not is_valid_registration_number("SDP-2026-000123")
    assert not is_valid_registration_number("")
    with pytest.raises(OverflowError):
        format_registration_number(2026, 10_000_000)


def _key(**changes):
    values = dict(
        child_given_names="José María",
        child_family_names="Núñez Ortiz",
        date_of_birth=date(2026, 1, 5),
        birth_country="PE",
        birth_locality="Lima",
        mother_given_names="Ángela",
        mother_family_names="Ortiz",
        mother_date_of_birth=date(1990, 1, 1),
    )
    values.update(changes)
    return duplicate_key(**values)


def test_duplicate_key_ignores_accents_case_and_spacing():
    assert _key() == _key(
        child_given_names="JOSE  MARIA",
        child_family_names="nunez ortiz",
        birth_locality=" lima ",
        mother_given_names="angela",
    )
    assert len(_key()) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"child_given_names": "Juan"},
        {"date_of_birth": date(2026, 1, 6)},
        {"birth_locality": "Cusco"},
        {"birth_country": "VE"},
        {"mother_given_names": "Rosa"},
        {"mother_date_of_birth": date(1991, 1, 1)},
        {"mother_given_names": None, "mother_family_names": None, "mother_date_of_birth": None},
    ],
)
def test_duplicate_key_differs_for_another_child(change):
    assert _key(**change) != _key()
