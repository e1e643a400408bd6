"""Room names as a narrow column can hold them: without the words every room shown shares."""

from __future__ import annotations


def common_words_prefix(names: list[str]) -> str:
    """The whole words every one of two or more distinct ``names`` starts with ("" if none)."""
    distinct = sorted(set(names))
    if len(distinct) < 2:
        return ""
    first, last = distinct[0].split(" "), distinct[-1].split(" ")
    words = []
    for a, b in zip(first, last):
        if a != b:
            break
        words.append(a)
    prefix = " ".join(words)
    return prefix + " " if prefix and all(n.startswith(prefix + " ") for n in distinct) else ""


def short_room(name: str, prefix: str) -> str:
    """``name`` without ``prefix`` (and the dash after it); the whole name if nothing is left."""
    if prefix and name.startswith(prefix):
        return name[len(prefix):].lstrip("—- ") or name
    return name
