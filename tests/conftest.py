from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
DATA = TESTS / "data"
ROOT = TESTS.parent
# the templates of the imported package: the sdist's tests run against the installed copy
TEMPLATES = Path(str(resources.files("charter_cli").joinpath("charters", "templates")))
PROFILES = Path(str(resources.files("charter_cli.tickets").joinpath("profiles")))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# Property tests: 2,000 examples per property in CI (CI=true), fewer on a developer's machine.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if __import__("os").environ.get("CI") else "dev")
