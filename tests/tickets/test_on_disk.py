"""A large CSV is parsed where it lies while a pass over the file checks its text: whatever the
file turns out to hold after its head (quoted newlines, carriage returns, another encoding,
malformed rows), the table and every row's line are those of the file read whole."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pandas as pd
import pytest

from charter_cli.errors import InputError
from charter_cli.tickets import csvfile, sniff
from charter_cli.tickets.sniff import read_table

HEAD = "ticket_id,created_at,subject\n" + "".join(
    f"T-{i},2026-03-29 0{i % 10}:15,Bestilling {i} æøå\n" for i in range(40)
)
TAILS = {
    "quoted newlines after the head": 'T-90,2026-03-29 10:00,"Hei, pakken\nkom ""aldri"""\n'
    "T-91,2026-03-29 11:00,Takk\n",
    "carriage returns after the head": "T-90,2026-03-29 10:00,Windows\r\nT-91,2026-03-29 11:00,x\r\n",
    "a stray carriage return": "T-90,2026-03-29 10:00,før\rsiden\nT-91,2026-03-29 11:00,ok\n",
    "a malformed row": "T-90,2026-03-29 10:00,Zażółć,gęślą\nT-91,2026-03-29 11:00,jaźń\n",
    "a blank line and no final newline": "\nT-90,2026-03-29 10:00,Åsa\n\nT-91,2026-03-29 11:00,x",
    "a quote inside an unquoted field": 'T-90,2026-03-29 10:00,27" skjerm\nT-91,2026-03-29 1:00,y\n',
}


def both(file: Path) -> tuple[sniff.RawTable, sniff.RawTable]:
    with patch.object(sniff, "ON_DISK", 1 << 40):
        whole = read_table(file)
    # a head of 200 bytes: what follows it is only seen by the pass over the file
    with (
        patch.object(sniff, "ON_DISK", 1),
        patch.object(sniff, "HEAD", 200),
        patch.object(csvfile, "SCAN_BYTES", 64),
    ):
        assert sniff._on_disk_head(file) is not None
        where = read_table(file)
    return whole, where


@pytest.mark.parametrize("tail", sorted(TAILS))
def test_what_follows_the_head_reads_as_the_whole_file(tmp_path: Path, tail: str) -> None:
    file = tmp_path / "eksport.csv"
    file.write_bytes((HEAD + TAILS[tail]).encode())
    whole, where = both(file)
    pd.testing.assert_frame_equal(whole.frame, where.frame)
    assert whole.lines.tolist() == where.lines.tolist()
    assert whole.skipped == where.skipped and whole.rows_read == where.rows_read
    assert whole.encoding == where.encoding


def test_another_encoding_after_the_head(tmp_path: Path) -> None:
    file = tmp_path / "eksport.csv"
    file.write_bytes(
        HEAD.encode("ascii", "replace") + "T-90,2026-03-29 10:00,Müller\n".encode("cp1252")
    )
    whole, where = both(file)
    assert where.encoding == whole.encoding == "cp1252"
    assert where.frame["subject"].iloc[-1] == "Müller"
    mixed = tmp_path / "blandet.csv"
    mixed.write_bytes(HEAD.encode() + "T-90,2026-03-29 10:00,Müller\n".encode("cp1252"))
    with pytest.raises(InputError, match="mixes encodings"):
        both(mixed)
