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
# A keyword argument dropped: these two have an operator of their own, any other is "drop-keyword".
KEYWORD_OPERATORS = {"dependencies": "drop-dependency", "scopes": "drop-scopes"}
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


class _Finder(ast.NodeVisitor):
    """Walks a module and lists every mutation it can make inside ``lines``.

    :meth:`find` walks the tree itself, since a mutation names its node by position in
    ``ast.walk`` order, and hands each node to :meth:`~ast.NodeVisitor.visit`, which calls
    the ``visit_<NodeType>`` method for its kind. A kind without one makes no mutants, and
    no method recurses: the walk already reaches every node.
    """

    def __init__(self, tree: ast.Module, lines: set[int] | None) -> None:
        self.tree = tree
        self.lines = lines
        self.points: list[_Point] = []
        self.index = 0  # the visited node's position in walk order
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

    def add(self, node: ast.AST, operator: str, edit: Edit, needs_time: bool = False) -> None:
        self.points.append(_Point(self.index, operator, node.lineno, edit, needs_time))

    def find(self) -> list[_Point]:
        for index, node in enumerate(ast.walk(self.tree)):
            if isinstance(node, ast.Expr) and id(node) in self.docstrings:
                continue
            # A function outside the answer may still carry a decorator inside it.
            if not self.inside(node) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            self.index = index
            self.visit(node)
        return self.points

    def generic_visit(self, node: ast.AST) -> None:
        """A kind of node this mutator leaves alone (its children come from :meth:`find`'s walk)."""

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

    # Definitions: a decorator dropped, ``async`` dropped.

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for k, decorator in enumerate(node.decorator_list):
            if self.inside(decorator):
                self.add(decorator, "drop-decorator", _drop_decorator(k))

    visit_ClassDef = visit_FunctionDef

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)
        if self.inside(node):
            self.add(node, "drop-async", _drop_async)

    # Statements: a value no longer returned, a statement deleted (every kind in DELETABLE,
    # see the loop after this class).

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.add(node, "return-none", lambda n: ast.Return(value=ast.Constant(None)))

    def delete_stmt(self, node: ast.stmt) -> None:
        self.add(node, "delete-stmt", lambda n: ast.Pass())

    # Expressions.

    def visit_Await(self, node: ast.Await) -> None:
        self.add(node, "drop-await", lambda n: n.value)
        call = node.value if isinstance(node.value, ast.Call) else None
        called = _name(call.func) if call else ""
        if called in ("asyncio.sleep", "anyio.sleep"):
            self.add(node, "sync-sleep", _sync_sleep, needs_time=True)
        elif called in ("asyncio.to_thread", "run_in_threadpool", "anyio.to_thread.run_sync") and call.args:
            self.add(node, "unthread", _unthread)
        elif called == "asyncio.gather" and call.args:
            self.add(node, "sequential-gather", _sequential)

    def visit_Call(self, node: ast.Call) -> None:
        if _is_dependency(node) and isinstance(self.parents.get(node), ast.arguments):
            # ``x: T = Depends(f)``: the parameter keeps a default, but no dependency.
            self.add(node, "drop-dependency", lambda n: ast.Constant(None))
        for k, keyword in enumerate(node.keywords):
            if keyword.arg is not None:
                self.add(node, KEYWORD_OPERATORS.get(keyword.arg, "drop-keyword"), _drop_keyword(k))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """``Annotated[T, Depends(f)]`` -> ``T``."""
        if _name(node.value) not in ("Annotated", "typing.Annotated"):
            return
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else []
        if any(_is_dependency(p) for p in parts[1:]):
            self.add(node, "drop-dependency", lambda n: n.slice.elts[0])

    def visit_List(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        """An element dropped from a keyword's value (``dependencies=[...]``, ``algorithms=[...]``)."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.keyword) and len(node.elts) >= 2:
            operator = "drop-dependency" if parent.arg == "dependencies" else "drop-element"
            for k in range(len(node.elts)):
                self.add(node, operator, _drop_element(k))

    visit_Tuple = visit_Set = visit_List

    def visit_Dict(self, node: ast.Dict) -> None:
        """An entry dropped from a keyword's value (``headers={...}``)."""
        if isinstance(self.parents.get(node), ast.keyword) and len(node.keys) >= 2:
            for k, key in enumerate(node.keys):
                if key is not None:
                    self.add(node, "drop-entry", _drop_entry(k))

    def visit_Compare(self, node: ast.Compare) -> None:
        for k, op in enumerate(node.ops):
            for flips in (NEGATIONS, BOUNDARIES):
                if type(op) in flips:
                    self.add(node, "flip-compare", _compare(k, flips[type(op)]))

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self.add(node, "swap-boolop",
                 lambda n: ast.BoolOp(op=ast.Or() if isinstance(n.op, ast.And) else ast.And(), values=n.values))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.add(node, "drop-not", lambda n: n.operand)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if not self.in_fstring(node):
            self.add(node, "string", lambda n: ast.Constant(""))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id == "status":
            self.status(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if type(node.value) is int and self.status_context(node):
            self.status(node)
            self.constant(node)
        elif not self.in_docstring(node) and not self.in_fstring(node):
            self.constant(node)

    def status_context(self, node: ast.AST) -> bool:
        """``status_code=<node>``, or the first argument of ``HTTPException(...)`` and its kin."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.keyword):
            return parent.arg == "status_code"
        return (isinstance(parent, ast.Call) and bool(parent.args) and parent.args[0] is node
                and _name(parent.func).rsplit(".", 1)[-1] in STATUS_CALLS)

    def status(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in STATUS_SWAPS:
            swapped = STATUS_SWAPS[node.value]
            self.add(node, "status-code", lambda n: ast.Constant(swapped))
        elif isinstance(node, ast.Attribute) and (match := re.fullmatch(r"HTTP_(\d{3})_\w+", node.attr)):
            code = int(match.group(1))
            target = self.status_names.get(STATUS_SWAPS.get(code, 0))
            if target:
                self.add(node, "status-code", lambda n: ast.Attribute(value=n.value, attr=target, ctx=n.ctx))

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, "flip-bool", lambda n: ast.Constant(not n.value))
        elif isinstance(value, (int, float)):
            for delta in (1, -1):
                self.add(node, "number", lambda n, d=delta: ast.Constant(n.value + d))
        elif isinstance(value, str) and value:
            self.add(node, "string", lambda n: ast.Constant(""))
            self.string_numbers(node, value)

    def string_numbers(self, node: ast.Constant, value: str) -> None:
        """The first number in a short string bumped (``"v1"`` -> ``"v2"``); a rate limit's unit lengthened."""
        digits = re.search(r"\d+", value)
        if digits and len(value) <= 40:
            for delta in (1, -1) if int(digits.group()) > 0 else (1,):
                bumped = f"{value[:digits.start()]}{int(digits.group()) + delta}{value[digits.end():]}"
                self.add(node, "string-number", lambda n, b=bumped: ast.Constant(b))
        rate = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", value)
        if rate and rate.group(2) != "day":
            longer = RATE_UNITS[RATE_UNITS.index(rate.group(2)) + 1]
            self.add(node, "string-number", lambda n: ast.Constant(f"{rate.group(1)}/{longer}"))


for _kind in DELETABLE:
    setattr(_Finder, f"visit_{_kind.__name__}", _Finder.delete_stmt)


def _is_dependency(node: ast.AST) -> bool:
    """``Depends(...)`` or ``Security(...)``, however imported."""
    return isinstance(node, ast.Call) and _name(node.func).rsplit(".", 1)[-1] in ("Depends", "Security")


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


def make_mutants(source: str, lines: set[int] | str | None = "markers") -> list[Mutant]:
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
