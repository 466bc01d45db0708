"""Numbers as written on pages, sheets and documents."""

from decimal import Decimal as D

from ganchao.common.numbers import finite, fixed, plain, signed


def test_plain_drops_trailing_zeros_and_never_uses_an_exponent():
    assert plain(D("12000.0000")) == "12000"
    assert plain(D("3.65E+3")) == "3650"
    assert plain(D("7.50")) == "7.5"
    assert plain(D("264.0219"), places=2) == "264.02"
    assert plain(D("0.125"), places=2) == "0.13"  # half up
    assert plain(None) == "" and plain("abc") == "" and plain("NaN") == ""


def test_fixed_and_signed():
    assert fixed("9.5") == "9.50" and fixed(10) == "10.00" and fixed(None) == ""
    assert signed(D("1")) == "+1.00" and signed(D("-2")) == "−2.00"
    assert signed(0) == "—" and signed(None) == "—"
    assert finite("Infinity") is None and finite("1e3") == D(1000)
