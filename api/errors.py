"""JSON errors of the API: every 4xx answer has the same shape, and a validation error names the
field it is about (`readings.3.value`, `country`, `limit`), never a stack trace."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class FieldError(Schema):
    field: str
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """A refusal a service or endpoint raises; the handler turns it into an ErrorOut answer."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers: Mapping[str, str] = headers or {}


def invalid(field: str, message: str, code: str = "invalid") -> ApiError:
    """A 422 about one field."""
    return ApiError(
        422, _("The request is not valid."), [FieldError(field=field, message=message, code=code)]
    )


def form_errors(form: Any, prefix: str = "") -> ApiError:
    """A 422 from a Django form's errors: the same rules and messages as the web forms."""
    errors = [
        FieldError(
            field=f"{prefix}{name}" if name != "__all__" else (prefix.rstrip(".") or "body"),
            message=" ".join(str(message) for message in error),
            code=error.code or "invalid",
        )
        for name, field_errors in form.errors.as_data().items()
        for error in field_errors
    ]
    return ApiError(422, _("The request is not valid."), errors)


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_path(loc: Iterable[Any]) -> str:
    """('body', 'payload', 'readings', 3, 'value') -> 'readings.3.value'."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        location = parts.pop(0)
        # A body parameter is wrapped under its name by the framework; the client never saw it.
        if location == "body" and len(parts) > 1:
            parts.pop(0)
        elif location == "body" and parts:
            return "body"
    return ".".join(parts) or "body"


def _response(request: HttpRequest, api: NinjaAPI, error: ErrorOut, status: int) -> HttpResponse:
    return api.create_response(request, error.model_dump(), status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            FieldError(
                field=_field_path(e.get("loc", ())),
                message=str(e.get("msg", "")),
                code=str(e.get("type", "invalid")),
            )
            for e in exc.errors
        ]
        return _response(
            request, api, ErrorOut(detail=_("The request is not valid."), errors=errors), 422
        )

    @api.exception_handler(ApiError)
    def refused(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = _response(
            request, api, ErrorOut(detail=exc.detail, errors=exc.errors), exc.status
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = _("A valid API token is required (Authorization: Bearer <token>).")
        response = _response(request, api, ErrorOut(detail=detail), 401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _response(request, api, ErrorOut(detail=_("Not found.")), 404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            detail = _("The request body is not valid JSON.")
            errors = [FieldError(field="body", message=detail, code="parse_error")]
            return _response(request, api, ErrorOut(detail=detail, errors=errors), 400)
        return _response(request, api, ErrorOut(detail=exc.message), exc.status_code)


# The answers every authenticated operation may give besides its success.
def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys((401, 429, *codes), ErrorOut)
