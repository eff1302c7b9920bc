"""Names for common slips: lark's parse errors → one readable :class:`Problem`.

lark reports the token it did not expect and the terminals it would have accepted. That
is exact but cryptic for a provincial IT officer ("Expected one of: RPAR, COMMA"), so
this module recognises the usual slips (a missing ``)``, ``=`` instead of ``==``, a step
table without ``else``, chained comparisons, Python habits such as ``**`` or ``x.y``) and
says what to write instead. Anything not recognised still gets a plain message naming the
unexpected token and what could have come there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import Problem

__all__ = ["problem_for"]

#: Terminals that can start a value (an operand).
_VALUE_START = frozenset(
    {"NAME", "NUMBER", "PERCENT", "STRING", "TRUE", "FALSE", "LPAR", "MINUS", "STEPS"}
)
#: Terminals only expected where an operand is missing (``-`` and ``(`` may also follow one).
_OPERAND_ONLY = frozenset({"NAME", "NUMBER", "PERCENT", "STRING"})

#: How terminals are named in messages, in the order they are listed.
_SHOWN = {
    "RPAR": "')'",
    "RSQB": "']'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "THEN": "'then'",
    "ELSE": "'else'",
    "_ARROW": "'->'",
    "LSQB": "'['",
    "LBRACE": "'{'",
    "COMPARE": "a comparison",
    "IN": "'in'",
    "AND": "'and'",
    "OR": "'or'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "$END": "the end of the formula",
}

_NEEDS_LIST = "'in' must be followed by a list of fixed values in '[...]'"
_PYTHON_WORDS = frozenset(
    {"lambda", "for", "while", "import", "def", "return", "class", "with", "yield", "del"}
)
_INVISIBLE = frozenset({"\u00a0", "\u2007", "\u202f", "\u200b", "\u200c", "\u200d", "\ufeff"})
_LAST_TOKEN = re.compile(r"(->|[=!<>]=|[a-z0-9_.%]+|\S)\s*\Z")
_WORD = re.compile(r"[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\u00c0-\uffff]*")


def problem_for(exc: UnexpectedInput, text: str) -> Problem:
    """A problem (code ``"syntax"``) that says what is wrong in words."""
    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(exc, text)
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return _early_end(exc, text)
        return _bad_token(exc, text)
    line, column = _end_of(text)  # pragma: no cover - LALR raises only the two above
    return Problem("syntax", "the formula ends too early", line, column)


# -- characters no token can start with -----------------------------------------------


def _bad_character(exc: UnexpectedCharacters, text: str) -> Problem:
    pos = exc.pos_in_stream
    ch = text[pos]
    after = text[pos + 1 : pos + 2]
    line, column = exc.line, exc.column

    def problem(message: str, hint: str | None = None, width: int = 1) -> Problem:
        return Problem("syntax", message, line, column, column + width, hint)

    if ch == "=":
        if after in "<>" and after:
            return problem(f"'={after}' is not a comparison, use '{after}='", width=2)
        return problem("'=' is not a comparison, use '=='", "write a == b to compare")
    if ch == "!":
        return problem("'!' is not an operator", "write 'not' before a condition, '!=' for unequal")
    if ch in "&|":
        word = "and" if ch == "&" else "or"
        return problem(f"'{ch}' is not an operator, use '{word}'")
    if ch == "'":
        return problem("text goes in double quotes, not single quotes", 'write "like this"')
    if ch in "\u201c\u201d\u2018\u2019":
        return problem("typographic quotes are not allowed", 'use straight double quotes: "…"')
    if ch == '"':
        return problem(
            "a text has no closing '\"' on this line",
            'close it with ", and write \\" for a quote inside the text',
            width=max(len(text[pos:].split("\n", 1)[0]), 1),
        )
    if ch == ":":
        return problem("':' is not part of the language", "a step is written '>= 80% -> 10'")
    if ch == ".":
        if text[pos - 1 : pos].isdigit() or after.isdigit():
            return problem("a number needs digits on both sides of '.', like 0.5")
        return problem("'.' is not allowed here: formulas have no attributes or methods")
    if ch == "%":
        return problem("'%' must follow its number directly, like 85%")
    if ch in "^":
        return problem("there is no power operator", "multiply instead, e.g. x * x")
    if ch in _INVISIBLE or (ch.isspace() and ch not in " \t\r\n"):
        return problem(
            f"invisible character {_codepoint(ch)} in the formula",
            "delete it and type an ordinary space if one is needed",
        )
    if ch.isalpha() or ch == "_":
        return _bad_name(text, pos, line, column)
    shown = f"'{ch}'" if ch.isprintable() and not ch.isspace() else _codepoint(ch)
    return problem(f"unknown character {shown}")


def _bad_name(text: str, pos: int, line: int, column: int) -> Problem:
    """An uppercase or non-ASCII letter: names are lowercase ASCII snake_case."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    word = _WORD.match(text, start)
    name = word.group(0) if word else text[pos]
    ch = text[pos]
    offset = start - pos
    if ch.isascii():
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
        hint = f"write '{snake}'"
        message = f"names are written in lowercase: '{name}'"
    else:
        message = f"names use only the letters a-z, digits and '_': '{name}'"
        hint = 'text in Vietnamese goes in double quotes, "like this"'
    return Problem("syntax", message, line, column + offset, column + offset + len(name), hint)


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


# -- tokens in the wrong place --------------------------------------------------------


def _bad_token(exc: UnexpectedToken, text: str) -> Problem:
    token: Token = exc.token
    kind, value = token.type, str(token)
    expected = set(exc.accepts or exc.expected)
    line, column = token.line or 1, token.column or 1
    end = token.end_column if token.end_line == token.line else None

    def problem(message: str, hint: str | None = None) -> Problem:
        return Problem("syntax", message, line, column, end, hint)

    if kind == "RBRACE" and ("ELSE" in expected or expected == {"COMMA"}):
        return problem(
            "a step table needs a final 'else -> value'",
            "end it with, for example: else -> 0 }",
        )
    if kind in ("COMPARE", "IN") and "AND" in expected and "COMPARE" not in expected:
        return problem(
            "comparisons cannot be chained",
            "compare twice and join with 'and': a < b and b < c",
        )
    if kind == "STAR" and text[token.start_pos - 1 : token.start_pos] == "*":
        return problem("there is no power operator '**'", "multiply instead, e.g. x * x")
    if kind == "_ARROW":
        return problem(
            "'->' is only used inside a step table",
            "steps x { >= 80% -> 10, else -> 0 }",
        )
    if kind == "LSQB":
        return problem(
            "'[' starts a list, and lists only follow 'in' or 'not in'",
            'write: x in ["a", "b"]',
        )
    closer = {"RPAR": "(", "RSQB": "[", "RBRACE": "{"}.get(kind)
    if closer is not None and not any(o == closer for o, _, _ in _open_brackets(text, token)):
        return problem(f"'{value}' has no matching '{closer}'")
    if kind == "IF" and "LPAR" in expected:
        return problem(
            "'if … then … else' must be in parentheses here",
            "write, for example: 1 + (if a then 1 else 0)",
        )
    if expected == {"LSQB"}:
        return problem(_NEEDS_LIST, 'write: x in ["a", "b"]')
    if kind == "COMMA":
        return problem(
            "',' only separates function arguments, list items and steps",
            _expected_hint(expected),
        )
    if "THEN" in expected and kind != "THEN":
        return problem("'then' is missing after the condition of 'if'", "if C then A else B")
    if kind == "NAME" and value in _PYTHON_WORDS:
        return problem(f"'{value}' is not part of the language")
    if kind in _VALUE_START and ("PLUS" in expected or "AND" in expected):
        return _missing_operator(token, text, problem)
    return problem(f"unexpected {_describe(token)}", _expected_hint(expected))


def _missing_operator(
    token: Token, text: str, problem: Callable[[str, str | None], Problem]
) -> Problem:
    kind, value = token.type, str(token)
    before = text[: token.start_pos]
    if kind == "NAME" and value[:1] == "e" and before[-1:].isdigit():
        return problem("numbers are written without exponents", "write the number out in full")
    if kind == "NAME" and value == "is":
        return problem("'is' is not an operator", "compare with '==' or '!='")
    if kind == "NAME" and value == "elif":
        return problem("'elif' is not a keyword", "write 'else if'")
    if kind == "LPAR":
        return problem(
            "only functions can be called with '(…)'",
            "multiplication is written with '*': 2 * (a + b)",
        )
    return problem(
        f"an operator is missing before {_describe(token)}",
        "join the two parts with an operator such as +, *, and, or",
    )


# -- the formula ends too early -------------------------------------------------------


def _early_end(exc: UnexpectedToken, text: str) -> Problem:
    expected = set(exc.accepts or exc.expected)
    line, column = _end_of(text)

    def problem(message: str, hint: str | None = None) -> Problem:
        return Problem("syntax", message, line, column, column + 1, hint)

    if not _strip_comments(text).strip():
        return Problem("syntax", "the formula is empty", 1, 1, 2, "write an expression")
    opened = _open_brackets(text, None)
    innermost = opened[-1][0] if opened else None
    if "THEN" in expected:
        return problem("'if' needs 'then' and 'else': if C then A else B")
    if "ELSE" in expected and innermost == "{" and "PLUS" not in expected:
        return problem("a step table needs a final 'else -> value'", "end it with: else -> 0 }")
    if "ELSE" in expected:
        return problem("'if' needs an 'else' part: if C then A else B")
    if expected == {"LSQB"}:
        return problem(_NEEDS_LIST, 'write: x in ["a", "b"]')
    if expected & _OPERAND_ONLY:
        last = _LAST_TOKEN.search(_strip_comments(text))
        after = f" after '{last.group(1)}'" if last else ""
        return problem(f"the formula ends too early: a value is missing{after}")
    if innermost is not None:
        closing = {"(": ")", "[": "]", "{": "}"}[innermost]
        _, open_line, open_column = opened[-1]
        return problem(
            f"missing '{closing}'",
            f"the '{innermost}' at {open_line}:{open_column} is never closed",
        )
    return problem("the formula ends too early", _expected_hint(expected))


# -- describing tokens and brackets ------------------------------------------------


def _describe(token: Token) -> str:
    kind, value = token.type, str(token)
    if kind == "NAME":
        return f"name '{value}'"
    if kind == "NUMBER":
        return f"number {value}"
    if kind == "PERCENT":
        return f"percentage {value}"
    if kind == "STRING":
        return f"text {value}"
    return f"'{value}'"


def _expected_hint(expected: set[str]) -> str | None:
    shown = [text for name, text in _SHOWN.items() if name in expected]
    if expected & _OPERAND_ONLY:
        # '-' is then a sign, part of "a value".
        shown = ["a value", *(text for text in shown if text != "'-'")]
    if not shown:
        return None
    if len(shown) == 1:
        return f"expected {shown[0]}"
    return "expected " + ", ".join(shown[:-1]) + " or " + shown[-1]


def _strip_comments(text: str) -> str:
    """``text`` with ``#`` comments blanked out (outside of double-quoted texts)."""
    out, in_text, in_comment, index = [], False, False, 0
    while index < len(text):
        ch = text[index]
        if in_comment:
            in_comment = ch != "\n"
            out.append(ch if ch == "\n" else " ")
        elif in_text:
            if ch == "\\" and index + 1 < len(text):
                out.append(text[index : index + 2])
                index += 2
                continue
            in_text = ch != '"' and ch != "\n"
            out.append(ch)
        elif ch == "#":
            in_comment = True
            out.append(" ")
        else:
            in_text = ch == '"'
            out.append(ch)
        index += 1
    return "".join(out)


def _open_brackets(text: str, token: Token | None) -> list[tuple[str, int, int]]:
    """Brackets opened and not yet closed before ``token`` (or the end), with positions."""
    stop = token.start_pos if token is not None and token.start_pos is not None else len(text)
    clean = _strip_comments(text)[:stop]
    opened: list[tuple[str, int, int]] = []
    line, column, in_text, escaped = 1, 1, False, False
    pairs = {")": "(", "]": "[", "}": "{"}
    for ch in clean:
        if in_text:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch in '"\n':
                in_text = False
        elif ch == '"':
            in_text = True
        elif ch in "([{":
            opened.append((ch, line, column))
        elif ch in pairs and opened and opened[-1][0] == pairs[ch]:
            opened.pop()
        if ch == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    return opened


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just after the last character that is not a space or comment."""
    body = _strip_comments(text).rstrip()
    lines = body.split("\n")
    return len(lines), len(lines[-1]) + 1
