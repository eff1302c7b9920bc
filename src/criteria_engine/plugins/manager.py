"""Build the plugin manager: specs, the built-in plugins, then installed ones."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

from . import hookspecs

if TYPE_CHECKING:
    from ..model.pack import Pack

ENTRY_POINT_GROUP = "criteria_engine"

#: one lock for every registration: packs may be loaded from several threads at once
_LOCK = threading.RLock()
_MANAGER: list[pluggy.PluginManager] = []


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, with every installed plugin registered.

    Installed distributions are found through the ``criteria_engine`` entry-point group;
    ``check_pending`` makes a misspelt hook name fail here, at load time. Built-in plugins
    register themselves like any third-party one when their layer is first used (see
    :func:`register_plugin`), so that loading a pack imports no report module.
    """
    if _MANAGER:
        return _MANAGER[0]
    with _LOCK:
        if not _MANAGER:
            pm = pluggy.PluginManager("criteria_engine")
            pm.add_hookspecs(hookspecs)
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            pm.check_pending()
            _MANAGER.append(pm)
    return _MANAGER[0]


def register_plugin(plugin: object, name: str) -> pluggy.PluginManager:
    """Register ``plugin`` under ``name`` once, whichever thread asks first."""
    pm = get_plugin_manager()
    if pm.get_plugin(name) is None and not pm.is_blocked(name):
        with _LOCK:
            if pm.get_plugin(name) is None and not pm.is_blocked(name):
                pm.register(plugin, name=name)
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
    with _LOCK:
        if pm.get_plugin(name) is not None:
            return  # another thread imported it meanwhile
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - path checked at load
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        register_plugin(module, name)
