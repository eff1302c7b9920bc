"""Plugins: how packs and reports join the engine (pluggy; entry points ``criteria_engine``)."""

from .hookspecs import hookimpl, hookspec
from .manager import get_plugin_manager

__all__ = ["get_plugin_manager", "hookimpl", "hookspec"]
