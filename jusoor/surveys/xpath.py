"""The XPath subset that real XLSForms use, evaluated on the server for the web form.

Supported: numbers and strings, ``${name}`` references and ``../name`` ones (pyxform writes
these for ``or_other``; a name is unique in a form, so both are read by name), ``.`` (the
question's own value),
comparisons, ``and``/``or``, arithmetic (``+ - * div mod``), parentheses, and the functions
``not selected count-selected string-length if concat number int round coalesce true false
today regex``. Anything else raises ``XPathError`` naming what is outside the subset, so a form
author learns it at once rather than getting a silently wrong answer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d*)?|\.\d+)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<ref>\$\{[A-Za-z_][\w.\-]*\})
    | (?P<up>(?:\.\./)+[A-Za-z_][\w.\-]*)
    | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<dot>\.(?![\w]))
    | (?P<name>[A-Za-z_][\w\-:]*)
    )""",
    re.VERBOSE,
)


class XPathError(ValueError):
    pass


@dataclass
class Token:
    kind: str
    text: str


def tokenise(expression: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise XPathError(
                _("cannot read “%(text)s” in %(expression)s")
                % {"text": text[position : position + 20], "expression": expression}
            )
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    return value not in ("", None)


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else str(value)
    return "" if value is None else str(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in ("=", "!=") and not any(isinstance(v, int | float | bool) for v in (left, right)):
        same = _string(left) == _string(right)
        return same if op == "=" else not same
    a, b = _number(left), _number(right)
    if math.isnan(a) or math.isnan(b):
        if op in ("=", "!="):
            same = _string(left) == _string(right)
            return same if op == "=" else not same
        return False
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def _round(value: Any, places: Any = 0) -> float:
    factor = 10 ** int(_number(places))
    return math.floor(_number(value) * factor + 0.5) / factor


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "not": lambda v: not _boolean(v),
    "selected": lambda values, choice: _string(choice) in _string(values).split(),
    "count-selected": lambda values: float(len(_string(values).split())),
    "string-length": lambda v: float(len(_string(v))),
    "concat": lambda *parts: "".join(_string(p) for p in parts),
    "number": _number,
    "int": lambda v: float(math.trunc(_number(v))) if not math.isnan(_number(v)) else math.nan,
    "round": _round,
    "coalesce": lambda a, b: a if _string(a) != "" else b,
    "true": lambda: True,
    "false": lambda: False,
    "today": lambda: dt.date.today().isoformat(),
    "regex": lambda v, pattern: re.fullmatch(_string(pattern), _string(v)) is not None,
}


class Evaluator:
    """``lookup(name)`` gives a question's value; ``names`` resolves bare names (choice filters)."""

    def __init__(
        self,
        lookup: Callable[[str], Any],
        current: Any = "",
        names: dict[str, Any] | None = None,
    ) -> None:
        self.lookup = lookup
        self.current = current
        self.names = names if names is not None else {}  # an empty mapping is still one

    def evaluate(self, expression: str) -> Any:
        if not expression or not expression.strip():
            return True
        self.tokens = tokenise(expression)
        self.position = 0
        self.expression = expression
        value = self._or()
        if self.position != len(self.tokens):
            raise XPathError(
                _("unexpected “%(text)s” in %(expression)s")
                % {"text": self.tokens[self.position].text, "expression": expression}
            )
        return value

    def truth(self, expression: str) -> bool:
        return _boolean(self.evaluate(expression))

    def _peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, text: str | None = None) -> Token:
        token = self._peek()
        if token is None or (text is not None and token.text != text):
            raise XPathError(
                _("expected “%(text)s” in %(expression)s")
                % {"text": text or "…", "expression": self.expression}
            )
        self.position += 1
        return token

    def _is(self, *texts: str) -> bool:
        token = self._peek()
        return token is not None and token.kind in ("op", "name") and token.text in texts

    def _or(self) -> Any:
        value = self._and()
        while self._is("or"):
            self._take()
            right = self._and()
            value = _boolean(value) or _boolean(right)
        return value

    def _and(self) -> Any:
        value = self._comparison()
        while self._is("and"):
            self._take()
            right = self._comparison()
            value = _boolean(value) and _boolean(right)
        return value

    def _comparison(self) -> Any:
        value = self._additive()
        while self._is("=", "!=", "<", "<=", ">", ">="):
            op = self._take().text
            value = _compare(op, value, self._additive())
        return value

    def _additive(self) -> Any:
        value = self._multiplicative()
        while self._is("+", "-"):
            op = self._take().text
            right = self._multiplicative()
            value = (
                _number(value) + _number(right) if op == "+" else _number(value) - _number(right)
            )
        return value

    def _multiplicative(self) -> Any:
        value = self._unary()
        while self._is("*", "div", "mod"):
            op = self._take().text
            right = _number(self._unary())
            left = _number(value)
            if op == "*":
                value = left * right
            elif right == 0:
                value = math.nan
            else:
                value = left / right if op == "div" else math.fmod(left, right)
        return value

    def _unary(self) -> Any:
        if self._is("-"):
            self._take()
            return -_number(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        token = self._take()
        if token.kind == "number":
            return float(token.text)
        if token.kind == "string":
            return token.text[1:-1]
        if token.kind == "ref":
            return self.lookup(token.text[2:-1])
        if token.kind == "up":
            return self.lookup(token.text.rsplit("/", 1)[-1])
        if token.kind == "dot":
            return self.current
        if token.kind == "op" and token.text == "(":
            value = self._or()
            self._take(")")
            return value
        if token.kind == "name":
            if self._is("("):
                return self._call(token.text)
            if token.text in self.names:
                return self.names[token.text]
        raise XPathError(
            _("“%(text)s” is outside the supported expressions in %(expression)s")
            % {"text": token.text, "expression": self.expression}
        )

    def _call(self, name: str) -> Any:
        self._take("(")
        if name == "if":
            condition = self._or()
            self._take(",")
            then = self._or()
            self._take(",")
            otherwise = self._or()
            self._take(")")
            return then if _boolean(condition) else otherwise
        arguments = []
        if not self._is(")"):
            arguments.append(self._or())
            while self._is(","):
                self._take()
                arguments.append(self._or())
        self._take(")")
        function = FUNCTIONS.get(name)
        if function is None:
            raise XPathError(
                _("the function %(name)s() is outside the supported expressions") % {"name": name}
            )
        try:
            return function(*arguments)
        except TypeError as exc:
            raise XPathError(
                _("%(name)s() was given %(count)s arguments")
                % {"name": name, "count": len(arguments)}
            ) from exc


def as_text(value: Any) -> str:
    return _string(value)


def as_bool(value: Any) -> bool:
    return _boolean(value)
