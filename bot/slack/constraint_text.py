"""A constraint said back to the user in a few words ("1990s", "comedy", "no horror", "under
100 min"), read from its value where that is clearer than the words typed ("from the 90s"),
else the words themselves (languages and countries: "in French", "Bollywood"). Plain text:
the caller escapes it for where it goes."""

from __future__ import annotations

from bot.core.request import Constraint

_RELATIVE = {
    "after_seed": "newer",
    "before_seed": "older",
    "shorter_than_seed": "shorter",
    "longer_than_seed": "longer",
}


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _names(value: object) -> str:
    items = value if isinstance(value, tuple) else (value,)
    return " or ".join(str(v).lower() for v in items)


def _year(c: Constraint) -> str | None:
    v = c.value
    if c.op == "between" and isinstance(v, tuple) and len(v) == 2:
        low, high = v
        if isinstance(low, int) and low % 10 == 0 and high == low + 9:
            return f"{low}s"
        return f"{low}\u2013{high}"
    return {
        ">=": f"{v} or later",
        ">": f"after {v}",
        "<=": f"{v} or earlier",
        "<": f"before {v}",
        "==": f"from {v}",
    }.get(c.op)


def _runtime(c: Constraint) -> str | None:
    v = c.value
    return {
        "<=": f"under {v} min",
        "<": f"under {v} min",
        ">=": f"over {v} min",
        ">": f"over {v} min",
    }.get(c.op)


def _rating(c: Constraint) -> str | None:
    v = _number(c.value)
    return {">=": f"rated {v}+", ">": f"rated over {v}", "<=": f"rated {v} or less"}.get(c.op)


def constraint_label(c: Constraint) -> str:
    if c.op in _RELATIVE:
        return _RELATIVE[c.op]
    label: str | None = None
    if c.field == "year":
        label = _year(c)
    elif c.field == "genres":
        label = ("no " if c.op in ("not in", "!=") else "") + _names(c.value)
    elif c.field == "runtime":
        label = _runtime(c)
    elif c.field == "rating":
        label = _rating(c)
    elif c.field == "votes":
        label = "lesser known" if c.op in ("<=", "<") else "popular"
    elif c.field == "title":
        label = f"not {c.text}" if c.text and not c.text.lower().startswith("not") else c.text
    return label or c.text or f"{c.field} {c.op} {_names(c.value)}"
