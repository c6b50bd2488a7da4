"""E-mail helpers shared by every loop that sends mail."""

import re

_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def single_line(text: str, *, limit: int = 200) -> str:
    """A header value: control characters and line breaks folded into spaces, trimmed.

    An account name with a line break would otherwise make Django refuse the subject
    (BadHeaderError) and stop the loop that sends it.
    """
    folded = " ".join(_BREAKS.sub(" ", str(text)).split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"
