"""forum.search's three layers: the engine knows nothing above it, the index nothing of the
service, and nothing patches whoosh merely by being imported."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.filedb import compound

from forum.search.engine.zerocopy import ZeroCopyBufferFile

SEARCH = Path(__file__).resolve().parents[2] / "forum" / "search"


def forum_imports(path: Path) -> set[str]:
    """The forum.* modules a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == "forum")
    return found


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [
        ("engine", ("forum.search.engine",)),
        (
            "index",
            (
                "forum.search.engine",
                "forum.search.index",
                "forum.models",
                "forum.clock",
                "forum.extensions",
                # PROFILE_FIELDS: which keys a story that keeps its "about me" private leaves out.
                "forum.vocabulary",
            ),
        ),
    ],
)
def test_each_layer_imports_only_the_layers_below_it(layer, allowed):
    for path in sorted((SEARCH / layer).glob("*.py")):
        outside = {name for name in forum_imports(path) if not name.startswith(allowed)}
        assert outside == set(), f"{path.name} imports {outside}"


def test_importing_search_patches_nothing():
    code = (
        "import forum.search, forum.search.views, forum.search.engine.zerocopy\n"
        "from whoosh.filedb import compound, structfile\n"
        "assert compound.BufferFile is structfile.BufferFile\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=SEARCH.parents[1])


def test_init_app_installs_the_zero_copy_files(app):
    assert compound.BufferFile is ZeroCopyBufferFile
