"""One place where errors become what clients see: coded when expected, masked when not."""

from __future__ import annotations

import logging
import re

from graphql.error import GraphQLError, GraphQLFormattedError
from strawberry.extensions import MaskErrors

from resolvers.errors import DomainError, Unauthenticated
from schema.scalars import InputRefused

log = logging.getLogger("cargolive.errors")
MASKED = "Unexpected error: it was logged with this request's id."


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        extensions = {"code": original.code.value, "field": original.field, **original.extensions}
    elif isinstance(original, Unauthenticated):
        extensions = {"code": "UNAUTHENTICATED"}
    elif _refused_input(error):
        extensions = {"code": "INVALID_INPUT", **_variable_field(error.message)}
    else:
        return error
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


# graphql-core's words for a variable's bad value: "Variable '$input' has invalid value at
# .deposit.amount: …" (execution/values.py, print_path_list).
_VARIABLE_PATH = re.compile(r"Variable '\$(\w+)' has invalid value(?: at ((?:\.\w+|\[\d+\])+))?:")


def _variable_field(message: str) -> dict[str, list[str]]:
    """{"field": the variable's path, as UserError.field} when the message names one."""
    found = _VARIABLE_PATH.match(message)
    if found is None:
        return {}
    steps = re.findall(r"\.(\w+)|\[(\d+)\]", found[2] or "")
    return {"field": [found[1], *(name or index for name, index in steps)]}


def _refused_input(error: BaseException | None) -> bool:
    """A strict scalar's refusal (schema/scalars.py), however deep graphql-core wrapped it."""
    while error is not None:
        if isinstance(error, InputRefused):
            return True
        error = getattr(error, "original_error", None)
    return False


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | DomainError | Unauthenticated):
        return False
    return True


class ErrorPolicy(MaskErrors):
    """Domain and validation errors pass with a code; any other exception is logged, then masked."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in errors:
            if is_unexpected(error):
                log.error(
                    "unexpected error at %s",
                    error.path,
                    exc_info=error.original_error,
                )
                processed.append(self.anonymise_error(error))
            else:
                processed.append(_coded(error))
        return processed


def public_errors(errors: list[GraphQLError]) -> list[GraphQLFormattedError]:
    """Errors as a client may see them (for results produced outside strawberry's execute)."""
    shown = []
    for error in errors:
        if is_unexpected(error):
            log.error("unexpected error at %s", error.path, exc_info=error.original_error)
            shown.append(GraphQLError(MASKED, path=error.path).formatted)
        else:
            shown.append(_coded(error).formatted)
    return shown
