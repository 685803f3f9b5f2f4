"""One pure renderer per output format: render(reports, ...) -> str."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
