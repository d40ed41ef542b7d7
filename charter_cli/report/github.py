"""GitHub Actions workflow commands: an annotation per promise under target, a notice per pass."""

from __future__ import annotations

from charter_cli.outcome import State
from charter_cli.report.common import Options, coverage_failure, percent
from charter_cli.report.escape import github_data, github_property, safe_text
from charter_cli.summary import Summary


def render(result: Summary, options: Options) -> str:
    lines = []
    path = github_property(safe_text(result.charter.path))
    for o in result.outcomes:
        verdict = result.promise_passed(o)
        target = result.target(o.promise)
        text = (
            f"{o.promise.id}: {percent(o.compliance)} against {percent(target)} "
            f"({o.count(State.MET)} met, {o.count(State.BREACHED)} breached, "
            f"{o.count(State.RUNNING)} running, {o.count(State.UNMEASURABLE)} not measurable)"
        )
        level = {False: "error", True: "notice", None: "warning"}[verdict]
        title = github_property(f"charter {o.promise.id}")
        lines.append(f"::{level} file={path},title={title}::{github_data(text)}")
    uncovered = coverage_failure(result)
    if uncovered:
        title = github_property("charter coverage")
        lines.append(f"::error file={path},title={title}::{github_data(safe_text(uncovered))}")
    return "\n".join(lines) + "\n"
