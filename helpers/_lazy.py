"""Lazy re-exports: `from helpers.attention import attention_heatmap` imports only the module
that defines the name, so `import helpers.attention.compute` loads no plotting or widgets."""

import importlib


def lazy_exports(package: str, exports: dict[str, list[str]]):
    """Return (__all__, __getattr__, __dir__) for a package re-exporting {module: [names]}."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{where[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return sorted(where), __getattr__, __dir__
