"""Run every benchmark module in this package and print one JSON object of their figures.

A module takes part by defining `run() -> dict`. PostgreSQL figures are added when
`BENCH_POSTGRES_URL` names a server (a throwaway database is created on it and dropped).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import pkgutil
import platform
import sys
import warnings
from datetime import UTC, datetime

import bench


def main() -> None:
    warnings.simplefilter("ignore")  # development-secret warnings are noise here
    logging.disable(logging.WARNING)
    figures = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            figures[info.name] = module.run()
    figures["machine"] = machine()
    json.dump(figures, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def machine() -> dict:
    """Where the figures were measured, so they can be compared with another run."""
    model = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
                  if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in _lines("/proc/meminfo")
                   if line.startswith("MemTotal")), "0")
    return {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "cpu": model, "memory_gb": round(int(memory) / 2**20, 1),
            "system": platform.platform(), "python": platform.python_version()}


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().splitlines()
    except OSError:
        return []


if __name__ == "__main__":
    main()
