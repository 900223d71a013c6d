"""A static screen of a submitted file: constructs no FastAPI answer needs, for review.

Student code runs in the worker's process beside the hidden suite, so code that reads
the call stack, walks the garbage collector or patches pytest can reach the grader's
objects. The kernel sandbox and the audit hook (``guard.py``) refuse what they can at
run time; this screen reads the source before it runs and names, with the line, every
construct of that kind so that an instructor can look. Nothing here changes a score:
a finding only flags the item (a flag never raises a score).

The rules are chosen so that every reference solution, stub, sample and source answer
screens clean (``tests/sandbox/test_screen.py`` proves it per file): a finding on an honest
answer would cost an instructor's time and teach them to ignore flags. ``RULES`` holds
each rule's one-line reason.

Names are resolved through imports and aliases (``import sys as s``, ``from sys import
_getframe as g``, ``__import__("gc")``, ``importlib.import_module("ctypes")``,
``getattr(sys, "_getframe")``, ``TC = TestClient``), flow-insensitively: a name that is
bound by an import anywhere in a scope counts as that import everywhere in it, so the
order of statements cannot hide an alias.

The screen never raises on hostile input. A file that does not parse screens clean
(the grader reports the syntax error itself); a file too deep or too large for the
parser or for this screen gets the single finding ``could not be screened``.
"""

from __future__ import annotations

import ast
import builtins
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass

# What a submission may hold (``submissions.MAX_FILE_BYTES``; tests/sandbox/test_screen.py keeps the two
# equal). Not imported from there: the screen runs in workers and ships in the student bundle,
# which leaves the batch-grading modules out.
MAX_FILE_BYTES = 1_000_000


__all__ = ["RULES", "Finding", "screen", "screen_file"]

# Rule id -> why a FastAPI answer never needs it (one line each).
RULES: dict[str, str] = {
    "frame-access": "frames hold the grader's and the hidden suite's objects; an answer never walks the call stack",
    "introspection": "code objects, function globals, closures and subclass walks reach objects never handed over",
    "sys-modules": "the module table holds the loaded suite and grader; an answer imports what it needs instead",
    "tracing": "a trace, profile or audit function sees (and can rewrite) every frame, the tests' included",
    "memory": "gc, ctypes and cffi read or write any object in the process, the grader's included",
    "process": "an answer serves HTTP in its own process: it never starts, signals or ends processes",
    "limits": "changing the worker's resource limits only helps code that tries to outrun them",
    "low-level-thread": "_thread bypasses threading's bookkeeping; threading is there for honest background work",
    "network": "raw sockets are not HTTP; answers talk through FastAPI, httpx or a database driver",
    "file-descriptor": "writing to raw descriptors reaches the worker's pipe to the grader",
    "dynamic-code": "running computed text or hand-built code objects hides what runs from review",
    "dynamic-import": "importing a computed name (or loading a file as a module) hides what is imported",
    "dynamic-attribute": "a computed attribute name on a module or class hides which attribute is read or replaced",
    "builtins": "replacing a builtin changes it for the hidden suite too",
    "patch": "replacing an attribute of an imported module or class changes it for the hidden suite too",
    "grader-path": "the grader's files (suites, solutions, the grader, .git) and /proc are no answer's business",
    "grader-import": "an answer never imports the grader or pytest's internals",
    "source": "reading other modules' source (linecache, inspect.getsource) can read the hidden suite",
    "unscreenable": "a file too deep or too large to screen is reviewed by hand",
}

# Attribute names that only frames, tracebacks, generators and coroutines have.
_FRAME_ATTRS = frozenset({"f_back", "f_locals", "f_globals", "f_builtins", "f_code", "f_trace",
                          "tb_frame", "gi_frame", "cr_frame", "ag_frame"})
# Dunders that reach code, globals or the class graph; none of them is needed to write
# an answer (``__dict__``/``__class__`` are left out: honest code reads them on its own
# objects; ``__dict__`` of an imported module or class is caught separately).
_INTROSPECTION_ATTRS = frozenset({"__code__", "__globals__", "__closure__", "__defaults__",
                                  "__kwdefaults__", "__subclasses__", "__mro__", "__bases__",
                                  "__base__", "gi_code", "cr_code", "ag_code"})

# Fully qualified names whose mere mention is enough: rule and what it does.
_NAMES: dict[str, tuple[str, str]] = {
    **{name: ("frame-access", "reads the call stack") for name in (
        "sys._getframe", "sys._current_frames", "sys._getframemodulename", "inspect.currentframe",
        "inspect.stack", "inspect.trace", "inspect.getouterframes", "inspect.getinnerframes",
        "traceback.walk_stack", "traceback.walk_tb")},
    "sys.modules": ("sys-modules", "uses the module table"),
    **{name: ("tracing", "installs a trace, profile or audit function") for name in (
        "sys.settrace", "sys.setprofile", "sys.addaudithook", "sys.monitoring", "threading.settrace",
        "threading.setprofile", "threading.settrace_all_threads", "threading.setprofile_all_threads")},
    **{name: ("process", "starts, signals or ends a process") for name in (
        "os.fork", "os.forkpty", "os.system", "os.popen", "os.kill", "os.killpg", "os._exit", "os.abort",
        "os.register_at_fork", "os.pidfd_open", "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell", "asyncio.subprocess", "concurrent.futures.ProcessPoolExecutor")},
    **{name: ("file-descriptor", "writes to a raw file descriptor") for name in (
        "os.write", "os.writev", "os.pwrite", "os.dup", "os.dup2", "os.fdopen", "os.sendfile")},
    **{name: ("dynamic-code", "builds code by hand") for name in ("types.CodeType", "types.FunctionType")},
    **{name: ("dynamic-import", "loads a module by hand") for name in (
        "importlib.reload", "importlib.util.spec_from_file_location", "importlib.util.spec_from_loader",
        "importlib.util.module_from_spec", "importlib.machinery")},
    **{name: ("source", "reads source code") for name in (
        "inspect.getsource", "inspect.getsourcelines", "inspect.getsourcefile", "inspect.findsource",
        "inspect.getfile", "inspect.getcomments")},
}
# os functions by prefix: exec*, spawn*, posix_spawn*.
_OS_PROCESS_PREFIXES = ("os.exec", "os.spawn", "os.posix_spawn")

# Modules (and their submodules) an answer never imports: rule and what they are for.
_MODULES: dict[str, tuple[str, str]] = {
    "gc": ("memory", "walks every object in the process"),
    "ctypes": ("memory", "reads and writes raw memory"),
    "_ctypes": ("memory", "reads and writes raw memory"),
    "cffi": ("memory", "reads and writes raw memory"),
    "subprocess": ("process", "starts processes"),
    "_posixsubprocess": ("process", "starts processes"),
    "multiprocessing": ("process", "starts processes"),
    "_multiprocessing": ("process", "starts processes"),
    "pty": ("process", "starts processes on a terminal"),
    "posix": ("process", "is os's unguarded core (fork, exec, kill)"),
    "signal": ("process", "signals processes"),
    "_signal": ("process", "signals processes"),
    "resource": ("limits", "changes resource limits"),
    "_thread": ("low-level-thread", "starts threads below threading"),
    "socket": ("network", "opens raw sockets"),
    "_socket": ("network", "opens raw sockets"),
    "runpy": ("dynamic-code", "runs files as code"),
    "linecache": ("source", "reads cached source code"),
    "autograder": ("grader-import", "is the grader"),
    "_pytest": ("grader-import", "is pytest's internals"),
    "pluggy": ("grader-import", "is pytest's plugin machinery"),
}

_CODE_RUNNERS = frozenset({"builtins.exec", "builtins.eval", "builtins.compile"})
_IMPORTERS = frozenset({"builtins.__import__", "importlib.import_module", "importlib.__import__"})
_GETTERS = frozenset({"builtins.getattr", "builtins.object.__getattribute__", "builtins.type.__getattribute__"})
_ATTR_FUNCS = _GETTERS | {"builtins.setattr", "builtins.delattr", "builtins.hasattr"}
_ATTR_WRITERS = frozenset({"builtins.setattr", "builtins.delattr"})
# Calls that take a path: a constant path into the grader's files there is a finding.
_FILE_FUNCS = frozenset({"builtins.open", "io.open", "io.FileIO", "codecs.open", "os.open", "os.listdir",
                         "os.scandir", "os.walk", "os.fwalk", "os.readlink", "os.stat", "os.lstat",
                         "os.remove", "os.unlink", "os.rename", "os.replace", "os.rmdir", "os.chdir",
                         "os.access", "os.truncate"})
_FILE_PREFIXES = ("os.path.", "shutil.", "glob.", "pathlib.")
_PATH_METHODS = frozenset({"joinpath", "with_name", "open"})
_GRADER_PATH = re.compile(r"(?:^|/)(?:autograder|suites|solutions|\.git)(?:/|$)|^/proc(?:/|$)|^/dev/fd(?:/|$)")
_BUILTIN_NAMES = frozenset(vars(builtins))
# Alias resolution visits at most this many bindings per file: a hostile web of aliases
# cannot make the screen slow (it gets "could not be screened" instead).
_RESOLVE_BUDGET = 1_000_000


@dataclass(frozen=True)
class Finding:
    """One construct for an instructor to review: the line, the rule's id and what it does."""

    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"review: line {self.line} {self.text}"


class _TooComplex(RecursionError):
    """The aliases go deeper than the screen follows; treated like any RecursionError."""


class _Scope:
    """One namespace (module, function, lambda or class body) and what its names are bound to.

    A binding is a qualified name (``str``, from an import), ``(expr, scope)`` (an
    assignment whose value may be an alias, evaluated in that scope) or ``None`` (a
    parameter, a def, a loop variable: never an alias).
    """

    def __init__(self, parent: _Scope | None, is_class: bool = False) -> None:
        self.parent = parent
        self.is_class = is_class
        self.bindings: dict[str, list[object]] = {}
        self.globals: set[str] = set()
        self.stars: list[str] = []

    def module(self) -> _Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


def _constant(node: ast.expr | None) -> str | None:
    """The text of a literal string (or bytes) argument, else None: only literals count as constant."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value if isinstance(node.value, str) else node.value.decode("latin-1")
    return None


def _folded(node: ast.expr | None) -> str | None:
    """A string built from literals only (``"_get" + "frame"``, ``"".join(["__clo", "sure__"])``,
    an f-string of literals), so that splitting a name does not hide it."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _folded(node.left), _folded(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" \
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], (ast.List, ast.Tuple)):
        separator = _folded(node.func.value)
        parts = [_folded(element) for element in node.args[0].elts]
        return None if separator is None or None in parts else separator.join(parts)  # type: ignore[arg-type]
    if isinstance(node, ast.JoinedStr):
        parts = [_constant(part) for part in node.values]
        return None if None in parts else "".join(parts)  # type: ignore[arg-type]
    return _constant(node)


def _prefix(node: ast.expr) -> str | None:
    """The literal start of a string (``f"/proc/{pid}"`` -> ``/proc/``), for path checks."""
    if isinstance(node, ast.JoinedStr):
        head = ""
        for part in node.values:
            text = _constant(part)
            if text is None:
                return head or None
            head += text
        return head
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _prefix(node.left)
    return _constant(node)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[:position + 1]):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


class _Binder(ast.NodeVisitor):
    """First pass: every scope and what each of its names may be bound to."""

    def __init__(self) -> None:
        self.scope = _Scope(None)
        self.scopes: dict[ast.AST, _Scope] = {}

    def _bind(self, name: str, value: object) -> None:
        scope = self.scope.module() if name in self.scope.globals else self.scope
        scope.bindings.setdefault(name, []).append(value)

    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, None if value is None else (value, self.scope))
        elif isinstance(target, (ast.Tuple, ast.List)):
            pairs = (isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
                     and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts))
            for n, element in enumerate(target.elts):
                self._bind_target(element, value.elts[n] if pairs else None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)

    def _enter(self, node: ast.AST, is_class: bool = False) -> _Scope:
        outer, self.scope = self.scope, _Scope(self.scope, is_class)
        self.scopes[node] = self.scope
        return outer

    def visit_Module(self, node: ast.Module) -> None:
        self.scopes[node] = self.scope
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind(alias.asname, alias.name)
            else:
                top = alias.name.partition(".")[0]
                self._bind(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.scope.module().stars.append(module)
            else:
                self._bind(alias.asname or alias.name, f"{module}.{alias.name}".replace("..", "."))

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind_target(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind_target(node.target, node.value)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target, node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._bind_target(node.target, None)
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor | ast.comprehension) -> None:
        self._bind_target(node.target, None)
        self.generic_visit(node)

    visit_AsyncFor = visit_comprehension = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self._bind_target(node.optional_vars, None)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name, None)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs | ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, None)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._bind(node.rest, None)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self._bind(node.name, None)
            for expr in [*node.decorator_list, node.returns]:
                if expr is not None:
                    self.visit(expr)
        _visit_signature(self, node.args)
        outer = self._enter(node)
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs,
                    arguments.kwarg]:
            if arg is not None:
                self._bind(arg.arg, None)
        for statement in node.body if isinstance(node.body, list) else [node.body]:
            self.visit(statement)
        self.scope = outer

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name, None)
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        outer = self._enter(node, is_class=True)
        for statement in node.body:
            self.visit(statement)
        self.scope = outer


def _visit_signature(visitor: ast.NodeVisitor, arguments: ast.arguments) -> None:
    """Defaults and annotations are evaluated in the enclosing scope, not the function's."""
    for expr in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
        visitor.visit(expr)
    for arg in [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs,
                arguments.kwarg]:
        if arg is not None and arg.annotation is not None:
            visitor.visit(arg.annotation)


class _Resolver:
    """What an expression names, as a dotted path from an import (``sys._getframe``), or None.

    Flow-insensitive and may-alias: a name bound by an import anywhere in its scope
    resolves to that import. Results are cached; the budget bounds hostile alias webs.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], str | None] = {}
        self._active: set[tuple[int, str]] = set()
        self._tainted = False
        self._budget = _RESOLVE_BUDGET

    def qualname(self, node: ast.expr, scope: _Scope) -> str | None:
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, scope)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.NamedExpr):
            return self.qualname(node.value, scope)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        return None

    def call(self, node: ast.Call, scope: _Scope) -> str | None:
        """``__import__("gc")``, ``import_module("ctypes")`` and ``getattr(sys, "_getframe")`` name things too."""
        func = self.qualname(node.func, scope)
        if func in _IMPORTERS:
            name = _folded(_argument(node, 0, "name"))
            if not name:
                return None
            fromlist = _argument(node, 3, "fromlist")
            empty = (isinstance(fromlist, ast.Constant) and not fromlist.value) or (
                isinstance(fromlist, (ast.List, ast.Tuple)) and not fromlist.elts)
            whole = func == "importlib.import_module" or (fromlist is not None and not empty)
            return name if whole else name.partition(".")[0]
        if func in _GETTERS:
            obj, attr = _argument(node, 0, "object"), _folded(_argument(node, 1, "name"))
            base = None if obj is None else self.qualname(obj, scope)
            return f"{base}.{attr}" if base and attr else None
        return None

    def lookup(self, name: str, scope: _Scope) -> str | None:
        owner, current = None, scope
        while current is not None:
            if name in current.bindings and (current is scope or not current.is_class):
                owner = current
                break
            current = current.parent
        if owner is None:  # a builtin, or a name a star import may have bound
            if name in _BUILTIN_NAMES:
                return f"builtins.{name}"
            stars = scope.module().stars
            return f"{stars[0]}.{name}" if stars and not name.startswith("_") else None
        key = (id(owner), name)
        if key in self._cache:
            return self._cache[key]
        if key in self._active:
            self._tainted = True
            return None
        self._budget -= 1
        if self._budget < 0:
            raise _TooComplex("aliases too tangled to follow")
        outer_taint, self._tainted = self._tainted, False
        self._active.add(key)
        result = None
        try:
            for entry in owner.bindings[name]:
                if isinstance(entry, str):
                    result = entry
                elif isinstance(entry, tuple):
                    result = self.qualname(*entry)
                if result:
                    break
        finally:
            self._active.discard(key)
        # A negative answer that skipped a name still being resolved may be incomplete.
        if result is not None or not self._tainted or not self._active:
            self._cache[key] = result
        self._tainted = self._tainted or outer_taint
        return result


# Modules that other modules happen to import, reachable as their attributes
# (``os.sys``, ``inspect.sys``, ``threading._thread``): a name is also classified from
# such a component on. Common words (``resource``, ``signal``, ``socket``) are left out.
_REEXPORTED = frozenset({"sys", "os", "inspect", "importlib", "types", "traceback", "threading", "gc",
                         "ctypes", "_ctypes", "_thread", "_posixsubprocess", "subprocess", "linecache",
                         "_pytest", "pluggy", "autograder", "builtins"})


def _classify(qualname: str | None) -> tuple[str, str] | None:
    """The rule a fully qualified name falls under, if any, also when reached through another module."""
    if not qualname:
        return None
    parts = qualname.split(".")
    for n in range(1, len(parts)):
        if parts[n] in _REEXPORTED:
            suffix = ".".join(parts[n:])
            if (found := _classify_exact(suffix) or _module_rule(suffix)) is not None:
                return found
    return _classify_exact(qualname)


def _classify_exact(qualname: str) -> tuple[str, str] | None:
    if qualname in _NAMES:
        return _NAMES[qualname]
    if qualname.startswith(_OS_PROCESS_PREFIXES):
        return "process", "starts a process"
    parent = qualname.rpartition(".")[0]
    if parent in ("sys.monitoring", "importlib.machinery"):
        return _NAMES[parent]
    return None


# Modules of the grader that an exercise is handed on purpose (testing01's app under
# test and its helpers): importing them is the task, not a finding.
STUDENT_FACING = frozenset({"autograder.kit.notes_app", "autograder.kit.testgrader"})


def _module_rule(module: str) -> tuple[str, str] | None:
    """The rule for importing ``module``: its own or its nearest listed parent package's."""
    if any(module == allowed or module.startswith(allowed + ".") for allowed in STUDENT_FACING):
        return None
    parts = module.lstrip(".").split(".")
    for n in range(len(parts), 0, -1):
        if (found := _MODULES.get(".".join(parts[:n]))) is not None:
            return found
    return None


class _Screener(ast.NodeVisitor):
    """Second pass: one ``visit_<Node>`` per construct that may call for review."""

    def __init__(self, binder: _Binder) -> None:
        self.scopes = binder.scopes
        self.scope: _Scope = binder.scope
        self.resolver = _Resolver()
        self.findings: dict[tuple[int, str], Finding] = {}

    # -- helpers ---------------------------------------------------------------------

    def flag(self, node: ast.AST, rule: str, text: str) -> None:
        line = getattr(node, "lineno", 0)
        self.findings.setdefault((line, rule), Finding(line, rule, text))

    def qualname(self, node: ast.expr) -> str | None:
        return self.resolver.qualname(node, self.scope)

    def check_name(self, node: ast.AST, qualname: str | None) -> None:
        if (found := _classify(qualname)) is not None:
            self.flag(node, found[0], f"{found[1]} ({qualname})")

    def check_module(self, node: ast.AST, module: str) -> None:
        if (found := _module_rule(module)) is not None:
            self.flag(node, found[0], f"imports {module.lstrip('.')}, which {found[1]}")

    def check_attribute_name(self, node: ast.AST, attr: str, how: str = "") -> None:
        if attr in _FRAME_ATTRS:
            self.flag(node, "frame-access", f"reads the call stack ({how}{attr})")
        elif attr in _INTROSPECTION_ATTRS:
            self.flag(node, "introspection", f"reaches into code or class internals ({how}{attr})")
        elif attr == "__builtins__":
            self.flag(node, "builtins", f"reaches the builtins namespace ({how}{attr})")

    def check_write(self, node: ast.AST, target: str, verb: str) -> None:
        """A write to an attribute of something an import bound (``target`` is its dotted name)."""
        if target == "builtins" or target.startswith("builtins."):
            self.flag(node, "builtins", f"{verb} a builtin ({target})")
        else:
            self.flag(node, "patch", f"{verb} an attribute of an imported module or class ({target})")

    def check_path(self, node: ast.AST, argument: ast.expr | None) -> None:
        text = None if argument is None else _prefix(argument)
        if text and _GRADER_PATH.search(text):
            self.flag(node, "grader-path", f"opens a path of the grader or /proc ({text!r})")

    def visit_scoped(self, node: ast.AST, body: list[ast.AST]) -> None:
        outer, self.scope = self.scope, self.scopes[node]
        for statement in body:
            self.visit(statement)
        self.scope = outer

    # -- scopes ----------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expr in [*node.decorator_list, node.returns]:
            if expr is not None:
                self.visit(expr)
        _visit_signature(self, node.args)
        self.visit_scoped(node, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        _visit_signature(self, node.args)
        self.visit_scoped(node, [node.body])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        self.visit_scoped(node, node.body)

    # -- imports ---------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.check_module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        self.check_module(node, module)
        for alias in node.names:
            if alias.name != "*":
                self.check_module(node, f"{module}.{alias.name}")
                self.check_name(node, f"{module}.{alias.name}")

    # -- names and attributes --------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag(node, "builtins", "reaches the builtins namespace (__builtins__)")
        elif isinstance(node.ctx, ast.Load):
            self.check_name(node, self.qualname(node))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.check_attribute_name(node, node.attr)
        if isinstance(node.ctx, ast.Load):
            self.check_name(node, self.qualname(node))
            if node.attr == "__dict__" and (base := self.qualname(node.value)):
                self.flag(node, "builtins" if base == "builtins" else "introspection",
                          f"reads the namespace of an imported module or class ({base}.__dict__)")
        elif (base := self.qualname(node.value)) is not None:
            self.check_write(node, f"{base}.{node.attr}",
                             "deletes" if isinstance(node.ctx, ast.Del) else "replaces")
        self.generic_visit(node)

    # -- calls -----------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = self.qualname(node.func)
        if func in _CODE_RUNNERS and _constant(_argument(node, 0, "source")) is None:
            self.flag(node, "dynamic-code", f"runs computed code ({func.rpartition('.')[2]} of a non-constant)")
        elif func in _IMPORTERS:
            name = _folded(_argument(node, 0, "name"))
            if name is None:
                self.flag(node, "dynamic-import", f"imports a computed name ({func.rpartition('.')[2]})")
            else:
                self.check_module(node, name)
        elif func in _ATTR_FUNCS:
            self.attribute_call(node, func)
        elif func == "builtins.vars" and node.args and (base := self.qualname(node.args[0])):
            self.flag(node, "builtins" if base == "builtins" else "introspection",
                      f"reads the namespace of an imported module or class (vars({base}))")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("__setattr__", "__delattr__"):
            self.dunder_setattr(node)
        if func in _FILE_FUNCS or (func or "").startswith(_FILE_PREFIXES) or (
                isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_METHODS):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                self.check_path(node, argument)
        self.check_name(node, self.resolver.call(node, self.scope))
        self.generic_visit(node)

    def attribute_call(self, node: ast.Call, func: str) -> None:
        """getattr and kin: a constant name is checked like ``obj.name``; a computed one on an import is flagged."""
        verb = func.rpartition(".")[2]
        obj, name_node = _argument(node, 0, "object"), _argument(node, 1, "name")
        base = None if obj is None else self.qualname(obj)
        name = _folded(name_node)
        if name is not None:
            self.check_attribute_name(node, name, how=f"{verb} ")
        if base is None:
            return
        if name is None or _constant(name_node) is None:
            self.flag(node, "dynamic-attribute", f"{verb} with a computed name on an imported module or class ({base})")
        if func in _ATTR_WRITERS:
            self.check_write(node, f"{base}.{name or '?'}", "deletes" if verb == "delattr" else "replaces")

    def dunder_setattr(self, node: ast.Call) -> None:
        """``TestClient.__setattr__(...)`` or ``object.__setattr__(TestClient, ...)`` patch like setattr does."""
        assert isinstance(node.func, ast.Attribute)
        owner = self.qualname(node.func.value)
        if owner in ("builtins.object", "builtins.type") and node.args:
            owner = self.qualname(node.args[0])
        if owner:
            self.check_write(node, f"{owner}.?", "deletes" if node.func.attr == "__delattr__" else "replaces")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """``globals()["__builtins__"]`` is the builtins namespace too."""
        if _constant(node.slice) == "__builtins__":
            self.flag(node, "builtins", "reaches the builtins namespace (__builtins__)")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        """``SOMEWHERE / "solutions"``: the ``/`` of pathlib with a grader folder on its right."""
        if isinstance(node.op, ast.Div):
            self.check_path(node, node.right)
        self.generic_visit(node)


def screen(source: str) -> list[Finding]:
    """Every construct in ``source`` an instructor should review, by line; never raises on hostile text.

    A file that does not parse gives ``[]`` (the grader reports the syntax error); one
    too deep or too large to parse or to screen gives one ``unscreenable`` finding.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: null bytes, lone surrogates
        return []
    except (RecursionError, MemoryError):
        return [_unscreenable()]
    try:
        binder = _Binder()
        binder.visit(tree)
        screener = _Screener(binder)
        screener.visit(tree)
    except (RecursionError, MemoryError):
        return [_unscreenable()]
    return sorted(screener.findings.values(), key=lambda f: (f.line, f.rule))


def _unscreenable() -> Finding:
    return Finding(1, "unscreenable", "could not be screened (too deep or too large); review by hand")


def screen_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Screen a file as Python would read it (PEP 263 cookie, BOM), at most ``MAX_FILE_BYTES``; never raises.

    Only regular files are read (a FIFO would block); one the grader would refuse
    (missing, too large, undecodable) gives ``[]``: it is reported as such elsewhere.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, ValueError, TypeError):
        return []
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return []
        chunks, left = [], MAX_FILE_BYTES + 1
        while left > 0 and (chunk := os.read(descriptor, left)):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError:
        return []
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        return []
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return []
    return screen(source)

