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
#   internals are refused at compile time, and again at run time for getattr/hasattr;
# - an attribute that is a module outside the allowlist (`textwrap.re` is fine,
#   `json.codecs` is not) is refused at run time;
# - builtins are a reduced copy: no open, eval, exec, compile, globals, vars, input.


def make_runner(output_limit_bytes, cache_size):
    import ast
    import builtins as real_builtins
    import hashlib
    import json
    import operator
    import sys
    import types

    ALLOWED_MODULES = (
        're', 'textwrap', 'datetime', 'math', 'json', 'string', 'collections', 'collections.abc',
        'itertools', 'random', 'time',
    )
    # Loaded now, while the import machinery is unrestricted: their own imports (os for random,
    # _strptime for datetime.strptime) must already be in sys.modules once the hook is on.
    for name in ALLOWED_MODULES + ('_strptime', 'encodings.idna'):
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
    allowed_objects = {id(m) for m in allowed.values()}

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

    def guarded_getattr(obj, name, *default):
        if not isinstance(name, str):
            raise TypeError('attribute name must be a string')
        refusal = attribute_refusal(name)
        if refusal:
            raise AttributeError(refusal)
        value = getattr(obj, name, *default)
        if isinstance(value, types.ModuleType) and id(value) not in allowed_objects:
            raise AttributeError(f"the module '{value.__name__}' is not allowed in rules")
        return value

    def guarded_hasattr(obj, name):
        try:
            guarded_getattr(obj, name)
        except AttributeError:
            return False
        return True

    def guarded_setattr(obj, name, value):
        refusal = attribute_refusal(name)
        if refusal:
            raise AttributeError(refusal)
        # Modules and classes outlive one evaluation in this process: changing them would leak
        # into the next press.
        if isinstance(obj, (types.ModuleType, type)):
            raise AttributeError(f"rules cannot change attributes of '{getattr(obj, '__name__', '?')}'")
        setattr(obj, name, value)

    AUGMENTED = {
        'Add': operator.iadd, 'Sub': operator.isub, 'Mult': operator.imul, 'Div': operator.itruediv,
        'FloorDiv': operator.ifloordiv, 'Mod': operator.imod, 'Pow': operator.ipow, 'LShift': operator.ilshift,
        'RShift': operator.irshift, 'BitOr': operator.ior, 'BitXor': operator.ixor, 'BitAnd': operator.iand,
        'MatMult': operator.imatmul,
    }

    def guarded_augmented(obj, name, op, value):
        guarded_setattr(obj, name, AUGMENTED[op](guarded_getattr(obj, name), value))

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0 or name not in allowed:
            raise ImportError(
                f"import of '{name}' is not allowed in rules (allowed: {', '.join(ALLOWED_MODULES)})")
        module = allowed[name]
        for item in fromlist or ():
            if item == '*':
                continue
            guarded_getattr(module, item)
        # `import collections.abc` binds the top-level name, as Python's own import does.
        return module if fromlist else allowed[name.split('.')[0]]

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
                    setattr=guarded_setattr, __import__=guarded_import)
        return safe

    WRITABLE = ('priority', 'state', 'team', 'type', 'subtype', 'item', 'msg', 'subject', 'source', 'impact',
                'urgency', 'owner', 'board', 'append', 'priv_append', 'exception')
    READ_ONLY = ('selections', 'name', 'email', 'ip', 'mac', 'hostname', 'username', 'os', 'company',
                 'registered')
    NAME_OR_NUMBER = ('priority', 'impact', 'urgency')
    READ_ONLY_PREFIX = '__deskbell_ro_'
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
            # Read-only variables: the assignment lands in a shadow name, so it has no effect and
            # the runner can report it.
            if self.depth == 0 and isinstance(node.ctx, ast.Store) and node.id in READ_ONLY:
                node.id = READ_ONLY_PREFIX + node.id
            return node

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
            if self.depth == 0 and isinstance(node.target, ast.Name) and node.target.id in READ_ONLY:
                value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
                target = ast.Name(id=node.target.id, ctx=ast.Store())
                return self.visit(ast.copy_location(ast.Assign(targets=[target], value=value), node))
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

    def coerce(name, value, before, warnings):
        if name == 'exception':
            if value is None or isinstance(value, str):
                return value
            warnings.append(f'exception was set to a {type(value).__name__}; it was turned into text')
            return str(value)
        if value is None:
            if before is None:
                return None
            warnings.append(f'{name} was set to None; its value from before the rules was kept')
            return before
        if name in NAME_OR_NUMBER:
            if isinstance(value, bool):
                warnings.append(f'{name} was set to {value}; it was read as {int(value)}')
                return int(value)
            if isinstance(value, (int, str)):
                return value
            if isinstance(value, float) and value.is_integer():
                warnings.append(f'{name} was set to {value}; it was read as {int(value)}')
                return int(value)
            warnings.append(f'{name} must be a name or a whole number, not {value!r}; '
                            'its value from before the rules was kept')
            return before
        if isinstance(value, str):
            return value
        warnings.append(f'{name} was set to a {type(value).__name__}; it was turned into text')
        return str(value)

    def evaluate(source, variables_json):
        variables = json.loads(variables_json)
        output = Output()
        try:
            code, cached = compiled(source)
        except SyntaxError as error:
            return json.dumps({'cached': False, 'error': syntax_error(error), 'output': '', 'warnings': []})
        scope = dict(variables)
        scope.update({'__builtins__': make_builtins(output), '__name__': '__rules__',
                      HELPER_ATTR: guarded_getattr, HELPER_SETATTR: guarded_setattr,
                      HELPER_AUGMENTED: guarded_augmented})
        result = {'cached': cached, 'error': None, 'warnings': []}
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
            value = scope.get(name, variables.get(name))
            after[name] = coerce(name, value, variables.get(name), warnings)
        for name in READ_ONLY:
            if READ_ONLY_PREFIX + name in scope or scope.get(name) is not variables.get(name):
                warnings.append(f'{name} is read-only; the assignment was ignored')
            after[name] = variables.get(name)
        result['after'] = after
        result['output'] = output.text()
        return json.dumps(result)

    def check(source):
        try:
            compile_rules(source)
        except SyntaxError as error:
            return json.dumps({'ok': False, 'error': syntax_error(error)})
        return json.dumps({'ok': True})

    return evaluate, check
