"""Import the benchmark modules in bench/ (a folder of scripts, not a package) from tests."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from tests.conftest import ROOT

BENCH = str(ROOT / "bench")


def load(name: str) -> ModuleType:
    if BENCH not in sys.path:
        sys.path.insert(0, BENCH)
    return importlib.import_module(name)
