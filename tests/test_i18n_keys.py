"""issue 10: no catalogue key is built at run time, and every key the code names exists.

A translator's tooling (or a reviewer with grep) finds a message's uses only when
its key is written out in full. The rule, checked by walking the AST of src/telecoop:

A. The key given to ``t()``, ``tn()`` or ``error_text()`` is one of
   1. a string literal: ``t("tui.find.title")``;
   2. a look-up in a module-level dict whose values are all string literals:
      ``t(MODE_KEYS[mode])`` or ``t(HELP_KEYS.get(d, d))`` (the dict is the
      written-out mapping, e.g. from an enum value to its key);
   3. a plain name or attribute, or an item of one (``t(key)``, ``t(error.key)``,
      ``t(self.notice[0])``): a key carried from where it was written as a
      literal (an error, a dialog's title, a (key, params) pair).
   Anything else (an f-string, ``+``, a call) builds a key: refused.
B. No f-string, ``+`` or ``%`` anywhere in src/telecoop starts with the head of a
   catalogue key (``f"tui.spec.{code}"``, ``"tui.help." + x``), so rule A.3 cannot
   carry a built key either. The one exception is ``i18n.tn`` itself, which adds
   the plural form (``.one`` / ``.other``) to the key it is given (and an audit
   action code that merely shares a head with a message, listed in EXEMPT).
C. Every literal key of A.1, every value of an A.2 dict and of any module-level
   ``*_KEYS`` dict (one read into a variable first) exists in the catalogue
   (``tn``'s with both plural forms); test_cli_help checks each has both languages.
"""

from __future__ import annotations

import ast

from catalogues import SRC, import_all
from telecoop import i18n

import_all()
CALLS = {"t", "tn", "error_text", "text"}  # text: calendar's t() in the feed's language
EXEMPT = {
    ("i18n.py", "tn"),  # adds ".one" / ".other" to the key it was given
    ("services/booking.py", "set_status"),  # "booking.completed": an audit action code, not a message
}


def _modules() -> dict[str, ast.Module]:
    return {str(p.relative_to(SRC)): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(SRC.rglob("*.py"))}


def _key_dicts(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = {...}`` whose values are all string literals."""
    out = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
            node.target if isinstance(node, ast.AnnAssign) else None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Dict) and value.values and all(
                isinstance(v, ast.Constant) and isinstance(v.value, str) for v in value.values):
            out[target.id] = [v.value for v in value.values]
    return out


def _all_key_dicts(modules) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tree in modules.values():
        for name, values in _key_dicts(tree).items():
            found.setdefault(name, []).extend(values)
    return found


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _functions(tree: ast.Module):
    """(enclosing function name or "", node) for every node."""
    def walk(node, owner):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else owner
            yield name, child
            yield from walk(child, name)
    yield from walk(tree, "")


def _key_calls(modules):
    for path, tree in modules.items():
        for owner, node in _functions(tree):
            if isinstance(node, ast.Call) and _callee(node) in CALLS and node.args and (path, owner) not in EXEMPT:
                yield path, node


def _dict_lookup(arg: ast.expr, dicts) -> str | None:
    """The dict's name when ``arg`` is ``NAME[...]`` or ``NAME.get(...)`` of a key dict."""
    if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name) and arg.value.id in dicts:
        return arg.value.id
    if (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get"
            and isinstance(arg.func.value, ast.Name) and arg.func.value.id in dicts):
        return arg.func.value.id
    return None


def test_no_key_is_built_at_run_time_where_it_is_said():
    modules = _modules()
    dicts = _all_key_dicts(modules)
    built = []
    for path, node in _key_calls(modules):
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            continue
        carried = arg.value if isinstance(arg, ast.Subscript) else arg
        if _dict_lookup(arg, dicts) or isinstance(carried, (ast.Name, ast.Attribute)):
            continue
        built.append(f"{path}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert not built, "write these keys out (a literal or a dict of literals):\n" + "\n".join(built)


def _heads() -> set[str]:
    """Every "a." / "a.b." a catalogue key starts with."""
    out = set()
    for key in i18n.MESSAGES:
        parts = key.split(".")
        out.update(".".join(parts[:i]) + "." for i in range(1, len(parts)))
    return out


def _head_of(node: ast.expr) -> str | None:
    """The literal text a built string starts with."""
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = node.left
        while isinstance(left, ast.BinOp):
            left = left.left
        return left.value if isinstance(left, ast.Constant) and isinstance(left.value, str) else None
    return None


def test_no_string_anywhere_is_built_like_a_catalogue_key():
    heads = _heads()
    built = []
    for path, tree in _modules().items():
        for owner, node in _functions(tree):
            head = _head_of(node)
            if head and (path, owner) not in EXEMPT and any(head.startswith(h) for h in heads):
                built.append(f"{path}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert not built, "a catalogue key built at run time:\n" + "\n".join(built)


def _exists(key: str, plural: bool) -> bool:
    forms = f"{key}.one" in i18n.MESSAGES and f"{key}.other" in i18n.MESSAGES
    return forms if plural else key in i18n.MESSAGES or forms


def test_every_key_the_code_names_is_in_the_catalogue():
    modules = _modules()
    dicts = _all_key_dicts(modules)
    missing, named, used_dicts = [], 0, set()
    for path, node in _key_calls(modules):
        arg, plural = node.args[0], _callee(node) == "tn"
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            named += 1
            if not _exists(arg.value, plural):
                missing.append(f"{path}:{node.lineno}: {arg.value}")
        elif (name := _dict_lookup(arg, dicts)) is not None:
            used_dicts.add((name, plural))
    for name, plural in sorted(used_dicts):
        missing += [f"{name}: {key}" for key in dicts[name] if not _exists(key, plural)]
    # a mapping read into a variable first (``key = STATUS_KEYS.get(v)``) is named ``*_KEYS``
    for name in sorted(n for n in dicts if n.endswith("_KEYS")):
        missing += [f"{name}: {key}" for key in dicts[name] if not _exists(key, False)]
    assert named > 200 and len(used_dicts) >= 15  # the walk sees the code it is meant to
    assert not missing, "keys missing from the catalogue:\n" + "\n".join(missing)


def test_the_rule_catches_a_built_key():
    """The walk itself is not blind: a built key and a missing one are both seen."""
    tree = ast.parse('def f(x):\n    return t(f"tui.spec.{x}") + t("tui.nope") + t(KEYS[x])\nKEYS = {"a": "tui.x"}\n')
    calls = [n for _, n in _functions(tree) if isinstance(n, ast.Call) and _callee(n) == "t"]
    dicts = _key_dicts(tree)
    assert [isinstance(c.args[0], ast.JoinedStr) for c in calls] == [True, False, False]
    assert _dict_lookup(calls[2].args[0], dicts) == "KEYS"
    assert _head_of(calls[0].args[0]) == "tui.spec." and "tui.spec." in _heads()
    assert not _exists("tui.nope", False) and _exists("tui.adm.count.audit", True)
