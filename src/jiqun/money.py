"""Money as people write it: yuan inside, 万元 / 亿元 on screen (million / billion in English)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10) ** 4
YI = Decimal(10) ** 8


def to_decimal(value: object) -> Decimal:
    """Any number (int, float, Decimal, numeric str) as a Decimal, exactly for its repr."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_money(yuan: object, lang: str = "zh", digits: int = 2, currency: str = "CNY") -> str:
    """Format an amount in yuan the way reports write it.

    ``123456789`` → ``1.23亿元``; ``45600`` → ``4.56万元``; ``800`` → ``800.00元``.
    In English: ``CNY 123.46 million``. US dollars: ``1.20万美元`` / ``USD 0.01 million``.
    """
    amount = to_decimal(yuan)
    if lang == "en":
        return _format_en(amount, digits, currency)
    suffix = "美元" if currency == "USD" else "元"
    for scale, unit in ((YI, "亿"), (WAN, "万")):
        if abs(amount) >= scale:
            return f"{_round(amount / scale, digits):,}{unit}{suffix}"
    return f"{_round(amount, digits):,}{suffix}"


def _format_en(amount: Decimal, digits: int, currency: str) -> str:
    for scale, unit in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(amount) >= scale:
            return f"{currency} {_round(amount / scale, digits):,} {unit}"
    return f"{currency} {_round(amount, digits):,}"


def _round(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
