"""Making mutants: one small change each to the answer between an item's solution markers.

The operators are the mistakes this course's students make (see the package's docstring for why
a small ``ast`` mutator and not a library). Nothing here grades: :mod:`autograder.audit.runner`
grades what this module makes.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from autograder.authoring.markers import BEGIN, END

# Bump when the mutants made from one source change: every item is then audited again.
MUTATOR_VERSION = 1

# The wrong status a careless answer uses instead of the right one.
STATUS_SWAPS = {200: 201, 201: 200, 202: 200, 204: 200, 301: 302, 302: 301, 303: 302, 307: 302,
                400: 422, 401: 403, 403: 401, 404: 200, 405: 404, 409: 400, 410: 404, 422: 400,
                429: 403, 500: 200, 503: 500}
STATUS_CALLS = {"HTTPException", "JSONResponse", "Response", "PlainTextResponse", "HTMLResponse",
                "RedirectResponse", "WebSocketException", "StarletteHTTPException"}
RATE_UNITS = ("second", "minute", "hour", "day")
NEGATIONS: dict[type, type] = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
                               ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
                               ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BOUNDARIES: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
DELETABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Assert, ast.Delete, ast.Break, ast.Continue)


@dataclass(frozen=True)
class Mutant:
    id: str
    operator: str
    line: int
    description: str
    source: str

    @property
    def key(self) -> tuple[str, str]:
        """What matches an equivalents entry whose line moved: operator and hash."""
        return self.operator, self.id.rsplit(":", 1)[-1]


def solution_lines(source: str) -> set[int] | None:
    """The line numbers between the markers, or None when the file has none."""
    lines: set[int] = set()
    inside = found = False
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN.match(line):
            inside = found = True
        elif END.match(line):
            inside = False
        elif inside:
            lines.add(number)
    return lines if found else None


def _name(node: ast.AST) -> str:
    """``asyncio.sleep`` for ``asyncio.sleep``, ``Depends`` for ``Depends``, '' otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    return ""


def _short(node: ast.AST | str, width: int = 70) -> str:
    text = node if isinstance(node, str) else ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _status_names() -> dict[int, str]:
    from fastapi import status

    names: dict[int, str] = {}
    for name in dir(status):
        match = re.fullmatch(r"(?:HTTP|WS)_(\d{3,4})_\w+", name)
        if match and name.startswith("HTTP"):
            names.setdefault(int(match.group(1)), name)
    return names


# An edit works on a copy of the module: it gets the copy's node and returns what
# replaces it (the node itself, changed, or a new one).
Edit = Callable[[ast.AST], ast.AST]


@dataclass
class _Point:
    index: int          # the node's position in ast.walk order
    operator: str
    line: int
    edit: Edit
    needs_time: bool = False


class _Finder:
    """Walks a module and lists every mutation it can make inside ``lines``."""

    def __init__(self, tree: ast.Module, lines: set[int] | None) -> None:
        self.tree = tree
        self.lines = lines
        self.points: list[_Point] = []
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.docstrings = {id(body[0]) for node in ast.walk(tree)
                           if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                           and (body := node.body) and isinstance(body[0], ast.Expr)
                           and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)}
        self.status_names = _status_names()

    def inside(self, node: ast.AST) -> bool:
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if start is None:
            return False
        if self.lines is None:
            return True
        return all(n in self.lines for n in range(start, (end or start) + 1))

    def add(self, index: int, node: ast.AST, operator: str, edit: Edit, needs_time: bool = False) -> None:
        self.points.append(_Point(index, operator, node.lineno, edit, needs_time))

    def find(self) -> list[_Point]:
        for index, node in enumerate(ast.walk(self.tree)):
            if isinstance(node, ast.Expr) and id(node) in self.docstrings:
                continue
            if not self.inside(node) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            self.visit(index, node)
        return self.points

    def in_docstring(self, node: ast.AST) -> bool:
        parent = self.parents.get(node)
        return isinstance(parent, ast.Expr) and id(parent) in self.docstrings

    def in_fstring(self, node: ast.AST) -> bool:
        parent = self.parents.get(node)
        while parent is not None:
            if isinstance(parent, ast.JoinedStr):
                return True
            parent = self.parents.get(parent)
        return False

    def visit(self, index: int, node: ast.AST) -> None:  # noqa: C901 - one branch per node kind
        inside = self.inside(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for k, decorator in enumerate(getattr(node, "decorator_list", [])):
                if self.inside(decorator):
                    self.add(index, decorator, "drop-decorator", _drop_decorator(k))
            if isinstance(node, ast.AsyncFunctionDef) and inside:
                self.add(index, node, "drop-async", _drop_async)
            return
        if isinstance(node, ast.stmt):
            if isinstance(node, ast.Return) and node.value is not None and not (
                    isinstance(node.value, ast.Constant) and node.value.value is None):
                self.add(index, node, "return-none", lambda n: ast.Return(value=ast.Constant(None)))
            if isinstance(node, DELETABLE):
                self.add(index, node, "delete-stmt", lambda n: ast.Pass())
            return
        if isinstance(node, ast.Await):
            self.add(index, node, "drop-await", lambda n: n.value)
            called = _name(node.value.func) if isinstance(node.value, ast.Call) else ""
            if called in ("asyncio.sleep", "anyio.sleep"):
                self.add(index, node, "sync-sleep", _sync_sleep, needs_time=True)
            elif called in ("asyncio.to_thread", "run_in_threadpool", "anyio.to_thread.run_sync") and node.value.args:
                self.add(index, node, "unthread", _unthread)
            elif called == "asyncio.gather" and node.value.args:
                self.add(index, node, "sequential-gather", _sequential)
        elif isinstance(node, ast.Call):
            called = _name(node.func).rsplit(".", 1)[-1]
            if called in ("Depends", "Security") and isinstance(self.parents.get(node), ast.arguments):
                # ``x: T = Depends(f)``: the parameter keeps a default, but no dependency.
                self.add(index, node, "drop-dependency", lambda n: ast.Constant(None))
            for k, keyword in enumerate(node.keywords):
                if keyword.arg is not None:
                    operator = "drop-dependency" if keyword.arg == "dependencies" else (
                        "drop-scopes" if keyword.arg == "scopes" else "drop-keyword")
                    self.add(index, node, operator, _drop_keyword(k))
        elif isinstance(node, ast.Subscript) and _name(node.value) in ("Annotated", "typing.Annotated"):
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else []
            if any(isinstance(p, ast.Call) and _name(p.func).rsplit(".", 1)[-1] in ("Depends", "Security")
                   for p in parts[1:]):
                self.add(index, node, "drop-dependency", lambda n: n.slice.elts[0])
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and isinstance(self.parents.get(node), ast.keyword):
            if len(node.elts) >= 2:
                for k in range(len(node.elts)):
                    operator = "drop-dependency" if self.parents[node].arg == "dependencies" else "drop-element"
                    self.add(index, node, operator, _drop_element(k))
        elif isinstance(node, ast.Dict) and isinstance(self.parents.get(node), ast.keyword):
            if len(node.keys) >= 2:
                for k, key in enumerate(node.keys):
                    if key is not None:
                        self.add(index, node, "drop-entry", _drop_entry(k))
        elif isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in NEGATIONS:
                    self.add(index, node, "flip-compare", _compare(k, NEGATIONS[type(op)]))
                if type(op) in BOUNDARIES:
                    self.add(index, node, "flip-compare", _compare(k, BOUNDARIES[type(op)]))
        elif isinstance(node, ast.BoolOp):
            self.add(index, node, "swap-boolop",
                     lambda n: ast.BoolOp(op=ast.Or() if isinstance(n.op, ast.And) else ast.And(), values=n.values))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.add(index, node, "drop-not", lambda n: n.operand)
        elif isinstance(node, ast.JoinedStr) and not self.in_fstring(node):
            self.add(index, node, "string", lambda n: ast.Constant(""))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "status":
            self.status(index, node)
        elif isinstance(node, ast.Constant) and type(node.value) is int and self.status_context(node):
            self.status(index, node)
            self.constant(index, node)
        elif isinstance(node, ast.Constant) and not self.in_docstring(node) and not self.in_fstring(node):
            self.constant(index, node)

    def status_context(self, node: ast.AST) -> bool:
        """``status_code=<node>``, or the first argument of ``HTTPException(...)`` and its kin."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.keyword):
            return parent.arg == "status_code"
        return (isinstance(parent, ast.Call) and bool(parent.args) and parent.args[0] is node
                and _name(parent.func).rsplit(".", 1)[-1] in STATUS_CALLS)

    def status(self, index: int, node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in STATUS_SWAPS:
            swapped = STATUS_SWAPS[node.value]
            self.add(index, node, "status-code", lambda n: ast.Constant(swapped))
        elif isinstance(node, ast.Attribute) and (match := re.fullmatch(r"HTTP_(\d{3})_\w+", node.attr)):
            code = int(match.group(1))
            target = self.status_names.get(STATUS_SWAPS.get(code, 0))
            if target:
                self.add(index, node, "status-code", lambda n: ast.Attribute(value=n.value, attr=target, ctx=n.ctx))

    def constant(self, index: int, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(index, node, "flip-bool", lambda n: ast.Constant(not n.value))
        elif isinstance(value, (int, float)):
            for delta in (1, -1):
                self.add(index, node, "number", lambda n, d=delta: ast.Constant(n.value + d))
        elif isinstance(value, str) and value:
            self.add(index, node, "string", lambda n: ast.Constant(""))
            digits = re.search(r"\d+", value)
            if digits and len(value) <= 40:
                for delta in (1, -1) if int(digits.group()) > 0 else (1,):
                    bumped = f"{value[:digits.start()]}{int(digits.group()) + delta}{value[digits.end():]}"
                    self.add(index, node, "string-number", lambda n, b=bumped: ast.Constant(b))
            rate = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", value)
            if rate and rate.group(2) != "day":
                longer = RATE_UNITS[RATE_UNITS.index(rate.group(2)) + 1]
                self.add(index, node, "string-number", lambda n: ast.Constant(f"{rate.group(1)}/{longer}"))


def _drop_decorator(k: int) -> Edit:
    def edit(node):
        node.decorator_list.pop(k)
        return node
    return edit


def _drop_async(node):
    fields = {name: getattr(node, name) for name in node._fields}
    return ast.copy_location(ast.FunctionDef(**fields), node)


def _sync_sleep(node):
    call = node.value
    return ast.Call(func=ast.Attribute(value=ast.Name("time", ast.Load()), attr="sleep", ctx=ast.Load()),
                    args=call.args, keywords=call.keywords)


def _unthread(node):
    call = node.value
    return ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)


def _sequential(node):
    args = node.value.args
    if len(args) == 1 and isinstance(args[0], ast.Starred):
        target = ast.Name("_aw", ast.Store())
        return ast.ListComp(elt=ast.Await(ast.Name("_aw", ast.Load())),
                            generators=[ast.comprehension(target=target, iter=args[0].value, ifs=[], is_async=0)])
    return ast.List(elts=[ast.Await(a.value) if isinstance(a, ast.Starred) else ast.Await(a) for a in args],
                    ctx=ast.Load())


def _drop_keyword(k: int) -> Edit:
    def edit(node):
        node.keywords.pop(k)
        return node
    return edit


def _drop_element(k: int) -> Edit:
    def edit(node):
        node.elts.pop(k)
        return node
    return edit


def _drop_entry(k: int) -> Edit:
    def edit(node):
        node.keys.pop(k)
        node.values.pop(k)
        return node
    return edit


def _compare(k: int, new: type) -> Edit:
    def edit(node):
        node.ops[k] = new()
        return node
    return edit


def _replace(tree: ast.Module, index: int, edit: Edit) -> tuple[ast.AST, ast.AST]:
    """Apply ``edit`` to the ``index``-th node of ``tree``; the original and replacement nodes."""
    nodes = list(ast.walk(tree))
    target = nodes[index]
    for parent in nodes:
        for name, value in ast.iter_fields(parent):
            if value is target:
                before = copy.deepcopy(target)
                after = edit(target)
                setattr(parent, name, after)
                return before, after
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if item is target:
                        before = copy.deepcopy(target)
                        after = edit(target)
                        value[k] = after
                        return before, after
    if isinstance(target, ast.Module):  # pragma: no cover - modules are never mutated
        raise ValueError("cannot replace the module")
    raise ValueError(f"node {index} has no parent")  # pragma: no cover


def _ensure_import_time(tree: ast.Module) -> None:
    if any(isinstance(n, ast.Import) and any(a.name == "time" and a.asname is None for a in n.names)
           for n in tree.body):
        return
    position = 0
    for k, stmt in enumerate(tree.body):
        docstring = (k == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                     and isinstance(stmt.value.value, str))
        if docstring or (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            position = k + 1
    tree.body.insert(position, ast.Import(names=[ast.alias("time")]))


def _change(operator: str, before: ast.AST, after: ast.AST) -> str:
    """The change in full (unlike the description, never shortened): what a mutant id hashes."""
    if operator == "drop-decorator":
        kept = {ast.dump(d) for d in after.decorator_list}
        return " ".join(ast.unparse(d) for d in before.decorator_list if ast.dump(d) not in kept)
    if operator == "drop-async":
        return before.name
    if operator == "delete-stmt":
        return ast.unparse(before)
    return f"{ast.unparse(before)} -> {ast.unparse(after)}"


def _describe(operator: str, before: ast.AST, after: ast.AST) -> str:
    if operator == "delete-stmt":
        return f"deleted `{_short(before)}`"
    if operator == "drop-decorator":
        dropped = [d for d in before.decorator_list if not any(ast.dump(d) == ast.dump(e)
                                                              for e in after.decorator_list)]
        return f"removed decorator `@{_short(dropped[0]) if dropped else '?'}`"
    if isinstance(before, ast.Call) and isinstance(after, ast.Call) and len(after.keywords) < len(before.keywords):
        kept = {k.arg for k in after.keywords}
        dropped = next(k for k in before.keywords if k.arg not in kept)
        return f"`{_short(before.func)}(...)` without `{dropped.arg}={_short(dropped.value, 60)}`"
    if operator == "drop-async":
        return f"`async def {before.name}` -> `def {before.name}`"
    return f"`{_short(before)}` -> `{_short(after)}`"


def make_mutants(source: str, lines: set[int] | None | str = "markers") -> list[Mutant]:
    """Every mutant of ``source`` (a module's text), in source order, duplicates removed.

    ``lines`` limits the mutations to nodes lying within those line numbers; by default
    the lines between the solution markers (the whole module when it has none).
    """
    if lines == "markers":
        lines = solution_lines(source)
    tree = ast.parse(source)
    original = ast.unparse(tree)
    text_lines = source.splitlines()
    points = _Finder(tree, lines).find()
    seen: set[str] = {original}
    found: list[Mutant] = []
    counts: dict[tuple[str, str, str], int] = {}
    for point in sorted(points, key=lambda p: p.line):
        mutated = copy.deepcopy(tree)
        # The finder's node and the copy's node share a position in walk order.
        before, after = _replace(mutated, point.index, point.edit)
        if point.needs_time:
            _ensure_import_time(mutated)
        ast.fix_missing_locations(mutated)
        try:
            text = ast.unparse(mutated)
        except Exception:  # noqa: BLE001 - an edit the unparser cannot write is no mutant
            continue
        if text in seen:
            continue
        seen.add(text)
        description = _describe(point.operator, before, after)
        line_text = text_lines[point.line - 1].strip() if point.line <= len(text_lines) else ""
        basis = (point.operator, line_text, _change(point.operator, before, after))
        counts[basis] = counts.get(basis, 0) + 1
        digest = hashlib.sha256("\0".join((*basis, str(counts[basis]))).encode()).hexdigest()[:8]
        found.append(Mutant(f"{point.operator}:L{point.line}:{digest}", point.operator, point.line, description,
                            text + "\n"))
    return found


def diff(source: str, mutant: Mutant) -> str:
    """A unified diff from the (unparsed) solution to the mutant."""
    original = ast.unparse(ast.parse(source)) + "\n"
    return "".join(difflib.unified_diff(original.splitlines(keepends=True), mutant.source.splitlines(keepends=True),
                                        "solution", mutant.id, n=1))


def is_valid(mutant: Mutant) -> bool:
    """False for a mutant that is not Python (``async`` dropped from a function that awaits)."""
    try:
        compile(mutant.source, "<mutant>", "exec")
    except SyntaxError:
        return False
    return True
