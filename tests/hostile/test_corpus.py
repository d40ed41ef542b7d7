"""Every file of tests/hostile/corpus (and two generated giants) with its expected outcome: the
exit code and the message it must contain. No traceback, ever; inputs byte-identical afterwards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "hostile" / "corpus"
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()

# file: (command, exit code, text the output must contain)
EXPECTED = {
    "alias-bomb.yaml": (
        "validate",
        1,
        "[too-large] the document expands to more than 100,000 nodes",
    ),
    "deep-nesting.yaml": ("validate", 1, "[too-deep] nesting deeper than 64 levels"),
    "python-object.yaml": (
        "validate",
        1,
        "[tag] tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "python-name.yaml": (
        "validate",
        1,
        "[tag] tag 'tag:yaml.org,2002:python/name:os.system' is not allowed",
    ),
    "duplicate-keys.yaml": (
        "validate",
        1,
        "[duplicate-key] duplicate key 'name' (first defined on line 2)",
    ),
    "nul-bytes.yaml": ("validate", 1, "[encoding] the file contains a NUL byte"),
    "latin1.yaml": ("validate", 1, "[encoding] invalid UTF-8 (byte 0xc6)"),
    "negative-duration.yaml": ("validate", 1, "'-5m' is not a duration"),
    "ansi-in-name.yaml": ("audit-charter", 1, "\\x1b[2J\\x1b[31mred [bold]markup[/bold]"),
    # no priority column: first-reply cannot be measured, so no promise fails (exit 0, DESIGN §10.7)
    "path-like-ids.csv": ("audit", 0, "first-reply: the export has no priority column"),
    "years-0001-9999.csv": ("audit", 0, "created_at is not a date (1)"),
    "formula-payloads.csv": ("audit-csv", 0, '"\'=HYPERLINK(""http://evil.example"")",first-reply'),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(command: str, path: Path) -> tuple[int, str]:
    if command == "validate":
        args = ["validate", str(path)]
    elif command == "audit-charter":
        args = ["audit", str(path), str(EXPORT)]
    elif command == "audit-csv":
        args = ["audit", str(CHARTER), str(path), "--format", "csv"]
    else:
        args = ["audit", str(CHARTER), str(path)]
    result = runner.invoke(app, args, env={"COLUMNS": "120"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus(name: str) -> None:
    path = CORPUS / name
    before = digest(path), digest(CHARTER), digest(EXPORT)
    command, code, message = EXPECTED[name]
    exit_code, output = run(command, path)
    assert exit_code == code, output
    assert message in output, output
    assert (digest(path), digest(CHARTER), digest(EXPORT)) == before
    assert not Path("/tmp/charter-pwned").exists()


def test_invalid_charters_stop_an_audit_with_exit_2() -> None:
    for name, (command, _, _) in EXPECTED.items():
        if command == "validate":
            result = runner.invoke(app, ["audit", str(CORPUS / name), str(EXPORT)])
            assert result.exit_code == 2, (name, result.output)
            assert len(result.stderr.strip().splitlines()) == 1


def test_a_fifty_megabyte_line(tmp_path: Path) -> None:
    giant = tmp_path / "one-line.csv"
    with giant.open("wb") as out:
        out.write(b"ticket_id,created_at,subject\n1,2026-10-05 09:00,")
        out.write(b"A" * (50 << 20))
        out.write(b"\n")
    before = digest(giant)
    exit_code, output = run("audit", giant)
    assert exit_code == 2 and "a field or line is larger than 16 MiB" in output
    assert digest(giant) == before


def test_a_million_columns(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(
        ",".join(f"c{i}" for i in range(1_000_000)) + "\n" + ",".join("x" * 1_000_000) + "\n"
    )
    exit_code, output = run("audit", wide)
    assert exit_code == 2 and "the header line is over 256 KiB" in output


def test_output_equal_to_an_input_or_a_directory(tmp_path: Path) -> None:
    copy = tmp_path / "export.csv"
    copy.write_bytes(EXPORT.read_bytes())
    before = digest(copy)
    via_link = tmp_path / "link.csv"
    via_link.symlink_to(copy)
    for target in (copy, via_link, tmp_path):
        result = runner.invoke(app, ["audit", str(CHARTER), str(copy), "-o", str(target)])
        assert result.exit_code == 2, result.output
    assert digest(copy) == before


def test_a_huge_scalar_charter(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("charter: 1\nname: " + "x" * (2 << 20) + "\n")
    exit_code, output = run("validate", huge)
    assert exit_code == 1 and "[too-large] the file is larger than 1024 KiB" in output


def test_control_characters_in_findings_are_made_visible(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.yaml"
    sneaky.write_text('charter: 1\nname: x\n"\\e]0;owned\\a\\e[2J": 1\n', encoding="utf-8")
    exit_code, output = run("validate", sneaky)
    assert exit_code == 1 and "\x1b" not in output and "\x07" not in output
    assert "\\x1b]0;owned" in output


def test_duplicate_and_blank_header_names(tmp_path: Path) -> None:
    export = tmp_path / "dup.csv"
    export.write_text(
        "ticket_id,created_at,Tags,Tags,,first_response_at\nA,2026-10-05 09:00,a,b,c,2026-10-05 10:00\n"
    )
    from charter_cli.tickets.sniff import read_table

    table = read_table(export)
    assert list(table.frame.columns) == [
        "ticket_id",
        "created_at",
        "Tags",
        "Tags (2)",
        "(column 5)",
        "first_response_at",
    ]
    assert table.frame["Tags (2)"].tolist() == ["b"]


def test_explain_a_path_like_ticket_id() -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            str(CHARTER),
            str(CORPUS / "path-like-ids.csv"),
            "--ticket",
            "../../etc/passwd",
        ],
    )
    assert result.exit_code == 0 and "Ticket ../../etc/passwd" in result.stdout
