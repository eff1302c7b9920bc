"""Checked tree → Python function, generated as readable source and compiled once.

Following jinja's code generator, the compiler writes Python source text from the
checked (and constant-folded) tree only, then ``compile()``s and ``exec``s that source
in a namespace holding nothing but the few functions it calls and the formula's constants.
Formula text never reaches ``eval``: the only parts of a formula that appear in the
generated source are names (validated against the grammar, and written with ``repr`` as
dictionary keys) and texts (Python string literals made by ``repr``). Numbers, lists of
values and lookup tables are hoisted into namespace globals (``_c0``, ``_k1``…), shown
as ``_c0 = Decimal('0.85')`` lines at the top of ``python_source``. Everything else is
fixed code chosen by node type.

The result is about as fast as a hand-written Decimal function (see
``benchmarks/dsl_bench.py``), which matters when a batch scores every criterion of
every unit of a province.
"""

from __future__ import annotations

import decimal
import functools
import marshal
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import CodeType, FunctionType
from typing import TYPE_CHECKING, Any

from .errors import DslEvaluationError
from .evaluate import EMPTY, Value, evaluate
from .functions import AGGREGATES, FUNCTIONS, Aggregate, aggregate_of
from .nodes import (
    And,
    Arith,
    Boolean,
    Call,
    Compare,
    If,
    Membership,
    Name,
    Neg,
    Node,
    Not,
    Number,
    Or,
    Steps,
    Text,
    constant_value,
    is_name,
    walk,
)
from .optimize import optimize
from .printer import to_source
from .types import Type
from .visitor import Visitor

__all__ = ["Formula", "compile_node", "formula_state", "restore_formula"]

#: What the generated function turns into a :class:`DslEvaluationError`.
_CAUGHT = (ArithmeticError, LookupError, TypeError, ValueError)


class Formula(functools.partial):  # type: ignore[type-arg]
    """A checked, compiled formula; call it with a unit's values to get its result.

    ``formula(values, scores=EMPTY, aggregates=EMPTY)``: ``values`` maps input names to
    values, ``scores`` criterion ids to their (Decimal) scores, ``aggregates`` the
    :attr:`Aggregate.key` of each batch-wide figure (``"best:docs_total"``) to its value.
    The result is a ``Decimal``, ``bool`` or ``str`` according to ``type``.

    A formula is a read-only ``functools.partial`` of its generated function so that a
    call goes straight from C into that function: a Python ``__call__`` method would
    add a frame to each of the millions of calls a province's batch makes.

    The compiled path trusts its caller for speed: numbers must already be finite
    ``Decimal`` values (never floats) and the decimal context must trap invalid
    operations, division by zero and overflow (Python's default does). Any failure is
    re-run through the checking reference evaluator and raised as
    :class:`DslEvaluationError` naming the sub-expression and the input values.
    """

    __slots__ = (
        "_folded",
        "_origin",
        "_written",
        "aggregates",
        "inputs",
        "node",
        "python_source",
        "references",
        "text",
        "type",
    )

    #: Canonical source text of the formula.
    text: str
    #: The checked syntax tree (before constant folding).
    node: Node
    #: The type of the result.
    type: Type
    #: Input names the formula reads.
    inputs: frozenset[str]
    #: ``(criterion_id, line, column)`` of each ``score("…")``, in source order.
    references: tuple[tuple[str, int, int], ...]
    #: The block-wide figures the formula needs from the batch (``best(x)``, ``mean(x)``).
    aggregates: frozenset[Aggregate]
    #: The generated Python source, for ``show`` and debugging.
    python_source: str

    def __new__(cls, function: Callable[..., Value], **fields: Any) -> Formula:
        self = super().__new__(cls, function)
        for name in cls.__slots__:
            object.__setattr__(self, name, fields[name])
        return self

    if TYPE_CHECKING:

        def __call__(
            self,
            values: Mapping[str, object],
            scores: Mapping[str, object] = EMPTY,
            aggregates: Mapping[str, object] = EMPTY,
        ) -> Value: ...

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Formula is read-only (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Formula is read-only (cannot delete {name!r})")

    def __repr__(self) -> str:
        return f"Formula({self.text!r}, type={self.type})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The generated function cannot be pickled; the checked tree can be recompiled.
        return (_recompile, (self.node, self._written, self._origin))


def _recompile(node: Node, text: str | None, origin: str | None) -> Formula:
    return compile_node(node, text=text, origin=origin)


def compile_node(node: Node, *, text: str | None = None, origin: str | None = None) -> Formula:
    """Compile a tree that :func:`~criteria_engine.dsl.check` has typed.

    ``text`` is the formula as written, used in evaluation error messages (the canonical
    text is used when it is not given); ``origin`` labels those messages.
    """
    if node.type is None:
        raise ValueError("compile_node needs a checked tree (use check() first)")
    canonical = to_source(node)
    generator = _CodeGenerator()
    folded = optimize(node)
    function_source = generator.function(folded)
    prelude = "".join(line + "\n" for line in generator.prelude)
    source = f"{prelude}\n\n{function_source}" if prelude else function_source
    code = _code(function_source).co_consts[0]  # the code of the function itself
    assert isinstance(code, CodeType)
    return _formula(node, folded, code, generator.bound, canonical, source, text, origin)


def _formula(
    node: Node,
    folded: Node,
    code: CodeType,
    bound: dict[str, object],
    canonical: str,
    source: str,
    text: str | None,
    origin: str | None,
) -> Formula:
    """A :class:`Formula` around the generated function ``code`` and its constants."""
    shown_text = text if text is not None else canonical

    def fail(exc: Exception, values: Any, scores: Any, aggregates: Any) -> DslEvaluationError:
        """Explain a failure of the fast path by re-running the reference evaluator."""
        try:
            evaluate(node, values, scores, aggregates, text=shown_text, origin=origin)
        except DslEvaluationError as error:
            return error
        return DslEvaluationError(
            f"cannot compute the formula ({type(exc).__name__}: {exc})",
            text=shown_text,
            origin=origin,
        )

    namespace: dict[str, Any] = {**_HELPERS, "_EMPTY": EMPTY, "_fail": fail, **bound}
    function = FunctionType(code, namespace, "formula", (EMPTY, EMPTY))
    inputs, references, aggregates = _uses(node)
    return Formula(
        function,
        text=canonical,
        node=node,
        type=node.type,
        inputs=inputs,
        references=references,
        aggregates=aggregates,
        python_source=source,
        _written=text,
        _origin=origin,
        _folded=folded,
    )


def formula_state(formula: Formula) -> tuple[Any, ...]:
    """What :func:`restore_formula` needs to rebuild ``formula`` without compiling it
    again: its trees, texts and constants, and its function's code as ``marshal`` bytes
    (valid for this Python version only: keep it where the version is part of the key)."""
    function = formula.func
    names = set(_HELPERS) | {"_EMPTY", "_fail"}
    bound = {k: v for k, v in function.__globals__.items() if k not in names}
    return (
        formula.node,
        formula._folded,
        marshal.dumps(function.__code__),
        bound,
        formula.text,
        formula.python_source,
        formula._written,
        formula._origin,
    )


def restore_formula(state: tuple[Any, ...]) -> Formula:
    """The formula :func:`formula_state` described."""
    node, folded, code, bound, canonical, source, text, origin = state
    return _formula(node, folded, marshal.loads(code), bound, canonical, source, text, origin)


#: What generated code may use besides its own constants: three builtins and two values.
_HELPERS: dict[str, Any] = {
    "__builtins__": {"min": min, "max": max, "abs": abs},
    "_ZERO": Decimal(0),
    "_HALF_UP": decimal.ROUND_HALF_UP,
    "_CAUGHT": _CAUGHT,
}


@functools.lru_cache(maxsize=4096)
def _code(function_source: str) -> CodeType:
    """Python's compiler is the slowest step; formulas of the same shape share its work.

    Constants are not part of ``function_source`` (they are bound in the namespace), so
    ``if has_portal then 2 else 0`` and ``if has_portal then 3 else 0`` compile once.
    """
    return compile(function_source, "<formula>", "exec")


def _uses(
    node: Node,
) -> tuple[frozenset[str], tuple[tuple[str, int, int], ...], frozenset[Aggregate]]:
    """The inputs, criterion references and aggregates a checked tree refers to."""
    inputs: set[str] = set()
    references: list[tuple[str, int, int]] = []
    aggregates: set[Aggregate] = set()
    skip: set[int] = set()
    for current in walk(node):
        if isinstance(current, Call) and current.function == "score":
            key = constant_value(current.args[0])
            assert isinstance(key, str)
            references.append((key, current.line, current.column))
        elif isinstance(current, Call) and current.function in AGGREGATES:
            aggregates.add(aggregate_of(current))
            skip.add(id(current.args[0]))
        elif isinstance(current, Name) and id(current) not in skip:
            inputs.add(current.name)
    return frozenset(inputs), tuple(references), frozenset(aggregates)


# -- safe constants ---------------------------------------------------------------------


def _decimal_literal(value: object) -> str:
    if type(value) is not Decimal or not value.is_finite():
        raise TypeError(f"not a finite Decimal: {value!r}")
    return repr(value)  # Decimal('0.85')


def _str_literal(value: object) -> str:
    if type(value) is not str:
        raise TypeError(f"not a str: {value!r}")
    return repr(value)


def _key_literal(name: object) -> str:
    if not is_name(name):
        raise ValueError(f"not a valid name: {name!r}")
    return repr(name)


def _bool_literal(value: object) -> str:
    if type(value) is not bool:
        raise TypeError(f"not a bool: {value!r}")
    return "True" if value else "False"


def _constant_literal(value: object) -> str:
    if isinstance(value, bool):
        return _bool_literal(value)
    if isinstance(value, str):
        return _str_literal(value)
    return _decimal_literal(value)


# -- the generator ----------------------------------------------------------------------


class _CodeGenerator(Visitor[str]):
    """Writes one Python expression per node, fully parenthesised."""

    def __init__(self) -> None:
        #: ``name = literal`` lines, showing what ``bound`` holds.
        self.prelude: list[str] = []
        #: The constants, by name, for the function's namespace.
        self.bound: dict[str, object] = {}
        self.names: dict[str, str] = {}
        self.temporaries = 0

    def function(self, node: Node) -> str:
        """The source of ``formula(values, scores, aggregates)`` computing ``node``."""
        body = self.visit(node)
        lines = [
            "def formula(values, scores=_EMPTY, aggregates=_EMPTY):",
            "    try:",
            f"        return {body}",
            "    except _CAUGHT as exc:",
            "        raise _fail(exc, values, scores, aggregates) from exc",
            "",
        ]
        return "\n".join(lines)

    def hoist(self, prefix: str, literal: str, value: object) -> str:
        """A global name for constant ``value`` (written ``literal``), shared if repeated."""
        name = self.names.get(literal)
        if name is None:
            name = f"{prefix}{len(self.names)}"
            self.names[literal] = name
            self.bound[name] = value
            self.prelude.append(f"{name} = {literal}")
        return name

    def temporary(self) -> str:
        self.temporaries += 1
        return f"_t{self.temporaries - 1}"

    # -- literals and names -------------------------------------------------------

    def visit_Number(self, node: Number) -> str:
        return self.hoist("_c", _decimal_literal(node.value), node.value)

    def visit_Boolean(self, node: Boolean) -> str:
        return _bool_literal(node.value)

    def visit_Text(self, node: Text) -> str:
        return _str_literal(node.value)

    def visit_Name(self, node: Name) -> str:
        return f"values[{_key_literal(node.name)}]"

    # -- operators ----------------------------------------------------------------

    def visit_Neg(self, node: Neg) -> str:
        return f"(-{self.visit(node.operand)})"

    def visit_Not(self, node: Not) -> str:
        return f"(not {self.visit(node.operand)})"

    def visit_Arith(self, node: Arith) -> str:
        op = {"+": "+", "-": "-", "*": "*", "/": "/"}[node.op]
        return f"({self.visit(node.left)} {op} {self.visit(node.right)})"

    def visit_Compare(self, node: Compare) -> str:
        return f"({self.visit(node.left)} {_COMPARE[node.op]} {self.visit(node.right)})"

    def visit_And(self, node: And) -> str:
        return f"({self.visit(node.left)} and {self.visit(node.right)})"

    def visit_Or(self, node: Or) -> str:
        return f"({self.visit(node.left)} or {self.visit(node.right)})"

    def visit_If(self, node: If) -> str:
        condition = self.visit(node.condition)
        then, otherwise = self.visit(node.then), self.visit(node.otherwise)
        return f"({then} if {condition} else {otherwise})"

    def visit_Membership(self, node: Membership) -> str:
        constants = {constant_value(item) for item in node.items}
        items = sorted(_constant_literal(item) for item in constants)
        literal = "frozenset({" + ", ".join(items) + "})"
        values = self.hoist("_k", literal, frozenset(constants))
        keyword = "not in" if node.negated else "in"
        return f"({self.visit(node.subject)} {keyword} {values})"

    def visit_Steps(self, node: Steps) -> str:
        # The subject is computed once, into a temporary, by the first test.
        subject = self.temporary()
        parts = []
        for index, step in enumerate(node.steps):
            value = constant_value(step.threshold)
            threshold = self.hoist("_c", _decimal_literal(value), value)
            tested = f"({subject} := {self.visit(node.subject)})" if index == 0 else subject
            parts.append(f"{self.visit(step.value)} if {tested} {_COMPARE[step.op]} {threshold}")
        parts.append(self.visit(node.otherwise))
        if not node.steps:
            return parts[0]
        return "(" + " else ".join(parts) + ")"

    def visit_Call(self, node: Call) -> str:
        return FUNCTIONS[node.function].emit(self, node)

    # -- what a function's ``emit`` form uses (see ``functions``) ---------------------

    def of(self, node: Node) -> str:
        """The Python expression of ``node``."""
        return self.visit(node)

    def constant(self, value: Decimal) -> str:
        """A global name holding the number ``value``."""
        return self.hoist("_c", _decimal_literal(value), value)

    def table(self, values: tuple[Decimal, ...]) -> str:
        """A global name holding the tuple of numbers ``values``."""
        literal = "(" + ", ".join(map(_decimal_literal, values)) + ")"
        return self.hoist("_n", literal, values)

    @staticmethod
    def lookup(mapping: str, key: str) -> str:
        """Reading ``key`` (written as a string literal) from ``mapping``."""
        return f"{mapping}[{_str_literal(key)}]"


_COMPARE = {op: op for op in ("==", "!=", "<", "<=", ">", ">=")}
