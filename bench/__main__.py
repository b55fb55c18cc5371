"""Run every benchmark module in this package and print one JSON object of their figures.

A module takes part by defining `run() -> dict`. PostgreSQL figures are added when
`BENCH_POSTGRES_URL` names a server (a throwaway database is created on it and dropped).
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import sys
import warnings

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
    json.dump(figures, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
