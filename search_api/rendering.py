"""What every page shares: the Jinja2 templates (autoescaped), the security headers, form reading.

Every page is rendered through `render`, so each carries the Content-Security-Policy that allows
scripts from this app's own `/static/` only: text from crawled pages can never run as script.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import phonenumbers
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from directory.errors import DirectoryError, InvalidParameter

# Scripts, styles and images from this app only; nothing inline, no framing, forms post back here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
templates = Environment(loader=PackageLoader("search_api", "templates"), autoescape=True, undefined=StrictUndefined)


def display_phone(value: str) -> str:
    """'+15125550134' as people write it: '(512) 555-0134'; anything else as published."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


templates.filters["phone"] = display_phone


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


# --- reading forms: an empty field means not given -------------------------------------------


def form_text(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    return value.strip() or None if value is not None else None


def form_number(query: Mapping[str, str], name: str) -> float | None:
    raw = form_text(query, name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidParameter(name, f"must be a number, got {raw!r}") from None


# --- forms that post: CSRF and the body ---------------------------------------------------------

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 16 * 1024


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: the value of its `csrf` cookie, or a new one `render_form` will set."""
    token = request.cookies.get(CSRF_COOKIE) or request.scope.setdefault("state", {}).get("new_csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.scope["state"]["new_csrf"] = token
    return token


def render_form(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with a form that posts: the form carries the CSRF token, the browser keeps it in an
    HttpOnly, SameSite=Strict cookie (double submit: a page elsewhere can neither read nor send it)."""
    token = csrf_token(request)
    response = render(template, status_code, csrf=token, **context)
    if request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(request, response, CSRF_COOKIE, token)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """HttpOnly and SameSite=Strict always; Secure whenever the page came over HTTPS."""
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")


async def posted_form(request: Request) -> dict[str, list[str]]:
    """The urlencoded body of a form post, after its CSRF check (403 when it fails; 413 when too big)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormTooLarge(f"a form may send at most {MAX_FORM_BYTES} bytes")
    form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    sent = (form.get(CSRF_FIELD) or [""])[0]
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise CsrfFailed("the form's security token did not match; reload the page and send it again")
    return form


def field(form: Mapping[str, list[str]], name: str) -> str:
    """One posted field, stripped ('' when absent)."""
    return (form.get(name) or [""])[0].strip()


class FormTooLarge(DirectoryError):
    status_code = 413


class CsrfFailed(DirectoryError):
    status_code = 403
