"""One place where errors become what clients see: coded when expected, masked when not."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from graphql.error import GraphQLError, GraphQLFormattedError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors

from resolvers.errors import DomainError, Unauthenticated
from schema.scalars import InputRefused

log = logging.getLogger("cargolive.errors")
MASKED = "Unexpected error: it was logged with this request's id."
# Codes of the errors that refuse a request before it runs (the spec's own have none)
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_REQUEST = "BAD_REQUEST"
# graphql-core's "Did you mean …?" ends the message of every error that suggests: unknown
# fields, arguments, types and enum values alike (strawberry's own switch strips the first only).
_SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.S)


def _coded(error: GraphQLError, suggestions: bool) -> GraphQLError:
    original = error.original_error
    message = error.message if suggestions else _SUGGESTION.sub("", error.message)
    if isinstance(original, DomainError):
        extensions = {"code": original.code.value, "field": original.field, **original.extensions}
    elif isinstance(original, Unauthenticated):
        extensions = {"code": "UNAUTHENTICATED"}
        if original.reason is not None:
            extensions["reason"] = original.reason
    elif _refused_input(error) or _VARIABLE.match(error.message):
        extensions = {"code": "INVALID_INPUT", **_variable_field(error.message)}
    elif (error.extensions or {}).get("code") or error.path is not None:
        extensions = error.extensions or {}
    elif isinstance(error, GraphQLSyntaxError):
        extensions = {"code": PARSE_FAILED}
    elif error.nodes:  # a validation rule's: it points into the document
        extensions = {"code": VALIDATION_FAILED, **(error.extensions or {})}
    else:
        extensions = {"code": BAD_REQUEST, **(error.extensions or {})}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


# graphql-core's words for a variable's bad value: "Variable '$input' has invalid value at
# .deposit.amount: …" (execution/values.py, print_path_list).
# A variable's value refused when the request runs (validation's own variable errors differ).
_VARIABLE = re.compile(
    r"Variable '\$\w+' (has invalid value|got invalid value|of required type .* was not provided"
    r"|of non-null type .* must not be null)"
)
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
    """Domain and validation errors pass with a code; any other exception is logged, then masked.
    `suggestions`: "Did you mean" in the messages (development only: in production they tell a
    stranger the names of fields that introspection hides)."""

    def __init__(self, suggestions: bool = False) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED)
        self.suggestions = suggestions

    def _process_result(self, result: object) -> None:
        # as strawberry's, without its isinstance against a runtime Protocol (10 µs a call)
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

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
                processed.append(_coded(error, self.suggestions))
        return processed


def request_errors(
    errors: Sequence[GraphQLError | str], *, suggestions: bool = False
) -> list[GraphQLFormattedError]:
    """A request's refusal before it runs (over the socket), each error with its code."""
    found = [GraphQLError(e) if isinstance(e, str) else e for e in errors]
    return public_errors(found, suggestions=suggestions)


def public_errors(
    errors: list[GraphQLError], *, suggestions: bool = False
) -> list[GraphQLFormattedError]:
    """Errors as a client may see them (for results produced outside strawberry's execute)."""
    shown = []
    for error in errors:
        if is_unexpected(error):
            log.error("unexpected error at %s", error.path, exc_info=error.original_error)
            shown.append(GraphQLError(MASKED, path=error.path).formatted)
        else:
            shown.append(_coded(error, suggestions).formatted)
    return shown
