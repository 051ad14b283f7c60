"""Stakes, payouts and GGR per day as an SVG line chart, drawn on the server, in Decimal."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

WIDTH, HEIGHT, PAD = 720, 240, 48
SERIES = (("stakes", "Stakes", "#2563eb"), ("payouts", "Payouts", "#d97706"),
          ("ggr", "GGR", "#059669"))  # fmt: skip


def chart(rows: list[dict[str, Any]], currency: str, start: date, end: date) -> dict[str, Any]:
    """Polylines, axis labels and legend for one currency's days, ready for the template."""
    days = [(start + timedelta(n)).isoformat() for n in range((end - start).days + 1)]
    by_day = {r["day"]: r for r in rows if r["currency"] == currency}
    values = [
        Decimal(by_day[d][k]) if d in by_day else Decimal(0) for d in days for k, _, _ in SERIES
    ]
    top, bottom = max([*values, Decimal(0)]), min([*values, Decimal(0)])
    span = (top - bottom) or Decimal(1)

    def x(i: int) -> Decimal:
        step = Decimal(WIDTH - 2 * PAD) / max(len(days) - 1, 1)
        return (PAD + step * i).quantize(Decimal("0.1"))

    def y(value: Decimal) -> Decimal:
        return (HEIGHT - PAD - (value - bottom) / span * (HEIGHT - 2 * PAD)).quantize(
            Decimal("0.1")
        )

    lines = []
    for key, label, colour in SERIES:
        points = [
            (x(i), y(Decimal(by_day[d][key]) if d in by_day else Decimal(0)))
            for i, d in enumerate(days)
        ]
        lines.append({"label": label, "colour": colour, "points": points,
                      "path": " ".join(f"{px},{py}" for px, py in points)})  # fmt: skip
    return {
        "currency": currency, "width": WIDTH, "height": HEIGHT, "pad": PAD, "lines": lines,
        "zero": y(Decimal(0)), "top": str(top), "bottom": str(bottom),
        "labels": [(x(i), d[5:]) for i, d in enumerate(days) if i % _every(days) == 0],
    }  # fmt: skip


def _every(days: list[str]) -> int:
    """Label every nth day so that at most about 15 labels share the axis."""
    return max(len(days) // 15, 1)
