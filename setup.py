"""Build hook: the project's data folders go into the wheel as ``ketrdf/data/``.

``ontology/``, ``shapes/`` and ``queries/`` at the top of the repository stay the only
copy in git; each wheel build copies them (symbolic links followed, so the wheel holds
plain files). An editable install reads them in place (see ``ketrdf.packaged``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
DATA_FOLDERS = ("ontology", "shapes", "queries")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data folders into ``ketrdf/data/``."""

    def run(self) -> None:
        """Build the modules, then copy the data folders whole (not for an editable install)."""
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "ketrdf" / "data"
        shutil.rmtree(target, ignore_errors=True)
        for name in DATA_FOLDERS:
            shutil.copytree(HERE / name, target / name, symlinks=False,
                            ignore=shutil.ignore_patterns(".*", "*.tmp", "__pycache__"))


# setuptools' own scratch folder moves out of build/, which is ketrdf's build output.
setup(cmdclass={"build_py": BuildPyWithData}, options={"build": {"build_base": ".setuptools-build"}})
