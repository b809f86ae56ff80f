"""Build time of the whole site next to a plain Material build of the same Markdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from tests.conftest import ROOT
from tests.site import build_site

# What makes our build ours: the hooks (pre-rendered widgets, the runtime, the archive, the
# policy), our stylesheet and our template overrides. Without them the widget markers stay
# HTML comments in the Markdown.
OURS = ("hooks", "extra_css")


def timed_build(destination: Path, site_url: str) -> float:
    """Seconds for `mkdocs build --strict` of the site, as the tests and `make build` run it."""
    start = time.perf_counter()
    result = build_site(destination, site_url)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError("the site does not build:\n" + result.stdout + result.stderr)
    return elapsed


def write_plain_config(folder: Path, site_url: str) -> Path:
    """A mkdocs.yml for the same Markdown with plain Material: no hooks, stylesheet or overrides."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for key in OURS:
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config["docs_dir"] = str(ROOT / "docs")
    config["site_url"] = site_url
    path = folder / "mkdocs.yml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML
    return path


def timed_plain_build(config: Path, destination: Path) -> float:
    """Seconds for `mkdocs build --strict` of the plain configuration (run from the project root,
    where the snippets extension finds includes/)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    start = time.perf_counter()
    result = subprocess.run(
        [*command, "--site-dir", str(destination)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError("the plain build failed:\n" + result.stdout + result.stderr)
    return elapsed
