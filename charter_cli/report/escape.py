"""Making text safe for where it goes: terminals and GitHub workflow commands. No pandas here,
so `charter validate` does not pay for importing it."""

from __future__ import annotations

import math
import re

# controls, line separators and bidi overrides; U+FFFE and U+FFFF, which no XML document may
# hold (a JUnit report with one does not parse)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    """Text from an export, with control characters (ANSI escapes, bidi overrides) made visible;
    missing values (None, NaN, pandas' NA and NaT) become ''."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return _CONTROL.sub(_visible, str(value))


def github_data(text: str) -> str:
    """The message of a GitHub workflow command (`::error …::MESSAGE`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value of a GitHub workflow command (`file=…,title=…`)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")
