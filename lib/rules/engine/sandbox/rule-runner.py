# Runs MSPs' dispatcher rules inside the sandbox child (Pyodide). Loaded once per process by
# sandbox-child.mjs, which calls make_runner() and keeps only the two functions it returns.
#
# This file is the Python-level fence; the process-level sandbox (permission model, empty
# environment, heap cap, kill on timeout) is the real boundary. The fence exists so that the
# usual escapes (importing `js`, walking `__subclasses__`, frame globals) fail with a clear
# error instead of ever needing the outer boundary:
# - imports go through an allowlist; `js`, `pyodide*`, `os`, `subprocess`, `socket`, ... are
#   refused, and a meta-path hook refuses loading them by any other route;
# - attribute names starting with `_` (dunders, private members) and frame/generator
#   internals are refused at compile time, and again at run time wherever a name chosen at run
#   time becomes an attribute lookup: getattr/hasattr/setattr/delattr, str.format and
#   format_map fields, string.Formatter, operator.attrgetter/methodcaller and functools'
#   update_wrapper/wraps (rules get fenced copies of those three modules);
# - an attribute that is a module outside the allowlist (`textwrap.re` is fine,
#   `json.codecs` is not) is refused at run time;
# - builtins are a reduced copy: no open, eval, exec, compile, globals, vars, input.
#
# The fence is not the isolation: after every evaluation the runner puts back the state rules
# can legitimately change (random, decimal, calendar) and checks that nothing else it can see
# changed (modules, builtins, import machinery); if anything did, the child retires its
# interpreter. Test runs have their own processes, retired after every run (python-engine.ts).


def make_runner(output_limit_bytes, cache_size):
    import ast
    import builtins as real_builtins
    import hashlib
    import json
    import operator
    import sys
    import types

    import _string

    # Pure standard-library modules: nothing in them reaches files, network, processes or the
    # interpreter itself (the fence below keeps it that way for what they import).
    ALLOWED_MODULES = (
        're', 'textwrap', 'datetime', 'math', 'json', 'string', 'collections', 'collections.abc',
        'itertools', 'random', 'time', 'ipaddress', 'decimal', 'fractions', 'statistics', 'functools',
        'operator', 'unicodedata', 'difflib', 'html', 'calendar',
    )
    # Modules that C code of allowed modules imports through the rule's own __import__
    # (datetime.strptime imports _strptime on first use). Rule source cannot name them: imports
    # of underscore names are refused at compile time.
    INTERNAL_IMPORTS = ('_strptime',)
    # Loaded now, while the import machinery is unrestricted: their own imports (os for random,
    # _strptime for datetime.strptime) must already be in sys.modules once the hook is on.
    for name in ALLOWED_MODULES + INTERNAL_IMPORTS + ('encodings.idna',):
        __import__(name)

    REFUSED_ROOTS = frozenset((
        'js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core', 'os', 'posix', 'nt', 'subprocess',
        'socket', '_socket', 'select', 'ctypes', '_ctypes', 'importlib', 'imp', 'pty', 'signal', 'shutil',
        'pathlib', 'io', '_io', 'builtins', 'sys', 'gc', 'inspect', 'code', 'codeop', 'runpy', 'pickle',
        '_pickle', 'marshal', 'multiprocessing', 'threading', '_thread', 'asyncio', 'urllib', 'http',
        'ssl', 'ftplib', 'smtplib', 'webbrowser', 'micropip', 'zipimport', 'tempfile', 'glob', 'sqlite3',
    ))

    class RefuseEscapes:
        """Meta-path hook: a module the fence refuses is never loaded, whatever the route."""

        def find_spec(self, fullname, path=None, target=None):
            if fullname.split('.')[0] in REFUSED_ROOTS:
                raise ImportError(f"import of '{fullname}' is not allowed in rules")
            return None

    sys.meta_path.insert(0, RefuseEscapes())
    for name in list(sys.modules):
        if name.split('.')[0] in ('js', 'pyodide_js', 'pyodide', '_pyodide', 'micropip'):
            del sys.modules[name]

    allowed = {name: sys.modules[name] for name in ALLOWED_MODULES}

    PUBLIC_UNDERSCORE = frozenset(('_replace', '_asdict', '_fields', '_make', '_field_defaults'))
    FRAME_ATTRIBUTES = frozenset((
        'gi_frame', 'gi_code', 'gi_yieldfrom', 'gi_suspended', 'cr_frame', 'cr_code', 'cr_await',
        'ag_frame', 'ag_code', 'ag_await', 'tb_frame', 'tb_next', 'f_back', 'f_globals', 'f_locals',
        'f_builtins', 'f_code', 'f_trace', 'func_globals', 'func_code',
    ))

    def attribute_refusal(name):
        if name in FRAME_ATTRIBUTES or (name.startswith('_') and name not in PUBLIC_UNDERSCORE):
            return f"access to the attribute '{name}' is not allowed in rules"
        return None

    # Refusals at run time: a rule that meets one was probing the fence, so its interpreter is
    # retired after the evaluation (see finish()), whatever the rule did with the error.
    fence_events = [0]
    executed = [False]

    def refused(message):
        fence_events[0] += 1
        return AttributeError(message)

    def refuse_name(name):
        if not isinstance(name, str):
            raise TypeError('attribute name must be a string')
        refusal = attribute_refusal(name)
        if refusal:
            raise refused(refusal)

    STR_FORMAT = str.format
    STR_FORMAT_MAP = str.format_map

    def refuse_format_fields(text, depth=0):
        """str.format fields such as '{0.__class__}' are attribute lookups by name: fence them.

        Uses the parser str.format itself uses; a nested field inside a format spec is checked
        the same way (Python stops nesting at depth 2).
        """
        for _literal, field, spec, _conversion in _string.formatter_parser(text):
            if field is not None:
                _first, rest = _string.formatter_field_name_split(field)
                for is_attribute, key in rest:
                    if is_attribute:
                        refuse_name(key)
            if spec and depth < 2:
                refuse_format_fields(spec, depth + 1)

    def fenced_format(self, *args, **kwargs):
        if not isinstance(self, str):
            raise TypeError("descriptor 'format' requires a 'str' object")
        refuse_format_fields(self)
        return STR_FORMAT(self, *args, **kwargs)

    def fenced_format_map(self, mapping):
        if not isinstance(self, str):
            raise TypeError("descriptor 'format_map' requires a 'str' object")
        refuse_format_fields(self)
        return STR_FORMAT_MAP(self, mapping)

    def fenced_method(obj, name, value):
        """str.format and str.format_map, bound or not, become their fenced versions."""
        if value is STR_FORMAT:
            return fenced_format
        if value is STR_FORMAT_MAP:
            return fenced_format_map
        if isinstance(obj, str) and getattr(value, '__self__', None) is obj and not hasattr(value, '__func__'):
            if name == 'format':
                return lambda *args, **kwargs: fenced_format(obj, *args, **kwargs)
            if name == 'format_map':
                return lambda mapping: fenced_format_map(obj, mapping)
        return value

    def guarded_getattr(obj, name, *default):
        refuse_name(name)
        value = getattr(obj, name, *default)
        if isinstance(value, types.ModuleType):
            view = module_views.get(id(value))
            if view is None:
                raise refused(f"the module '{value.__name__}' is not allowed in rules")
            return view
        if name in ('format', 'format_map'):
            return fenced_method(obj, name, value)
        return value

    def guarded_hasattr(obj, name):
        # `hasattr(x, '__iter__')` is ordinary Python: a fenced name is simply absent.
        if isinstance(name, str) and attribute_refusal(name):
            return False
        try:
            guarded_getattr(obj, name)
        except AttributeError:
            return False
        return True

    def refuse_shared_target(obj, verb):
        # Modules and classes outlive one evaluation in this process: changing them would leak
        # into the next press.
        if isinstance(obj, (types.ModuleType, type)):
            raise refused(f"rules cannot {verb} attributes of '{getattr(obj, '__name__', '?')}'")

    def guarded_setattr(obj, name, value):
        refuse_name(name)
        refuse_shared_target(obj, 'change')
        setattr(obj, name, value)

    def guarded_delattr(obj, name):
        refuse_name(name)
        refuse_shared_target(obj, 'delete')
        delattr(obj, name)

    # Fenced copies of what in allowed modules looks attributes up by a name given at run time.

    def safe_get_field(self, field_name, args, kwargs):
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = guarded_getattr(obj, key) if is_attribute else obj[key]
        return obj, first

    # A new class, not a subclass: super() and mro() must not lead back to the real one.
    formatter_namespace = {k: v for k, v in vars(allowed['string'].Formatter).items() if k not in ('__dict__', '__weakref__')}
    formatter_namespace['get_field'] = safe_get_field
    SafeFormatter = type('Formatter', (), formatter_namespace)

    def safe_attrgetter(attr, *attrs):
        names = (attr,) + attrs
        for dotted in names:
            if not isinstance(dotted, str):
                raise TypeError('attribute name must be a string')
            for part in dotted.split('.'):
                refuse_name(part)

        def resolve(obj, dotted):
            for part in dotted.split('.'):
                obj = guarded_getattr(obj, part)
            return obj

        if not attrs:
            return lambda obj: resolve(obj, attr)
        return lambda obj: tuple(resolve(obj, dotted) for dotted in names)

    def safe_methodcaller(name, /, *args, **kwargs):
        refuse_name(name)
        return lambda obj: guarded_getattr(obj, name)(*args, **kwargs)

    real_functools = allowed['functools']
    WRAPPER_NAMES = frozenset(real_functools.WRAPPER_ASSIGNMENTS + real_functools.WRAPPER_UPDATES)

    def safe_update_wrapper(wrapper, wrapped, assigned=real_functools.WRAPPER_ASSIGNMENTS,
                            updated=real_functools.WRAPPER_UPDATES):
        # The standard names are what @wraps copies; anything else is a lookup by name.
        for name in tuple(assigned) + tuple(updated):
            if name not in WRAPPER_NAMES:
                refuse_name(name)
        if isinstance(wrapped, types.ModuleType) or isinstance(wrapper, (types.ModuleType, type)):
            raise TypeError('update_wrapper works on functions in rules')
        return real_functools.update_wrapper(wrapper, wrapped, assigned, updated)

    def safe_wraps(wrapped, assigned=real_functools.WRAPPER_ASSIGNMENTS, updated=real_functools.WRAPPER_UPDATES):
        return lambda wrapper: safe_update_wrapper(wrapper, wrapped, assigned, updated)

    def module_view(module, replacements):
        view = types.ModuleType(module.__name__, module.__doc__)
        for key, value in vars(module).items():
            if not key.startswith('_'):
                setattr(view, key, value)
        for key, value in replacements.items():
            setattr(view, key, value)
        return view

    views = {
        'string': module_view(allowed['string'], {'Formatter': SafeFormatter}),
        'operator': module_view(allowed['operator'], {'attrgetter': safe_attrgetter, 'methodcaller': safe_methodcaller}),
        'functools': module_view(real_functools, {'update_wrapper': safe_update_wrapper, 'wraps': safe_wraps}),
    }
    # What a rule gets for each allowed module, however it reaches it (import or attribute).
    module_views = {id(module): views.get(name, module) for name, module in allowed.items()}
    module_views.update({id(view): view for view in views.values()})
    rule_modules = {name: views.get(name, module) for name, module in allowed.items()}

    AUGMENTED = {
        'Add': operator.iadd, 'Sub': operator.isub, 'Mult': operator.imul, 'Div': operator.itruediv,
        'FloorDiv': operator.ifloordiv, 'Mod': operator.imod, 'Pow': operator.ipow, 'LShift': operator.ilshift,
        'RShift': operator.irshift, 'BitOr': operator.ior, 'BitXor': operator.ixor, 'BitAnd': operator.iand,
        'MatMult': operator.imatmul,
    }

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in INTERNAL_IMPORTS:
            return sys.modules[name]
        if level != 0 or name not in rule_modules:
            raise ImportError(
                f"import of '{name}' is not allowed in rules (allowed: {', '.join(ALLOWED_MODULES)})")
        module = rule_modules[name]
        for item in fromlist or ():
            if item == '*':
                continue
            guarded_getattr(module, item)
        # `import collections.abc` binds the top-level name, as Python's own import does.
        return module if fromlist else rule_modules[name.split('.')[0]]

    class Output:
        """print() for rules: bounded, so a rule printing in a loop cannot flood the parent."""

        def __init__(self):
            self.parts = []
            self.size = 0
            self.truncated = False

        def write(self, text):
            if self.truncated:
                return
            data = text.encode('utf-8', 'replace')
            room = output_limit_bytes - self.size
            if len(data) > room:
                data = data[:room]
                self.truncated = True
            self.parts.append(data)
            self.size += len(data)

        def text(self):
            value = b''.join(self.parts).decode('utf-8', 'ignore')
            if self.truncated:
                value += f'\n[output truncated at {output_limit_bytes} bytes]'
            return value

    SAFE_BUILTINS = (
        'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod',
        'complex', 'dict', 'dir', 'divmod', 'enumerate', 'filter', 'float', 'format', 'frozenset', 'hash',
        'hex', 'id', 'int', 'isinstance', 'issubclass', 'iter', 'len', 'list', 'map', 'max', 'min', 'next',
        'object', 'oct', 'ord', 'pow', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'slice',
        'sorted', 'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'zip', 'NotImplemented',
        'Ellipsis', '__build_class__',
    )

    def make_builtins(output):
        safe = {name: getattr(real_builtins, name) for name in SAFE_BUILTINS}
        for name, value in vars(real_builtins).items():
            if isinstance(value, type) and issubclass(value, BaseException):
                safe[name] = value

        def rule_print(*args, sep=' ', end='\n', file=None, flush=False):
            if output.truncated:
                return
            output.write((' ' if sep is None else str(sep)).join(str(a) for a in args) + ('\n' if end is None else str(end)))

        safe.update(print=rule_print, getattr=guarded_getattr, hasattr=guarded_hasattr,
                    setattr=fenced_setattr, delattr=fenced_delattr, __import__=guarded_import)
        return safe

    WRITABLE = ('priority', 'state', 'team', 'type', 'subtype', 'item', 'msg', 'subject', 'source', 'impact',
                'urgency', 'owner', 'board', 'append', 'priv_append', 'exception')
    READ_ONLY = ('selections', 'name', 'email', 'ip', 'mac', 'hostname', 'username', 'os', 'company',
                 'registered')
    NAME_OR_NUMBER = ('priority', 'impact', 'urgency')
    # The incumbent's examples read `business_name`: another name for `company`.
    ALIASES = {'business_name': 'company'}
    HELPER_ATTR = '__deskbell_attr__'
    HELPER_SETATTR = '__deskbell_setattr__'
    HELPER_AUGMENTED = '__deskbell_augmented__'
    MESSAGE_LIMIT = 1000

    class RuleTransformer(ast.NodeTransformer):
        """The incumbent's dialect on top of Python 3, plus the compile-time half of the fence."""

        def __init__(self):
            self.depth = 0  # 0 = module scope, where rules assign their variables

        def refuse(self, node, message):
            error = SyntaxError(message)
            error.lineno = getattr(node, 'lineno', None)
            error.offset = getattr(node, 'col_offset', -1) + 1
            raise error

        def scoped(self, node):
            self.depth += 1
            try:
                return self.generic_visit(node)
            finally:
                self.depth -= 1

        visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = scoped
        visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = scoped

        def visit_Name(self, node):
            if node.id.startswith('__'):
                self.refuse(node, f"names starting with '__' are not allowed in rules: {node.id}")
            # `message` is the older name of `msg`: one variable, under either name.
            if node.id == 'message':
                node.id = 'msg'
            return node

        def visit_Import(self, node):
            for alias in node.names:
                if any(part.startswith('_') for part in alias.name.split('.')):
                    self.refuse(node, f"import of '{alias.name}' is not allowed in rules")
            return self.generic_visit(node)

        def visit_ImportFrom(self, node):
            names = [node.module or ''] + [alias.name for alias in node.names]
            for name in names:
                if any(part.startswith('_') for part in name.split('.')):
                    self.refuse(node, f"import of '{name}' is not allowed in rules")
            return self.generic_visit(node)

        def visit_AugAssign(self, node):
            if isinstance(node.target, ast.Attribute):
                refusal = attribute_refusal(node.target.attr)
                if refusal:
                    self.refuse(node.target, refusal)
                # `x.attr += v`: read and write through the guards (v is evaluated before the read).
                call = ast.Call(func=ast.Name(id=HELPER_AUGMENTED, ctx=ast.Load()),
                                args=[self.visit(node.target.value), ast.Constant(node.target.attr),
                                      ast.Constant(type(node.op).__name__), self.visit(node.value)], keywords=[])
                return ast.copy_location(ast.Expr(value=call), node)
            return self.generic_visit(node)

        def visit_Attribute(self, node):
            refusal = attribute_refusal(node.attr)
            if refusal:
                self.refuse(node, refusal)
            node = self.generic_visit(node)
            if isinstance(node.ctx, ast.Load):
                call = ast.Call(func=ast.Name(id=HELPER_ATTR, ctx=ast.Load()),
                                args=[node.value, ast.Constant(node.attr)], keywords=[])
                return ast.copy_location(call, node)
            return node

        def visit_Assign(self, node):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute):
                target = node.targets[0]
                refusal = attribute_refusal(target.attr)
                if refusal:
                    self.refuse(target, refusal)
                call = ast.Call(func=ast.Name(id=HELPER_SETATTR, ctx=ast.Load()),
                                args=[self.visit(target.value), ast.Constant(target.attr), self.visit(node.value)],
                                keywords=[])
                return ast.copy_location(ast.Expr(value=call), node)
            for target in node.targets:
                self.refuse_attribute_stores(target)
            return self.generic_visit(node)

        def refuse_attribute_stores(self, target):
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                    self.refuse(sub, 'rules can assign an attribute only as `x.attr = value` or `x.attr += value`')

        def visit_Compare(self, node):
            # `priority is 0`, `name is 'Dan Jump'`: the incumbent's examples mean equality.
            # `is None` / `is not None` keep identity, which is what they mean everywhere.
            node = self.generic_visit(node)
            operands = [node.left, *node.comparators]
            ops = []
            for i, op in enumerate(node.ops):
                left, right = operands[i], operands[i + 1]
                with_none = any(isinstance(x, ast.Constant) and x.value is None for x in (left, right))
                if isinstance(op, ast.Is) and not with_none:
                    op = ast.Eq()
                elif isinstance(op, ast.IsNot) and not with_none:
                    op = ast.NotEq()
                ops.append(op)
            node.ops = ops
            return node

        def generic_visit(self, node):
            # Attribute stores outside `x.attr = v` and `x.attr op= v` (unpacking, for targets,
            # del) would bypass the guarded setattr.
            if isinstance(node, (ast.AnnAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith,
                                 ast.Delete, ast.NamedExpr, ast.comprehension)):
                targets = {
                    ast.AnnAssign: lambda n: [n.target],
                    ast.For: lambda n: [n.target], ast.AsyncFor: lambda n: [n.target],
                    ast.With: lambda n: [i.optional_vars for i in n.items if i.optional_vars],
                    ast.AsyncWith: lambda n: [i.optional_vars for i in n.items if i.optional_vars],
                    ast.Delete: lambda n: n.targets, ast.NamedExpr: lambda n: [n.target],
                    ast.comprehension: lambda n: [n.target],
                }[type(node)](node)
                for target in targets:
                    self.refuse_attribute_stores(target)
            return super().generic_visit(node)

    def compile_rules(source):
        tree = ast.parse(source, filename='<rules>', mode='exec')
        tree = ast.fix_missing_locations(RuleTransformer().visit(tree))
        return compile(tree, '<rules>', 'exec')

    cache = {}

    def compiled(source):
        key = hashlib.sha256(source.encode('utf-8')).hexdigest()
        code = cache.get(key)
        if code is not None:
            cache[key] = cache.pop(key)  # most recently used last
            return code, True
        code = compile_rules(source)
        cache[key] = code
        while len(cache) > cache_size:
            del cache[next(iter(cache))]
        return code, False

    def syntax_error(error):
        return {'type': type(error).__name__, 'message': error.msg or str(error),
                'line': error.lineno, 'column': error.offset}

    def rule_line(tb):
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == '<rules>':
                line = tb.tb_lineno
            tb = tb.tb_next
        return line

    NAME_FIELDS = ('state', 'team', 'type', 'subtype', 'item', 'source', 'owner', 'board')

    def coerce(name, value, warnings):
        """The final value of a writable variable is what Python computed.

        Names and levels keep None and non-whole floats as they are: name resolution reports
        what Manage cannot take. Text fields carry text, so other values are turned into text.
        """
        if name == 'exception':
            if value is None or isinstance(value, str):
                return value
            warnings.append(f'exception was set to a {type(value).__name__}; it was turned into text')
            return str(value)
        if isinstance(value, str):
            return value
        if name in NAME_OR_NUMBER or name in NAME_FIELDS:
            if value is None:
                return None
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, int) and name in NAME_OR_NUMBER:
                return value
            if isinstance(value, float) and name in NAME_OR_NUMBER:
                # JSON has no NaN or infinity; their text says what they were.
                return value if math.isfinite(value) else str(value)
        if value is None:
            warnings.append(f'{name} was set to None; it was sent as empty text')
            return ''
        warnings.append(f'{name} was set to a {type(value).__name__}; it was turned into text')
        return str(value)

    # State rules can change through allowed APIs, put back after every evaluation.
    import calendar
    import decimal
    import gc
    import math
    import random

    pristine_contexts = {name: getattr(decimal, name).copy() for name in ('DefaultContext', 'BasicContext', 'ExtendedContext')}
    first_weekday = calendar.firstweekday()

    def public_containers():
        """Mutable containers reachable from allowed modules and their classes by public names."""
        found = []
        for module in allowed.values():
            owners = [vars(module)] + [vars(v) for k, v in vars(module).items()
                                       if not k.startswith('_') and isinstance(v, type) and v.__module__ == module.__name__]
            for owner in owners:
                for key, value in owner.items():
                    if not key.startswith('_') and type(value) in (list, dict, set, bytearray):
                        found.append(value)
        return found

    containers = [(c, c.copy()) for c in public_containers()]

    def restore_state():
        for name, pristine in pristine_contexts.items():
            context = getattr(decimal, name)
            for attribute in ('prec', 'rounding', 'Emin', 'Emax', 'capitals', 'clamp'):
                setattr(context, attribute, getattr(pristine, attribute))
            context.clear_flags()
            context.clear_traps()
            for signal, on in pristine.traps.items():
                context.traps[signal] = on
        decimal.setcontext(decimal.Context())
        calendar.setfirstweekday(first_weekday)
        random.seed()
        for container, saved in containers:
            if container != saved:
                if isinstance(container, (dict, set)):
                    container.clear()
                    container.update(saved)
                else:
                    container[:] = saved

    # What only an escape from the fence could change. Checked after every evaluation; any
    # difference retires the interpreter (the child exits after answering).
    fence_events = [0]
    executed = [False]

    def take_snapshot():
        module_dicts = [(vars(m), dict(vars(m))) for m in sys.modules.values() if isinstance(m, types.ModuleType)]
        return (dict(sys.modules), dict(vars(real_builtins)), list(sys.meta_path), list(sys.path_hooks), list(sys.path), module_dicts)

    def interpreter_changed(snapshot):
        # Dict and list equality compare identical objects without calling their __eq__, so an
        # untouched interpreter is checked in C (about 1.5 ms for ~200 modules). This detects
        # what a fence gap would most likely be used for; it is not the boundary (the separate
        # test pool is), since code that got past the fence could also defeat this check.
        modules, builtin_names, meta_path, path_hooks, path, module_dicts = snapshot
        if (vars(real_builtins) != builtin_names or sys.meta_path != meta_path or sys.path_hooks != path_hooks
                or sys.path != path):
            return True
        # Modules loaded lazily by library code are dropped again, so each press starts alike.
        if len(sys.modules) != len(modules):
            for name in [n for n in sys.modules if n not in modules]:
                del sys.modules[name]
        if sys.modules != modules:
            return True
        for current, saved in module_dicts:
            if current != saved:
                # A library's lazy import adds a submodule to its package: drop what was added.
                for key in [k for k in current if k not in saved]:
                    del current[key]
                if current != saved:
                    return True
        return False

    restore_state()
    gc.collect()
    # Objects that exist before any rule runs are shared by every evaluation in this
    # interpreter: rules may not set attributes on them (a function's attribute or a module
    # level instance would carry data to the next press). The fence's closures hold them, so
    # their ids stay theirs: a temporary caught here (a replaced decimal context, say) used to
    # die once set-up returned, and a rule's own new object could get its id and be refused.
    # The identity check makes a reused id harmless even so.
    preexisting = {id(obj): obj for obj in gc.get_objects()}
    # They live as long as the interpreter: keep the collector from walking them after each
    # evaluation (full collections were the slowest 1% of evaluations).
    gc.freeze()
    snapshot = take_snapshot()
    # The first evaluation's decimal context must be its own too (restore_state makes one per run).
    decimal.setcontext(decimal.Context())

    def fenced_setattr(obj, name, value):
        if preexisting.get(id(obj)) is obj:
            raise refused(f"rules cannot change attributes of a shared '{type(obj).__name__}' object")
        guarded_setattr(obj, name, value)

    def fenced_delattr(obj, name):
        if preexisting.get(id(obj)) is obj:
            raise refused(f"rules cannot delete attributes of a shared '{type(obj).__name__}' object")
        guarded_delattr(obj, name)

    def fenced_augmented(obj, name, op, value):
        fenced_setattr(obj, name, AUGMENTED[op](guarded_getattr(obj, name), value))

    def evaluate(source, variables_json):
        variables = json.loads(variables_json)
        output = Output()
        try:
            code, cached = compiled(source)
        except SyntaxError as error:
            return json.dumps({'cached': False, 'error': syntax_error(error), 'output': '', 'warnings': []})
        scope = dict(variables)
        for alias, name in ALIASES.items():
            scope[alias] = variables.get(name)
        scope.update({'__builtins__': make_builtins(output), '__name__': '__rules__',
                      HELPER_ATTR: guarded_getattr, HELPER_SETATTR: fenced_setattr,
                      HELPER_AUGMENTED: fenced_augmented})
        result = {'cached': cached, 'error': None, 'warnings': []}
        executed[0] = True
        try:
            exec(code, scope)
        except BaseException as error:  # noqa: B902 - SystemExit/KeyboardInterrupt from a rule are rule errors too
            line = rule_line(error.__traceback__)
            if isinstance(error, SyntaxError) and line is None:
                line = error.lineno
            message = str(error)
            if len(message) > MESSAGE_LIMIT:
                message = message[:MESSAGE_LIMIT] + '...'
            result['error'] = {'type': type(error).__name__, 'message': message, 'line': line}
        warnings = result['warnings']
        after = {}
        for name in WRITABLE:
            after[name] = coerce(name, scope.get(name, variables.get(name)), warnings)
        # Inside the rules read-only variables are ordinary variables; only the ticket ignores them.
        for name in READ_ONLY:
            if scope.get(name) != variables.get(name):
                warnings.append(f'{name} is read-only: the rules saw the new value, the ticket keeps the original')
        result['after'] = after
        result['output'] = output.text()
        return json.dumps(result)

    def finish():
        """After each evaluation: put state back and say what the rules left behind.

        0: no rule code ran (a syntax error); 1: it ran and the interpreter is as it was;
        2: something changed that only an escape could change, or the rule met the fence at run
        time: retire this interpreter.
        """
        ran, executed[0] = executed[0], False
        if not ran:
            return 0
        restore_state()
        events, fence_events[0] = fence_events[0], 0
        return 2 if interpreter_changed(snapshot) or events > 0 else 1

    def check(source):
        try:
            compile_rules(source)
        except SyntaxError as error:
            return json.dumps({'ok': False, 'error': syntax_error(error)})
        return json.dumps({'ok': True})

    return evaluate, check, finish
