"""Run a patch when a module is first imported, instead of importing the module to patch it.

moto's EC2 is 1.5-1.8 s of CPU to import (its models, responses and the instance-type and AMI
catalogues), more than the rest of the engine's start together; the engine's EC2 patches
imported it at start-up for every sandbox, including the many that never see an EC2 call
(an IAM lab, most of the test suite's sandboxes). With `after_import("moto.ec2", install)` the
patches are applied as moto.ec2 finishes importing: on the first EC2 request, on loading an
EC2 snapshot, or in the background warm-up after the first call (engine.py `_background`).

Thread safety: the callbacks run inside the module's own import, before it is marked
initialised, so another thread importing it meanwhile waits on Python's per-module import
lock and never sees an unpatched moto.ec2 (importlib._bootstrap `_find_and_load`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from typing import Any, Callable

_pending: dict[str, list[Callable[[], None]]] = {}


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in _pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any, name: str) -> None:
        self.inner = inner
        self.name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        for fn in _pending.pop(self.name, []):
            fn()

    def __getattr__(self, attr: str) -> Any:  # get_resource_reader, is_package, …
        return getattr(self.inner, attr)


_finder = _Finder()


def after_import(name: str, fn: Callable[[], None]) -> None:
    """Call `fn` once `name` has been imported: now if it already is, else right after its
    first import (in whichever thread imports it)."""
    if name in sys.modules:
        fn()
        return
    _pending.setdefault(name, []).append(fn)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
