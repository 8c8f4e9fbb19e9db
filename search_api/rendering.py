"""What every page shares: the Jinja2 templates (autoescaped), the security headers, form reading.

Every page is rendered through `render`, so each carries the Content-Security-Policy that allows
scripts from this app's own `/static/` only: text from crawled pages can never run as script.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from directory.errors import InvalidParameter

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
