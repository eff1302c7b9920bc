"""Build the plugin manager: specs, the built-in plugins, then installed ones."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

from . import hookspecs

if TYPE_CHECKING:
    from ..model.pack import Pack

BUILTIN_PLUGINS = ("criteria_engine.reports.builtin",)
ENTRY_POINT_GROUP = "criteria_engine"


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager: built-ins registered like any third-party plugin.

    Installed distributions are found through the ``criteria_engine`` entry-point group;
    ``check_pending`` makes a misspelt hook name fail here, at load time.
    """
    pm = pluggy.PluginManager("criteria_engine")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        module = importlib.import_module(name)
        pm.register(module, name=name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


def register_pack_plugin(pack: Pack) -> None:
    """Import a pack folder's ``plugin.py`` (once) and register it."""
    if not pack.plugin:
        return
    pm = get_plugin_manager()
    path = Path(pack.path) / pack.plugin
    name = f"criteria_engine_pack_{pack.name}_{pack.version or 'current'}".replace("-", "_")
    if pm.get_plugin(name) is not None or pm.is_blocked(name):
        return
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - path checked at load time
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    pm.register(module, name=name)
    pm.check_pending()
