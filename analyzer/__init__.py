"""dkim-analyzer: why an email's DKIM signatures pass or fail, and what to do about it."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
