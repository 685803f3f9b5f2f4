"""typer's value coercion, without importing pydantic for the values that need none.

typer (0.29) hands every parameter's value to a pydantic TypeAdapter, built on first use;
importing pydantic for it is about 0.15 s of CPU, more than half of `import dkim`, on every
command. Our parameters are str, bool, Path or lists of them, or have a parser of our own
(options.option(parser=)) that makes and checks the value. For those, `plain` gives each
parameter a coercion that does what the adapter would: the parser's value, the str as
given, a Path of it (through typer's own path checks), a list of them. Anything else (a value of another type, a parser that
raises something other than our UsageError, path checks such as exists=) goes to typer's
own coercion, so results and errors stay typer's. When typer's internals are not as this
module expects, typer is left as it is: slower, never different.
tests/test_cli.py holds both ways to the same values for every option of every command.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.errors import UsageError

if TYPE_CHECKING:
    from typer._click import Command, Context

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # another typer: its own coercion
    RuntimeParam = None  # type: ignore[assignment,misc]


def plain(command: Command) -> Command:
    """`command` with each of its typer parameters coerced by `_Plain` (see the module)."""
    if RuntimeParam is None:
        return command
    from typer._click import Context

    # click makes the help option per command on first use, outside `params`: make it now.
    help_option = command.get_help_option(Context(command, **command.context_settings))
    for param in [*command.params, help_option]:
        if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", 0) is None:
            descriptor = param.type_descriptor
            param._runtime_param = _Plain(descriptor.parameter_info, descriptor.annotation)
    return command


def _leaf(annotation: Any) -> tuple[bool, Any]:
    """(a list?, the type of one value) of `annotation`, Optional taken away."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else annotation
    if typing.get_origin(annotation) is list:
        return True, typing.get_args(annotation)[0]
    return False, annotation


if RuntimeParam is not None:

    class _Plain(RuntimeParam):
        """A parameter's coercion: ours for plain values, typer's for the rest."""

        def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
            many, leaf = _leaf(self.annotation)
            try:
                if many and isinstance(value, list | tuple):
                    return [self._one(v, leaf, param, ctx) for v in value]
                if not many:
                    return self._one(value, leaf, param, ctx)
            except UsageError:
                raise  # our parser's: said as this tool says usage errors
            except Exception:  # _NotPlain, or an error typer words its own way
                pass
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

        def _one(self, value: Any, leaf: Any, param: Any, ctx: Context) -> Any:
            info = self.parameter_info
            if info.parser is not None:
                return info.parser(value)
            if leaf is bool and isinstance(value, bool):
                return value
            if not isinstance(value, str):
                raise _NotPlain
            if leaf is str:
                return value
            if leaf is Path and info.path_type is None:
                # typer's own path checks (readable, exists=...), given a Path: no pydantic
                return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
            raise _NotPlain


class _NotPlain(Exception):
    """A value `_Plain` leaves to typer."""
