"""The staff routes use the JSON API's typed dependencies (one session dependency for the whole app)."""

from __future__ import annotations

from directory.api.deps import SessionDep as DbSession
from directory.api.deps import SettingsDep, get_session, get_settings

__all__ = ["DbSession", "SettingsDep", "get_session", "get_settings"]
