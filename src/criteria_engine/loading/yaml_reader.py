"""Read YAML into plain Python values, keeping the line and column of every value.

PyYAML's ``compose`` (with the C loader where available) gives every node its position;
this module walks the node tree once and returns the data plus a table from each value's
path to its position, so errors can name ``file:line:col``.

It is also the pack's guard against hostile files: a size limit, a nesting limit checked
on the token stream before anything is built (so no recursion can overflow), and no
anchors, aliases or custom tags (no alias bombs, no Python objects). Numbers become
:class:`~decimal.Decimal` straight from their text, never through ``float``; only
``true``/``false`` are booleans (YAML 1.1's ``yes``/``no``/``on``/``off`` stay text), and
duplicate keys are refused instead of silently keeping the last one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import yaml

from ..model.problems import PackError, Problem

MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 40

try:  # the C loader is 10x faster; the pure one is a fallback
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is bundled in PyYAML wheels
    _Loader = yaml.SafeLoader

Path = tuple[str | int, ...]

_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@attrs.frozen
class YamlDocument:
    """A YAML file's data with the position of each value."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]]
    text: str

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """Line and column (from 1) of the value at ``path``, or of its nearest parent."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (None, None))

    def line_text(self, line: int | None) -> str | None:
        if line is None:
            return None
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def problem(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> Problem:
        """A problem at a value of this file; ``line``/``column`` override its position."""
        at_line, at_col = self.where(path)
        line = line or at_line
        column = column or at_col
        return Problem(
            code=code,
            message=message,
            file=self.file,
            line=line,
            column=column,
            path=tuple(path),
            hint=hint,
            source_line=self.line_text(line),
        )


def _problem(
    file: str, text: str, mark: Any, code: str, message: str, hint: str | None = None
) -> Problem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    lines = text.splitlines()
    source = lines[line - 1] if line and 0 < line <= len(lines) else None
    return Problem(
        code=code,
        message=message,
        file=file,
        line=line,
        column=column,
        hint=hint,
        source_line=source,
    )


def read_yaml_file(path: str, display: str | None = None) -> YamlDocument:
    """Read and check one YAML file; raise :class:`PackError` on any problem."""
    display = display or path
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PackError(
            [Problem("unreadable", f"cannot read the file: {exc.strerror}", file=display)]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PackError(
            [
                Problem(
                    "too-large",
                    f"the file is larger than {MAX_FILE_BYTES:,} "
                    "bytes; a pack file is never that big",
                    file=display,
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackError(
            [Problem("encoding", f"the file is not UTF-8 (byte {exc.start})", file=display)]
        ) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, file: str = "<string>") -> YamlDocument:
    """Parse YAML text; raise :class:`PackError` naming the first place it goes wrong."""
    _prescan(text, file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise PackError(
            [_problem(file, text, exc.problem_mark, "yaml-syntax", exc.problem or "invalid YAML")]
        ) from None
    except yaml.YAMLError as exc:
        raise PackError([_problem(file, text, None, "yaml-syntax", str(exc))]) from None
    positions: dict[Path, tuple[int, int]] = {}
    problems: list[Problem] = []
    data = _build(node, (), positions, problems, file, text) if node is not None else None
    if problems:
        raise PackError(problems)
    return YamlDocument(file=file, data=data, positions=positions, text=text)


def _prescan(text: str, file: str) -> None:
    """Refuse anchors, aliases, custom tags and deep nesting before building anything."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise PackError(
                        [
                            _problem(
                                file,
                                text,
                                token.start_mark,
                                "too-deep",
                                f"nesting deeper than {MAX_DEPTH} levels",
                            )
                        ]
                    )
            elif isinstance(token, _CLOSE):
                depth -= 1
            elif isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                raise PackError(
                    [
                        _problem(
                            file,
                            text,
                            token.start_mark,
                            "alias",
                            "anchors and aliases (&name, *name) are not allowed in pack files",
                            "write the value out in full",
                        )
                    ]
                )
            elif isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                tag = (handle or "") + (suffix or "")
                if not tag.startswith("!!") or f"tag:yaml.org,2002:{tag[2:]}" not in _STANDARD_TAGS:
                    raise PackError(
                        [
                            _problem(
                                file,
                                text,
                                token.start_mark,
                                "tag",
                                f"the tag {tag!r} is not allowed in pack files",
                                "remove the tag",
                            )
                        ]
                    )
    except yaml.MarkedYAMLError as exc:
        # libyaml (PyYAML >= 6.0.4) stops at its own nesting limit, deeper than ours
        code = "too-deep" if "nesting depth" in (exc.problem or "") else "yaml-syntax"
        raise PackError(
            [_problem(file, text, exc.problem_mark, code, exc.problem or "invalid YAML")]
        ) from None


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:int" or tag == "tag:yaml.org,2002:float":
        text = value.replace("_", "")
        if text.lower().lstrip("+-") in (".inf", ".nan"):
            raise ValueError(f"{value!r} is not a finite number")
        try:
            if text.lower().startswith(("0x", "0o", "-0x", "+0x")):
                return Decimal(int(text, 0))
            return Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValueError(f"{value!r} is not a number this tool reads") from None
    if tag == "tag:yaml.org,2002:bool":
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        return value  # yes/no/on/off stay text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r}: only plain dates (YYYY-MM-DD) are read") from None
    return unicodedata.normalize("NFC", value)


def _build(
    node: Any,
    path: Path,
    positions: dict[Path, tuple[int, int]],
    problems: list[Problem],
    file: str,
    text: str,
) -> Any:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        try:
            return _scalar(node)
        except ValueError as exc:
            problems.append(_problem(file, text, node.start_mark, "bad-value", str(exc)))
            return None
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, i), positions, problems, file, text)
            for i, item in enumerate(node.value)
        ]
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                _problem(file, text, key_node.start_mark, "bad-key", "a key must be a plain value")
            )
            continue
        key = unicodedata.normalize("NFC", key_node.value)
        if key in out:
            problems.append(
                _problem(
                    file,
                    text,
                    key_node.start_mark,
                    "duplicate-key",
                    f"the key {key!r} appears twice",
                    "YAML keeps only one of them; remove or rename one",
                )
            )
            continue
        out[key] = _build(value_node, (*path, key), positions, problems, file, text)
        positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        positions[(*path, key, "")] = (
            value_node.start_mark.line + 1,
            value_node.start_mark.column + 1,
        )
    return out
