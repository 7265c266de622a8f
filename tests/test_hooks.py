"""`HookRunner` enters the extensions' generator hooks directly: for every combination of what
three hooks and the block inside them do, it must do what strawberry's own manager does (the
same steps in the same order, the same exception out), synchronously and asynchronously."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import OperationContextManager

from schema.hooks import HookRunner

# what a hook does after its yield, when the block raised (or not)
BEHAVIOURS = ("pass", "swallow", "replace", "raise_after", "no_hook", "no_yield")


class Trace(list[str]):
    pass


def extension(name: str, behaviour: str, trace: Trace) -> SchemaExtension:
    def on_operation(self: SchemaExtension) -> Iterator[None]:
        trace.append(f"{name} in")
        if behaviour == "no_yield":
            return
        try:
            yield
        except ValueError as error:
            trace.append(f"{name} saw {error}")
            if behaviour == "swallow":
                return
            if behaviour == "replace":
                raise KeyError(f"{name} replaced it") from error
            raise
        trace.append(f"{name} out")
        if behaviour == "raise_after":
            raise ValueError(f"{name} failed")

    body = {} if behaviour == "no_hook" else {"on_operation": on_operation}
    return type(f"Ext{name}", (SchemaExtension,), body)()


def run(manager, block_raises: bool, trace: Trace) -> str:
    try:
        with manager:
            trace.append("block")
            if block_raises:
                raise ValueError("block failed")
    except Exception as error:  # what comes out, with what it says
        return f"{type(error).__name__}: {error}"
    return "ok"


async def run_async(manager, block_raises: bool, trace: Trace) -> str:
    try:
        async with manager:
            trace.append("block")
            if block_raises:
                raise ValueError("block failed")
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return "ok"


CASES = list(itertools.product(BEHAVIOURS, BEHAVIOURS, BEHAVIOURS, [False, True]))


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_every_combination_runs_as_strawberrys_manager_does(asynchronous) -> None:
    differences = []
    for *behaviours, block_raises in CASES:
        outcomes = []
        for make in ("strawberry", "ours"):
            trace = Trace()
            extensions = [extension(n, b, trace) for n, b in zip("abc", behaviours, strict=True)]
            manager = (
                OperationContextManager(extensions)
                if make == "strawberry"
                else HookRunner(None, extensions).operation()  # type: ignore[arg-type]
            )
            if asynchronous:
                result = await run_async(manager, block_raises, trace)
            else:
                result = run(manager, block_raises, trace)
            outcomes.append((result, list(trace)))
        if outcomes[0] != outcomes[1]:
            differences.append((behaviours, block_raises, outcomes))
    assert differences == []
    assert len(CASES) == 6**3 * 2


def test_a_phase_with_another_kind_of_hook_is_left_to_strawberry() -> None:
    class Plain(SchemaExtension):
        def on_operation(self) -> None:  # type: ignore[override]
            pass

    class Generator(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            yield

    runner = HookRunner(None, [Generator(), Plain()])  # type: ignore[arg-type]
    assert type(runner.operation()) is OperationContextManager
    assert type(HookRunner(None, [Generator()]).operation()) is not OperationContextManager  # type: ignore[arg-type]
