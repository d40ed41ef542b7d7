"""JUnit XML: one testcase per promise, a failure with the numbers when under target.

Built with the standard library's ElementTree, in the shape CI servers read (Jenkins' and
GitHub's JUnit reporters): testsuites > testsuite > testcase [> failure | skipped].
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from charter_cli.outcome import State
from charter_cli.report.common import (
    Options,
    business_time,
    coverage_failure,
    iso_one,
    percent,
    promise_day,
)
from charter_cli.report.escape import safe_text
from charter_cli.summary import Summary


def render(result: Summary, options: Options) -> str:
    name = safe_text(result.charter.name)
    failures = sum(result.promise_passed(o) is False for o in result.outcomes)
    skipped = sum(result.promise_passed(o) is None for o in result.outcomes)
    tests = str(len(result.outcomes))
    suites = ET.Element(
        "testsuites", name="charter audit", tests=tests, failures=str(failures), errors="0"
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=name,
        tests=tests,
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        timestamp=(iso_one(result.as_of) or "").rstrip("Z"),
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("charter", result.charter.path),
        ("as_of", iso_one(result.as_of) or ""),
        ("profile", result.source.profile),
        ("rows", str(result.source.rows_read)),
        ("tickets", str(result.source.count)),
        ("skipped_rows", str(len(result.source.skipped))),
    ):
        ET.SubElement(props, "property", name=key, value=safe_text(value))
    for o in result.outcomes:
        case = ET.SubElement(
            suite, "testcase", classname=f"charter.{name}", name=o.promise.id, time="0"
        )
        target = result.target(o.promise)
        met, late = o.count(State.MET), o.count(State.BREACHED)
        numbers = (
            f"{o.promise.id}: compliance {percent(o.compliance)} against a target of {percent(target)}; "
            f"{met} met, {late} breached, {o.count(State.RUNNING)} running, "
            f"{o.count(State.UNMEASURABLE)} not measurable; p90 {business_time(o.percentiles()['p90'], promise_day(result, o))}"
        )
        verdict = result.promise_passed(o)
        if verdict is False:
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{percent(o.compliance)} < {percent(target)}",
                type="PromiseUnderTarget",
            )
            failure.text = numbers
        elif verdict is None:
            ET.SubElement(case, "skipped", message="no measurable ticket")
        out = ET.SubElement(case, "system-out")
        out.text = numbers
    cov = result.coverage
    if cov is not None and cov.minimum is not None:  # a gate of its own: a testcase of its own
        case = ET.SubElement(
            suite, "testcase", classname=f"charter.{name}", name="coverage", time="0"
        )
        uncovered = coverage_failure(result)
        if uncovered:
            failure = ET.SubElement(
                case, "failure", message=safe_text(uncovered), type="CoverageUnderMinimum"
            )
            failure.text = safe_text(uncovered)
        for element in (suites, suite):
            element.set("tests", str(int(element.get("tests", "0")) + 1))
            element.set("failures", str(int(element.get("failures", "0")) + bool(uncovered)))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
