"""Build steps pyproject.toml cannot declare (metadata and tool settings live there).

The wheel carries the templates, static files and migrations, which sit beside
the package in the checkout, as `federation/templates`, `federation/static` and
`federation/migrations`, and the compiled catalogues (`.mo`), which are build
output and never committed: they are compiled from the `.po` files here.
"""
from __future__ import annotations

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIRS = {"federation.templates": "templates", "federation.static": "static",
             "federation.migrations": "migrations"}


def compile_catalogues(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in source.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        source = ROOT / "federation" / "translations"
        if getattr(self, "editable_mode", False):
            compile_catalogues(source, source)  # an editable install reads the checkout
        else:
            compile_catalogues(source, Path(self.build_lib) / "federation" / "translations")


setup(
    packages=find_packages(include=["federation", "federation.*"]) + list(DATA_DIRS),
    package_dir={name: path for name, path in DATA_DIRS.items()},
    py_modules=["wsgi"],
    package_data={
        "federation": ["translations/*/LC_MESSAGES/*.po", "py.typed"],
        **{name: ["**/*"] for name in DATA_DIRS},
    },
    exclude_package_data={name: ["**/__pycache__/*", "**/*.pyc"] for name in DATA_DIRS},
    cmdclass={"build_py": BuildWithCatalogues},
)
