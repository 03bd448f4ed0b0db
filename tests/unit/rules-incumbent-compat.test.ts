/**
 * The compatibility corpus: rules as MSPs wrote them for the incumbent, run by the real
 * Pyodide sandbox, with the results its documentation promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonRuleEngine, type PythonRuleEngine } from '@/lib/rules/engine/python-engine';
import { applyRules, type RuleVariables } from '@/lib/rules/engine/rule-engine';

const press: RuleVariables = {
  priority: '__default__',
  state: '__default__',
  team: '__default__',
  type: '__default__',
  subtype: '__default__',
  item: '__default__',
  msg: 'My printer jams on every page',
  subject: 'My printer jams on every page',
  source: '__default__',
  impact: '__default__',
  urgency: '__default__',
  owner: '__default__',
  board: 'Help Desk',
  append: '',
  priv_append: '',
  exception: null,
  selections: 'This is an emergency\nPrinter or scanner',
  name: 'Dan Jump',
  email: 'dan@Example.XYZ',
  ip: '10.0.0.7',
  mac: '00:11:22:33:44:55',
  hostname: 'ACME-PC-01',
  username: 'dan',
  os: 'Windows 11',
  company: 'Acme',
  registered: true,
};

let engine: PythonRuleEngine;

beforeAll(async () => {
  engine = createPythonRuleEngine();
  await engine.warm();
}, 60_000);

afterAll(async () => {
  await engine.close();
});

function run(source: string, changes: Partial<RuleVariables> = {}) {
  return applyRules(engine, source, { ...press, ...changes });
}

describe('the compatibility corpus', () => {
  it('the emergency selection, by its full label and by a partial word', async () => {
    const full = await run("if 'This is an emergency' in selections:\n    priority = 0\n");
    expect(full.error).toBeNull();
    expect(full.after.priority).toBe(0);
    const partial = await run("if 'emergency' in selections:\n    priority = 0\n");
    expect(partial.after.priority).toBe(0);
    const none = await run("if 'emergency' in selections:\n    priority = 0\n", { selections: 'Printer or scanner' });
    expect(none.after.priority).toBe('__default__');
  });

  it('`priority is 0` followed by a subject change', async () => {
    const source = "if 'emergency' in selections:\n    priority = 0\nif priority is 0:\n    subject = '**EMERGENCY** ' + subject\n";
    const hit = await run(source);
    expect(hit.after.subject).toBe('**EMERGENCY** My printer jams on every page');
    const miss = await run(source, { selections: '' });
    expect(miss.after.subject).toBe('My printer jams on every page');
  });

  it('the 75%-capitals rule', async () => {
    const source = 'if sum(1 for c in msg if c.isupper())/len(msg) > 0.75:\n    priority = 0\n';
    expect((await run(source, { msg: 'EVERYTHING IS DOWN!!' })).after.priority).toBe(0);
    expect((await run(source, { msg: 'Everything is down' })).after.priority).toBe('__default__');
  });

  it('the impact x urgency priority matrix', async () => {
    const source = [
      "matrix = {(0, 0): 'Priority 1 - Critical', (0, 1): 'Priority 2 - High', (1, 0): 'Priority 2 - High',",
      "          (1, 1): 'Priority 3 - Normal', (2, 2): 'Priority 4 - Low'}",
      "if 'emergency' in selections:",
      '    impact = 0',
      '    urgency = 1',
      'priority = matrix.get((impact, urgency), priority)',
    ].join('\n');
    const hit = await run(source);
    expect(hit.after).toMatchObject({ impact: 0, urgency: 1, priority: 'Priority 2 - High' });
    const miss = await run(source, { selections: '' });
    expect(miss.after.priority).toBe('__default__');
  });

  it('the email-domain loop', async () => {
    const source = "for d in ['example.xyz', 'contoso.test']:\n    if d in email.lower():\n        board = 'Test test'\n";
    expect((await run(source)).after.board).toBe('Test test');
    expect((await run(source, { email: 'amy@other.org' })).after.board).toBe('Help Desk');
  });

  it('the textwrap subject', async () => {
    const msg = 'The shared drive has been unreachable since this morning for the whole accounting team';
    const run1 = await run("import textwrap\nsubject = textwrap.shorten(msg, width=40, placeholder='...')\n", { msg });
    expect(run1.error).toBeNull();
    expect(run1.after.subject).toBe('The shared drive has been unreachable...');
  });

  it('a rule that uses `message` instead of `msg`', async () => {
    const source = "if 'jams' in message:\n    message = message + ' (printer)'\n    board = 'Printers'\n";
    const result = await run(source);
    expect(result.after.msg).toBe('My printer jams on every page (printer)');
    expect(result.after.board).toBe('Printers');
  });

  it('a rule that refuses with `exception`', async () => {
    const result = await run("if 'emergency' in selections:\n    exception = 'Please call 555-0100 for emergencies'\n");
    expect(result.refusal).toBe('Please call 555-0100 for emergencies');
    expect(result.error).toBeNull();
    expect((await run("if 'nothing' in selections:\n    exception = 'no'\n")).refusal).toBeNull();
  });
});

describe('the incumbent dialect', () => {
  it('`name is ...` and `is not` compare by value', async () => {
    const result = await run("if name is 'Dan Jump':\n    team = 'VIP'\nif hostname is not 'ACME-PC-01':\n    team = 'wrong'\n");
    expect(result.after.team).toBe('VIP');
  });

  it('`is None` / `is not None` keep identity', async () => {
    const result = await run(
      "owner = 'none' if exception is None else 'set'\nif 0 is not None:\n    append = 'zero is not None'\nif 0 is None:\n    append = 'wrong'\n",
    );
    expect(result.after.owner).toBe('none');
    expect(result.after.append).toBe('zero is not None');
  });

  it('a read-only variable assigned in the rules is an ordinary variable there; only the ticket keeps the original', async () => {
    const result = await run("name = 'Someone Else'\nregistered = False\nif name == 'Someone Else' and not registered:\n    board = 'Saw the new values'\n");
    expect(result.error).toBeNull();
    expect(result.after.name).toBe('Dan Jump');
    expect(result.after.registered).toBe(true);
    expect(result.after.board).toBe('Saw the new values');
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        'name is read-only: the rules saw the new value, the ticket keeps the original',
        'registered is read-only: the rules saw the new value, the ticket keeps the original',
      ]),
    );
  });

  it('normalising a read-only value and then branching on it routes as in Python', async () => {
    const source = "email = email.strip().lower()\nif email.endswith('@example.xyz'):\n    board = 'Example Desk'\nemail += '!'\nsubject = email\n";
    const result = await run(source, { email: '  Dan@Example.XYZ ' });
    expect(result.error).toBeNull();
    expect(result.after.board).toBe('Example Desk');
    expect(result.after.subject).toBe('dan@example.xyz!');
    expect(result.after.email).toBe('  Dan@Example.XYZ ');
  });

  it('business_name is the company name, as the incumbent\'s examples read it', async () => {
    const result = await run("if business_name == 'Acme' and business_name == company:\n    board = 'Acme Desk'\n");
    expect(result.error).toBeNull();
    expect(result.after.board).toBe('Acme Desk');
  });

  it('routes a subnet to a board with ipaddress', async () => {
    const source = "import ipaddress\nif ipaddress.ip_address(ip) in ipaddress.ip_network('10.0.0.0/8'):\n    board = 'LAN ' + str(ipaddress.ip_network('10.0.0.0/8').num_addresses)\n";
    const result = await run(source);
    expect(result.error).toBeNull();
    expect(result.after.board).toBe('LAN 16777216');
  });

  it('the other pure standard-library modules the incumbent\'s users rely on', async () => {
    const source = [
      'import decimal, fractions, statistics, functools, operator, unicodedata, difflib, html, string, calendar',
      "print(decimal.Decimal('1.10') + decimal.Decimal('2.20'), fractions.Fraction(1, 3) * 3, statistics.mean([1, 2, 3, 4]))",
      "print(functools.reduce(operator.add, [1, 2, 3]), operator.attrgetter('real')(5), unicodedata.name('é'))",
      "print(difflib.get_close_matches('pritner', ['printer', 'scanner'])[0], html.escape('<b>'), calendar.isleap(2024))",
      "print(string.Formatter().format('{0:>4}|{x[k]}', 7, x={'k': 'v'}), '{0.real}'.format(3))",
      '@functools.lru_cache(maxsize=None)',
      'def fib(n):',
      '    return n if n < 2 else fib(n - 1) + fib(n - 2)',
      'print(fib(20))',
    ].join('\n');
    const result = await run(source);
    expect(result.error).toBeNull();
    expect(result.output).toBe('3.30 1 2.5\n6 5 LATIN SMALL LETTER E WITH ACUTE\nprinter &lt;b&gt; True\n   7|v 3\n6765\n');
  });

  it('datetime.strptime works (its C code imports a helper module on first use)', async () => {
    const result = await run("import datetime\nsubject = str(datetime.datetime.strptime('2026-01-05 22:30', '%Y-%m-%d %H:%M').hour)\n");
    expect(result.error).toBeNull();
    expect(result.after.subject).toBe('22');
  });

  it('`__default__` is a value like any other', async () => {
    const result = await run("if board == 'Help Desk':\n    board = '__default__'\n    priority = 'High'\n");
    expect(result.after).toMatchObject({ board: '__default__', priority: 'High' });
  });

  it('a float or None is kept as Python computed it, for name resolution to judge', async () => {
    const result = await run('priority = 2.5\nimpact = None\nurgency = 2.0\nboard = None\n');
    expect(result.error).toBeNull();
    expect(result.after).toMatchObject({ priority: 2.5, impact: null, urgency: 2, board: null });
    expect(result.warnings).toEqual([]);
  });

  it('text fields carry text: other values are turned into text, with a warning', async () => {
    const result = await run('owner = 42\nappend = None\nsubject = 1.5\n');
    expect(result.after).toMatchObject({ owner: '42', append: '', subject: '1.5' });
    expect(result.warnings).toHaveLength(3);
  });

  it('captures print output and the stdlib modules rules use', async () => {
    const source = [
      'import re, math, json, datetime, string, collections, itertools, random',
      "print(re.sub(r'\\d', '#', ip), math.floor(2.7), json.dumps({'a': 1}))",
      "print(datetime.date(2024, 1, 2).isoformat(), collections.Counter('aab')['a'], list(itertools.islice('xyz', 2)))",
      "print(string.ascii_uppercase[:3], random.Random(1).randint(1, 1))",
    ].join('\n');
    const result = await run(source);
    expect(result.error).toBeNull();
    expect(result.output).toBe("##.#.#.# 2 {\"a\": 1}\n2024-01-02 2 ['x', 'y']\nABC 1\n");
  });

  it('rules may define functions and classes that use the variables', async () => {
    const source = [
      'class Route:',
      '    def __init__(self, board):',
      '        self.board = board',
      'def route_for(address):',
      "    return Route('Partners' if address.endswith('.xyz') else board)",
      'r = route_for(email.lower())',
      'r.board += " (auto)"',
      'board = r.board',
    ].join('\n');
    const result = await run(source);
    expect(result.error).toBeNull();
    expect(result.after.board).toBe('Partners (auto)');
  });

  it('a crashing rule reports type, message and the line of the rule, and keeps the values from before', async () => {
    const result = await run("board = 'Changed'\n\nx = 1 / 0\n");
    expect(result.error).toEqual({ type: 'ZeroDivisionError', message: 'division by zero', line: 3 });
    expect(result.after.board).toBe('Help Desk');
    expect(result.refusal).toBeNull();
  });

  it('reports the line inside a function defined by the rules', async () => {
    const result = await run("def pick(x):\n    return x['missing']\n\nboard = pick({})\n");
    expect(result.error).toMatchObject({ type: 'KeyError', line: 2 });
  });
});

describe('check', () => {
  it('accepts valid rules without running them', async () => {
    expect(await engine.check("exception = 'would refuse'\nwhile True:\n    pass\n")).toEqual({ ok: true });
  });

  it("returns Python's own syntax error with line and column", async () => {
    const result = await engine.check("priority = 1\nif x = 1:\n    pass\n");
    expect(result).toEqual({ ok: false, error: { type: 'SyntaxError', message: "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", line: 2, column: 4 } });
    const indent = await engine.check('if True:\npass\n');
    expect(indent).toMatchObject({ ok: false, error: { type: 'IndentationError', line: 2 } });
  });

  it('refuses at check time what the sandbox would refuse: dunder attributes and names', async () => {
    expect(await engine.check('x = ().__class__')).toMatchObject({ ok: false, error: { type: 'SyntaxError', line: 1, column: 5 } });
    expect(await engine.check('__builtins__')).toMatchObject({ ok: false, error: { type: 'SyntaxError', line: 1 } });
  });
});

describe('the compiled-rules cache', () => {
  it('compiles a rule set once and reuses it by hash', async () => {
    const source = `board = 'cache ${Date.now()}'\n`;
    const hits = engine.stats().cacheHits;
    await run(source);
    expect(engine.stats().cacheHits).toBe(hits);
    const again = await run(source);
    expect(again.after.board).toMatch(/^cache /);
    expect(engine.stats().cacheHits).toBe(hits + 1);
  });
});
