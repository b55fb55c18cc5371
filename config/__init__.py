"""Settings for the platform.

`load_config()` starts from the embedded defaults (SQLite under `instance/`, jobs in-process,
generated development secrets) and lets environment variables override them, so a fresh
checkout runs with nothing set while production states everything explicitly.
"""

from config.settings import ENV_SETTINGS, load_config, production_problems

__all__ = ["ENV_SETTINGS", "load_config", "production_problems"]
