"""The functions a formula may call, each declared once: its arguments, its Python code and
its reference value.

Every pass reads this one table: the checker takes each function's parameters (what kind
of argument each position takes), the compiler its ``emit`` form (the Python expression it
becomes) and the reference evaluator its ``compute`` form, so a function cannot exist in
one pass and be missing from, or differ in, another. Adding a function is one entry in
``_TABLE`` with its two small forms next to it. There is no way to add a function from a
pack: a formula can only call what is listed here.

The block-wide aggregates (``best(x)``, ``mean(x)``) are described by :class:`Aggregate`,
which every part of the engine that handles them shares: the compiled formula and the
reference evaluator read a batch's figure by ``Aggregate.key``, and the batch computes it
with ``Aggregate.summarise`` from a :class:`Summary` of the input's values.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from .nodes import Call, Name, constant_value, walk
from .types import Type

if TYPE_CHECKING:
    from .nodes import Node

__all__ = ["AGGREGATES", "FUNCTIONS", "Aggregate", "Function", "Param", "Summary"]

_ZERO = Decimal(0)


class Param(enum.Enum):
    """What one argument position of a function takes."""

    #: Any expression giving a number.
    NUMBER = "number"
    #: Any expression giving true or false.
    CONDITION = "condition"
    #: A whole number of decimal places, written as a plain number (``round(x, 2)``).
    PLACES = "places"
    #: A criterion id in double quotes (``score("1.2")``): another criterion's score.
    CRITERION = "criterion"
    #: The name of a number input summarised over the batch (``best(docs_total)``).
    AGGREGATED = "aggregated"


class Summary:
    """Running figures of one input over a batch, fed one unit at a time (memory stays
    flat however many units there are): how many units, their total and the largest."""

    __slots__ = ("best", "count", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = _ZERO
        self.best: Decimal | None = None

    def add(self, value: Decimal) -> None:
        self.count += 1
        self.total += value
        if self.best is None or value > self.best:
            self.best = value


class Aggregate(NamedTuple):
    """One block-wide figure a formula uses: ``best(docs_total)`` is
    ``Aggregate("best", "docs_total")``. Equal to the plain pair ``("best", "docs_total")``."""

    function: str
    input: str

    @property
    def key(self) -> str:
        """Its key in the aggregates mapping a formula is called with (``"best:docs_total"``)."""
        return f"{self.function}:{self.input}"

    def summarise(self, summary: Summary) -> Decimal:
        """Its value over a batch whose values of the input ``summary`` has seen."""
        rule = FUNCTIONS[self.function].summarise
        assert rule is not None, f"{self.function}() is not an aggregate"
        return rule(summary)

    def __str__(self) -> str:
        return f"{self.function}({self.input})"


# -- the forms of the functions -------------------------------------------------------
#
# ``emit(code, call)`` gives the Python expression of a checked call; ``code`` is the
# compiler (see ``compile._CodeGenerator``): ``code.of(node)`` is an argument's expression,
# ``code.constant(value)`` / ``code.table(values)`` a name bound to a constant,
# ``code.temporary()`` a fresh local name, ``code.lookup(mapping, key)`` a mapping read.
#
# ``compute(ev, call)`` gives the reference value of a call; ``ev`` is the reference
# evaluator (see ``evaluate._Evaluator``): ``ev.number(node)`` / ``ev.boolean(node)`` an
# argument's checked value, ``ev.lookup``, ``ev.arithmetic`` and ``ev.fail``.

Emit = Callable[[Any, Call], str]
Compute = Callable[[Any, Call], Any]


def _emit_min_max(code: Any, call: Call) -> str:
    return f"{call.function}({', '.join(code.of(arg) for arg in call.args)})"


def _emit_clamp(code: Any, call: Call) -> str:
    x, low, high = (code.of(arg) for arg in call.args)
    return f"min(max({x}, {low}), {high})"


def _emit_ratio(code: Any, call: Call) -> str:
    divisor = code.temporary()
    dividend = code.of(call.args[0])
    return f"({dividend} / {divisor} if ({divisor} := {code.of(call.args[1])}) else _ZERO)"


def _emit_round(code: Any, call: Call) -> str:
    return f"{code.of(call.args[0])}.quantize({code.constant(_quantum(call))}, _HALF_UP)"


def _emit_abs(code: Any, call: Call) -> str:
    return f"abs({code.of(call.args[0])})"


def _emit_sum(code: Any, call: Call) -> str:
    args = [code.of(arg) for arg in call.args]
    return args[0] if len(args) == 1 else "(" + " + ".join(args) + ")"


def _emit_count(code: Any, call: Call) -> str:
    table = code.table(tuple(Decimal(i) for i in range(len(call.args) + 1)))
    tests = " + ".join(f"(1 if {code.of(arg)} else 0)" for arg in call.args)
    return f"{table}[{tests}]"


def _emit_score(code: Any, call: Call) -> str:
    return code.lookup("scores", _criterion(call))


def _emit_aggregate(code: Any, call: Call) -> str:
    return code.lookup("aggregates", aggregate_of(call).key)


def _numbers(ev: Any, call: Call) -> list[Decimal]:
    return [ev.number(arg) for arg in call.args]


def _compute_min(ev: Any, call: Call) -> Decimal:
    numbers = _numbers(ev, call)
    return ev.arithmetic(call, lambda: min(numbers))


def _compute_max(ev: Any, call: Call) -> Decimal:
    numbers = _numbers(ev, call)
    return ev.arithmetic(call, lambda: max(numbers))


def _compute_clamp(ev: Any, call: Call) -> Decimal:
    x, low, high = _numbers(ev, call)
    return ev.arithmetic(call, lambda: min(max(x, low), high))


def _compute_ratio(ev: Any, call: Call) -> Decimal:
    # The divisor first: when it is 0 the result is 0 and the dividend is not computed.
    divisor = ev.number(call.args[1])
    if not divisor:
        return _ZERO
    dividend = ev.number(call.args[0])
    return ev.arithmetic(call, lambda: dividend / divisor)


def _compute_round(ev: Any, call: Call) -> Decimal:
    x = ev.number(call.args[0])
    if not isinstance(constant_value(call.args[1]), Decimal):
        raise ev.fail(call, "round() needs a whole number of places")
    quantum = _quantum(call)
    return ev.arithmetic(call, lambda: x.quantize(quantum, rounding=ROUND_HALF_UP))


def _compute_abs(ev: Any, call: Call) -> Decimal:
    (x,) = _numbers(ev, call)
    return ev.arithmetic(call, lambda: abs(x))


def _compute_sum(ev: Any, call: Call) -> Decimal:
    numbers = _numbers(ev, call)

    def add() -> Decimal:
        total = numbers[0]
        for number in numbers[1:]:
            total = total + number
        return total

    return ev.arithmetic(call, add)


def _compute_count(ev: Any, call: Call) -> Decimal:
    held = [ev.boolean(arg) for arg in call.args]  # every condition is checked
    return Decimal(sum(1 for condition in held if condition))


def _compute_score(ev: Any, call: Call) -> Any:
    key = constant_value(call.args[0]) if len(call.args) == 1 else None
    if not isinstance(key, str):
        raise ev.fail(call, "score() needs a criterion id")
    return ev.lookup(call, ev.scores, key, f'score("{key}")')


def _compute_aggregate(ev: Any, call: Call) -> Any:
    if len(call.args) != 1 or not isinstance(call.args[0], Name):
        raise ev.fail(call, f"{call.function}() needs an input name")
    aggregate = aggregate_of(call)
    return ev.lookup(call, ev.aggregates, aggregate.key, str(aggregate))


def _summarise_best(summary: Summary) -> Decimal:
    return summary.best if summary.best is not None else _ZERO


def _summarise_mean(summary: Summary) -> Decimal:
    return summary.total / summary.count if summary.count else _ZERO


def _quantum(call: Call) -> Decimal:
    """``1E-n`` for ``round(x, n)``: what ``quantize`` rounds to."""
    places = constant_value(call.args[1])
    assert isinstance(places, Decimal)
    return Decimal(1).scaleb(-int(places))


def _criterion(call: Call) -> str:
    key = constant_value(call.args[0])
    assert isinstance(key, str)
    return key


def aggregate_of(call: Call) -> Aggregate:
    """The :class:`Aggregate` a checked ``best(x)`` / ``mean(x)`` call reads."""
    argument = call.args[0]
    assert isinstance(argument, Name)
    return Aggregate(call.function, argument.name)


# -- the table ------------------------------------------------------------------------


@attrs.frozen
class Function:
    """One function of the language: how it is called, what it gives, and its two forms.

    ``params`` gives the kind of each argument; when a function takes more arguments than
    ``params`` lists (``max_args`` is ``None``: any number), the last kind repeats.
    """

    name: str
    signature: str
    min_args: int
    max_args: int | None
    params: tuple[Param, ...]
    summary: str
    #: The Python expression a call becomes (see the notes above the forms).
    emit: Emit = attrs.field(repr=False)
    #: The reference value of a call, with every value checked.
    compute: Compute = attrs.field(repr=False)
    #: For a block-wide aggregate: its value from the batch's :class:`Summary`.
    summarise: Callable[[Summary], Decimal] | None = attrs.field(default=None, repr=False)
    returns: Type = Type.NUMBER

    def param(self, index: int) -> Param:
        """The kind of argument ``index`` (from 0)."""
        return self.params[min(index, len(self.params) - 1)]

    @property
    def reads_data(self) -> bool:
        """Whether its value depends on the unit or batch even with constant arguments
        (``score``, ``best``, ``mean``): such a call is never folded at load time."""
        return any(p in (Param.CRITERION, Param.AGGREGATED) for p in self.params)

    @property
    def arg_type(self) -> Type | None:
        """The type every argument must have, or ``None`` when arguments have special kinds."""
        kinds = set(self.params)
        if kinds == {Param.NUMBER}:
            return Type.NUMBER
        if kinds == {Param.CONDITION}:
            return Type.BOOLEAN
        return None

    def arity_text(self) -> str:
        """``"exactly 2 arguments"``, ``"at least 1 argument"``…, for messages."""
        if self.max_args == self.min_args:
            count = f"exactly {self.min_args}"
        elif self.max_args is None:
            count = f"at least {self.min_args}"
        else:
            return f"{self.min_args} to {self.max_args} arguments"
        return f"{count} argument{'' if self.min_args == 1 else 's'}"

    def takes(self, count: int) -> bool:
        """Whether a call with ``count`` arguments has the right number of them."""
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)


_N, _C = Param.NUMBER, Param.CONDITION
_TABLE = (
    Function(
        "min", "min(a, b, …)", 2, None, (_N,), "the smallest of the numbers",
        _emit_min_max, _compute_min,
    ),
    Function(
        "max", "max(a, b, …)", 2, None, (_N,), "the largest of the numbers",
        _emit_min_max, _compute_max,
    ),
    Function(
        "clamp", "clamp(x, lo, hi)", 3, 3, (_N,), "min(max(x, lo), hi): x kept within lo … hi",
        _emit_clamp, _compute_clamp,
    ),
    Function(
        "ratio", "ratio(a, b)", 2, 2, (_N,), "a ÷ b, and 0 when b is 0",
        _emit_ratio, _compute_ratio,
    ),
    Function(
        "round", "round(x, n)", 2, 2, (_N, Param.PLACES), "x rounded half-up to n decimal places",
        _emit_round, _compute_round,
    ),
    Function("abs", "abs(x)", 1, 1, (_N,), "x without its sign", _emit_abs, _compute_abs),
    Function(
        "sum", "sum(a, b, …)", 1, None, (_N,), "the numbers added up", _emit_sum, _compute_sum
    ),
    Function(
        "count", "count(c1, c2, …)", 1, None, (_C,), "how many conditions are true",
        _emit_count, _compute_count,
    ),
    Function(
        "score", 'score("id")', 1, 1, (Param.CRITERION,), "the score of another criterion",
        _emit_score, _compute_score,
    ),
    Function(
        "best", "best(input)", 1, 1, (Param.AGGREGATED,),
        "the largest value of an input in the batch",
        _emit_aggregate, _compute_aggregate, _summarise_best,
    ),
    Function(
        "mean", "mean(input)", 1, 1, (Param.AGGREGATED,),
        "the average value of an input in the batch",
        _emit_aggregate, _compute_aggregate, _summarise_mean,
    ),
)  # fmt: skip

#: Every function of the language by name.
FUNCTIONS: Mapping[str, Function] = MappingProxyType({f.name: f for f in _TABLE})

#: The names of the block-wide aggregates (``best``, ``mean``).
AGGREGATES = frozenset(f.name for f in _TABLE if f.summarise is not None)


def aggregates_in(node: Node) -> set[Aggregate]:
    """Every block-wide aggregate a (checked) tree reads."""
    return {
        aggregate_of(current)
        for current in walk(node)
        if isinstance(current, Call) and current.function in AGGREGATES
    }
