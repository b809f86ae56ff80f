"""The GitHub Pages workflow: its shape, checked offline against a schema for the parts we rely on.

Pull requests run `make test`; pushes to main build with `make build` for the Pages address and
deploy with the official Pages actions. `problems()` lists what is wrong with a workflow, and the
tests check both that ours has no problem and that breaking it in each way is noticed.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
ACTION = r"^actions/[a-z-]+@v[0-9]+$"  # official actions, pinned to a major version
STEP: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "uses": {"type": "string", "pattern": ACTION},
        "run": {"type": "string"},
        "with": {"type": "object"},
        "env": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "oneOf": [{"required": ["uses"]}, {"required": ["run"]}],
    "additionalProperties": False,
}
PERMISSIONS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"enum": ["read", "write", "none"]},
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "on", "permissions", "jobs"],
    "properties": {
        "name": {"type": "string"},
        "on": {
            "type": "object",
            "required": ["pull_request", "push"],
            "properties": {
                "push": {
                    "type": "object",
                    "required": ["branches"],
                    "properties": {"branches": {"type": "array", "contains": {"const": "main"}}},
                }
            },
        },
        "permissions": PERMISSIONS,
        "jobs": {
            "type": "object",
            "required": ["test", "build", "deploy"],
            "additionalProperties": {
                "type": "object",
                "required": ["runs-on", "steps"],
                "properties": {
                    "if": {"type": "string"},
                    "needs": {"type": "string"},
                    "runs-on": {"const": "ubuntu-latest"},
                    "timeout-minutes": {"type": "integer"},
                    "permissions": PERMISSIONS,
                    "concurrency": {
                        "type": "object",
                        "required": ["group", "cancel-in-progress"],
                        "properties": {
                            "group": {"type": "string"},
                            "cancel-in-progress": {"type": "boolean"},
                        },
                    },
                    "environment": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
                    },
                    "steps": {"type": "array", "minItems": 1, "items": STEP},
                },
                "additionalProperties": False,
            },
        },
    },
}


def load(path: Path = WORKFLOW) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true; GitHub reads it as "on".
    if True in loaded:
        loaded["on"] = loaded.pop(True)
    return loaded


def uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    """The job's step that uses `action` (empty when there is none)."""
    return next((step for step in job["steps"] if step.get("uses", "").startswith(action)), {})


def runs(job: dict[str, Any], command: str) -> dict[str, Any]:
    """The job's step that runs `command` (empty when there is none)."""
    return next((step for step in job["steps"] if step.get("run", "").strip() == command), {})


def problems(workflow: dict[str, Any]) -> list[str]:
    """Everything wrong with the workflow, as one line each (empty when it is right)."""
    found = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(workflow)
    ]
    if found:
        return found
    jobs = workflow["jobs"]
    test, build, deploy = jobs["test"], jobs["build"], jobs["deploy"]
    checks = {
        "the workflow's token is read-only": workflow["permissions"] == {"contents": "read"},
        "the tests run on pull requests only": test.get("if")
        == "github.event_name == 'pull_request'",
        "the build runs for main only": "github.ref == 'refs/heads/main'" in build.get("if", ""),
        "pull requests run make test": runs(test, "make test") != {},
        "Playwright's Chromium is installed before the tests": _before(
            test, ".venv/bin/python -m playwright install --with-deps chromium", "make test"
        ),
        "Python 3.11 and Node 20, cached on their locks": all(
            _pinned_and_cached(job) for job in (test, build)
        ),
        "the build runs make build": runs(build, "make build") != {},
        "the build's SITE_URL is the Pages address": "steps.pages.outputs.base_url"
        in runs(build, "make build").get("env", {}).get("SITE_URL", ""),
        "configure-pages gives its address as step `pages`": uses(
            build, "actions/configure-pages@"
        ).get("id")
        == "pages",
        "the built site/ is uploaded": uses(build, "actions/upload-pages-artifact@")
        .get("with", {})
        .get("path")
        == "site",
        "deploy waits for the build": deploy.get("needs") == "build",
        "deploy uses deploy-pages": uses(deploy, "actions/deploy-pages@") != {},
        "deploy may write Pages": deploy.get("permissions", {}).get("pages") == "write",
        "deploy may get an OIDC token": deploy.get("permissions", {}).get("id-token") == "write",
        "deploy goes to the github-pages environment": deploy.get("environment", {}).get("name")
        == "github-pages",
        "one deployment at a time, none cancelled": deploy.get("concurrency")
        == {"group": "pages", "cancel-in-progress": False},
        "only deploy may write": all(
            "write" not in job.get("permissions", {}).values() for job in (test, build)
        ),
    }
    return [name for name, passed in checks.items() if not passed]


def _before(job: dict[str, Any], first: str, then: str) -> bool:
    commands = [step.get("run", "").strip() for step in job["steps"]]
    return first in commands and then in commands and commands.index(first) < commands.index(then)


def _pinned_and_cached(job: dict[str, Any]) -> bool:
    python = uses(job, "actions/setup-python@").get("with", {})
    node = uses(job, "actions/setup-node@").get("with", {})
    return (python, node) == (
        {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "pyproject.toml"},
        {"node-version": "20", "cache": "npm", "cache-dependency-path": "package-lock.json"},
    )


def test_the_workflow_has_everything_publishing_needs() -> None:
    assert problems(load()) == []


def _drop_id_token(workflow: dict[str, Any]) -> None:
    del workflow["jobs"]["deploy"]["permissions"]["id-token"]


def _test_without_make_test(workflow: dict[str, Any]) -> None:
    workflow["jobs"]["test"]["steps"][-1]["run"] = "make lint"


def _build_without_site_url(workflow: dict[str, Any]) -> None:
    del runs(workflow["jobs"]["build"], "make build")["env"]


def _cancel_deployments(workflow: dict[str, Any]) -> None:
    workflow["jobs"]["deploy"]["concurrency"]["cancel-in-progress"] = True


def _third_party_action(workflow: dict[str, Any]) -> None:
    workflow["jobs"]["deploy"]["steps"][0]["uses"] = "someone/deploy-pages@main"


def _no_pull_requests(workflow: dict[str, Any]) -> None:
    del workflow["on"]["pull_request"]


def _write_everywhere(workflow: dict[str, Any]) -> None:
    workflow["permissions"] = {"contents": "write"}


def _upload_the_repository(workflow: dict[str, Any]) -> None:
    uses(workflow["jobs"]["build"], "actions/upload-pages-artifact@")["with"]["path"] = "."


@pytest.mark.parametrize(
    "breakage",
    [
        _drop_id_token,
        _test_without_make_test,
        _build_without_site_url,
        _cancel_deployments,
        _third_party_action,
        _no_pull_requests,
        _write_everywhere,
        _upload_the_repository,
    ],
    ids=lambda breakage: breakage.__name__.strip("_"),
)
def test_each_way_of_breaking_the_workflow_is_noticed(breakage: Any) -> None:
    workflow = copy.deepcopy(load())
    breakage(workflow)
    assert problems(workflow) != []


def test_the_schema_itself_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
