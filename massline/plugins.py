"""The plugins of a running platform: one pluggy manager, built explicitly at start-up.

:func:`load_plugins` builds a :class:`Plugins` from nothing but its arguments:
the built-in plugins first (:data:`BUILTIN_PLUGINS`, in order: the pipeline's
steps, then the issues step that needs their results, then the importers and
exporters), then the deployment's modules (the ``plugins`` setting,
``MASSLINE_PLUGINS``), in the order given, then the plugins of installed
packages (setuptools entry points of the group ``massline``). The ``Platform``
calls it once and keeps the result (``platform.plugins``); nothing is
registered by importing a module, and there is no process-wide registry: two
platforms in one process may run different plugins.

The hooks are specified in ``massline.hookspecs``. What they return is
collected in registration order and checked here, so a plugin returning the
wrong thing fails at start-up with its name in the message.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from massline import hookspecs
from massline.io import exporters, formats
from massline.io.exporters import Exporter, Exporters
from massline.io.formats import Importer, Importers
from massline.services import issues, pipeline
from massline.services.pipeline import Step, ordered_steps

__all__ = ["BUILTIN_PLUGINS", "PluginError", "Plugins", "load_plugins"]

#: The built-in plugins, registered first and in this order (steps run in registration order), each
#: under the name of the package that contributes it. The domains' plugins are small modules whose steps
#: import their functions when they first run, so that building the manager loads no analysis library.
BUILTIN_PLUGINS: tuple[tuple[str, ModuleType], ...] = (
    (pipeline.__name__, pipeline.plugin),
    (issues.__name__, issues.plugin),
    (formats.__name__, formats),
    (exporters.__name__, exporters),
)

T = TypeVar("T")


class PluginError(Exception):
    """A plugin cannot be loaded, or a hook returned something other than what its spec asks for."""


class Plugins:
    """The plugin manager of one running platform and what its plugins register."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self._names: list[str] = []

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register one more plugin (a module or any object with ``@hookimpl`` functions) after the others."""
        try:
            registered = self.manager.register(plugin, name=name)
            self.manager.check_pending()  # a @hookimpl whose name is not a hook
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"plugin {name or plugin!r}: {exc}") from exc
        if registered is not None:
            self._names.append(registered)

    def names(self) -> list[str]:
        """The registered plugins' names, in registration order."""
        others = [name for name, _plugin in self.manager.list_name_plugin() if name not in self._names]
        return [*self._names, *others]  # others: the entry points' plugins

    def hooks(self) -> dict[str, list[str]]:
        """Each registered plugin's name and the hooks it implements, in registration order."""
        out: dict[str, list[str]] = {}
        for name in self.names():
            plugin = self.manager.get_plugin(name)
            callers = self.manager.get_hookcallers(plugin) or []
            out[name] = sorted(caller.name for caller in callers)
        return out

    def steps(self) -> list[Step]:
        """The pipeline steps, in the order they run (a later step of the same name replaces an earlier one)."""
        return ordered_steps(self._collect("register_pipeline_steps", Step))

    def importers(self) -> Importers:
        """The importers ``massline import`` may use, by name."""
        return Importers(item for group in self._collect("register_importers", Importer) for item in group)

    def exporters(self) -> Exporters:
        """The exporters ``massline export`` may use, by name."""
        return Exporters(item for group in self._collect("register_exporters", Exporter) for item in group)

    def report_sections(self) -> list[Any]:
        """Report sections, in registration order (reserved for ``massline.reports``; none built in)."""
        return [item for group in self._collect("register_report_sections", object) for item in group]

    def reply_checks(self) -> list[Any]:
        """Reply checks, in registration order (reserved for ``services.replies``; none built in)."""
        return [item for group in self._collect("register_reply_checks", object) for item in group]

    def check(self) -> None:
        """Call every hook once and check the answers, so a bad plugin stops the start-up, not a later run."""
        self.steps()
        self.importers()
        self.exporters()
        self.report_sections()
        self.reply_checks()

    def _collect(self, hook: str, kind: type[T]) -> list[list[T]]:
        """Each plugin's answer to ``hook``, in registration order, checked to be lists of ``kind``."""
        groups: list[list[T]] = []
        # Each implementation is called here rather than through pluggy's hook call, to name the plugin
        # of a wrong answer; get_hookimpls() lists them in registration order (trylast ones first,
        # tryfirst ones last), the reverse of the order pluggy would call them in.
        for impl in getattr(self.manager.hook, hook).get_hookimpls():
            answer = impl.function()
            if answer is None:
                continue
            if not isinstance(answer, list | tuple) or not all(isinstance(x, kind) for x in answer):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: {hook}() must return a list of {kind.__name__}, got {answer!r}"
                )
            groups.append(list(answer))
        return groups


def _import(path: str) -> ModuleType:
    try:
        return importlib.import_module(path)
    except ImportError as exc:
        raise PluginError(f"plugin {path!r} cannot be imported: {exc}") from exc


def load_plugins(
    modules: Sequence[str] = (), *, builtins: bool = True, entry_points: bool = True, extra: Iterable[object] = ()
) -> Plugins:
    """A new plugin manager with the built-in plugins, the given modules and the installed packages' plugins.

    ``modules`` are dotted module paths (the ``plugins`` setting); ``extra``
    are plugin objects registered after them (tests, embedding code);
    ``entry_points`` loads setuptools entry points of the group ``massline``
    last. ``builtins=False`` leaves out the built-in steps, importers and
    exporters (a deployment then registers its own of the same names).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    plugins = Plugins(manager)
    if builtins:
        for name, module in BUILTIN_PLUGINS:
            plugins.register(module, name=name)
    for path in modules:
        if manager.has_plugin(path):
            continue  # named twice, or a built-in named again
        plugins.register(_import(path), name=path)
    for plugin in extra:
        plugins.register(plugin)
    if entry_points:
        try:
            manager.load_setuptools_entrypoints(hookspecs.PROJECT)
            manager.check_pending()
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"plugin of an installed package (entry point group massline): {exc}") from exc
    plugins.check()
    return plugins
