/**
 * The rule fence against attribute lookups by name at run time, and the isolation that must
 * hold even where the fence has a gap: a rules-test run never shares an interpreter with
 * presses, and no evaluation leaves state behind for the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonRuleEngine, type PythonRuleEngine } from '@/lib/rules/engine/python-engine';
import type { RuleVariables } from '@/lib/rules/engine/rule-engine';

const press: RuleVariables = {
  priority: '__default__', state: '__default__', team: '__default__', type: '__default__', subtype: '__default__',
  item: '__default__', msg: 'Printer jams', subject: 'Printer jams', source: '__default__', impact: '__default__',
  urgency: '__default__', owner: '__default__', board: 'Help Desk', append: '', priv_append: '', exception: null,
  selections: '', name: 'Dan Jump', email: 'dan@example.xyz', ip: '10.0.0.7', mac: '', hostname: 'ACME-PC-01',
  username: 'dan', os: 'Windows 11', company: 'Acme', registered: true,
};

/** A cold start is several seconds on a busy machine; tests that wait for a fresh sandbox allow for it. */
const RESPAWN_TIMEOUT_MS = 120_000;

let engine: PythonRuleEngine;

beforeAll(async () => {
  engine = createPythonRuleEngine({ timeoutMs: 2_000 });
  await engine.warm();
}, 120_000);

afterAll(async () => {
  await engine.close();
});

const PRODUCTION_RULE = `import json
import datetime
board = 'VIP ' + json.dumps({'n': name})
if 'printer' in msg.lower() and len(msg) > 3:
    team = 'Printers'
subject = str(datetime.date(2026, 1, 5)) + ' ' + 'bücher.example'.encode('idna').decode()
`;

/** A production press is handled exactly as it would be by a sandbox nobody touched. */
async function expectProductionPressNormal() {
  const run = await engine.evaluate(PRODUCTION_RULE, press);
  expect(run.error).toBeNull();
  expect(run.refusal).toBeNull();
  expect(run.after.board).toBe('VIP {"n": "Dan Jump"}');
  expect(run.after.team).toBe('Printers');
  expect(run.after.subject).toBe('2026-01-05 xn--bcher-kva.example');
}

// The escape the attacker used: Formatter.get_field does real getattr calls, reaching a
// function's globals and from there the real builtins.
const FORMATTER_ESCAPE = `import string
g = string.Formatter().get_field('0.__globals__', [string.Formatter.format], {})[0]
real = g['__builtins__']
`;

describe('runtime attribute lookups by name are fenced like compile-time ones', () => {
  it('the Formatter escape is refused with a clear rule error', async () => {
    const run = await engine.evaluate(`${FORMATTER_ESCAPE}subject = str(sorted(real))[:40]\n`, press, { pool: 'test' });
    expect(run.error).toMatchObject({ type: 'AttributeError', line: 2 });
    expect(run.error?.message).toMatch(/'__globals__' is not allowed in rules/);
    expect(run.after).toEqual(press);
  });

  // One rule tries every path (each caught), so the whole list costs one interpreter.
  const RUNTIME_LOOKUPS: [label: string, expression: string, expected: RegExp][] = [
    ['str.format field', "'{0.__class__}'.format(1)", /^AttributeError: access to the attribute '__class__' is not allowed/],
    ['str.format_map field', "'{x.__class__}'.format_map({'x': 1})", /^AttributeError: .*'__class__' is not allowed/],
    ['unbound str.format', "str.format('{0.__class__}', 1)", /^AttributeError: .*not allowed/],
    ['unbound str.format_map', "str.format_map('{x.real.__class__}', {'x': 1})", /^AttributeError: .*not allowed/],
    ['nested field in a format spec', "'{0:{1.__class__}}'.format(1, 2)", /^AttributeError: .*not allowed/],
    ['Formatter.get_field', "string.Formatter().get_field('0.__globals__', [string.Formatter.format], {})", /^AttributeError: .*'__globals__' is not allowed/],
    ['Formatter.get_value then a field', "string.Formatter().format('{0.__class__}', 1)", /^AttributeError: .*not allowed/],
    ['Formatter.vformat', "string.Formatter().vformat('{0.__class__}', [1], {})", /^AttributeError: .*not allowed/],
    ['a Formatter subclass', "F().format('{0.__class__}', 1)", /^AttributeError: .*not allowed/],
    ['super() past the fenced Formatter', "super(string.Formatter, string.Formatter()).get_field('0.__class__', [1], {})", /^AttributeError: 'super' object has no attribute 'get_field'/],
    ['operator.attrgetter', "operator.attrgetter('__class__')(1)", /^AttributeError: .*not allowed/],
    ['dotted operator.attrgetter', "operator.attrgetter('real.__class__')(1)", /^AttributeError: .*not allowed/],
    ['operator.methodcaller', "operator.methodcaller('__reduce_ex__', 2)(1)", /^AttributeError: .*not allowed/],
    ['methodcaller of format', "operator.methodcaller('format', 1)('{0.__class__}')", /^AttributeError: .*not allowed/],
    ['getattr with a built name', "getattr(1, '__cla' + 'ss__')", /^AttributeError: .*not allowed/],
    ['dir then getattr', "[getattr(1, n) for n in dir(1) if n.startswith('__')]", /^AttributeError: .*not allowed/],
    ['setattr of a dunder', "setattr(A(), '__class__', int)", /^AttributeError: .*not allowed/],
    ['delattr of a dunder', "delattr(A(), '__dict__')", /^AttributeError: .*not allowed/],
    ['functools.update_wrapper', "functools.update_wrapper(A(), len, assigned=('__self__',), updated=())", /^AttributeError: .*not allowed/],
    ['update_wrapper reached through ipaddress', "ipaddress.functools.update_wrapper(A(), len, assigned=('__self__',), updated=())", /^AttributeError: .*not allowed/],
    ['sys through calendar', 'calendar.sys', /^AttributeError: the module 'sys' is not allowed/],
    ['sys through statistics', 'statistics.sys', /^AttributeError: the module 'sys' is not allowed/],
    ['an attribute on a shared function', "setattr(textwrap.dedent, 'stash', msg)", /^AttributeError: rules cannot change attributes of a shared 'function'/],
    ['an attribute on a shared instance', 'calendar.c.stash = msg', /^AttributeError: rules cannot change attributes of a shared 'TextCalendar'/],
    ['vars', 'vars(1)', /^NameError: name 'vars' is not defined/],
  ];

  it('every runtime lookup by name is refused with a clear rule error', async () => {
    const attempts = RUNTIME_LOOKUPS.map(([label, expression], i) => {
      const body = expression.includes(' = ') ? expression : `return ${expression}`;
      return `def attempt_${i}():\n    ${body}\ntry:\n    attempt_${i}()\n    results.append('${label}=allowed')\nexcept Exception as e:\n    results.append('${label}=' + repr(e).split('(')[0] + ': ' + str(e))\n`;
    });
    const source = `import string, operator, functools, ipaddress, calendar, statistics, textwrap
class A:
    pass
class F(string.Formatter):
    pass
results = []
${attempts.join('')}subject = '\\n'.join(results)
`;
    const run = await engine.evaluate(source, press, { pool: 'test' });
    expect(run.error).toBeNull();
    const outcomes = new Map(String(run.after.subject).split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    for (const [label, , expected] of RUNTIME_LOOKUPS) expect(outcomes.get(label), label).toMatch(expected);
  }, RESPAWN_TIMEOUT_MS);

  it.each([
    ['subject = str((1).__getattribute__("real"))'],
    ['subject = str(object.__reduce__(1))'],
    ['import _strptime'],
    ['from string import _string'],
  ])('%s is refused before it runs', async (source) => {
    const run = await engine.evaluate(source, press, { pool: 'test' });
    expect(run.error?.type).toBe('SyntaxError');
    expect(run.error?.message).toMatch(/not allowed/);
  }, RESPAWN_TIMEOUT_MS);

  it('hasattr answers False for a fenced name instead of looking it up', async () => {
    const run = await engine.evaluate("subject = str(hasattr(1, '__class__')) + ' ' + str(hasattr(1, 'real'))", press, { pool: 'test' });
    expect(run.error).toBeNull();
    expect(run.after.subject).toBe('False True');
  }, RESPAWN_TIMEOUT_MS);

  it('plain formatting still works', async () => {
    const source = "import string\nsubject = '{0} {x[k]} {1.real}'.format('a', 2, x={'k': 'b'}) + string.Formatter().format(' {0:>3}', 7)";
    const run = await engine.evaluate(source, press, { pool: 'test' });
    expect(run.error).toBeNull();
    expect(run.after.subject).toBe('a b 2   7');
  }, RESPAWN_TIMEOUT_MS);
});

describe('a rules-test run cannot change how presses are handled', () => {
  // Each tries to break the interpreter for whoever runs next: json.dumps (which the runner
  // itself uses to answer), the builtins, sys.modules and the import hook.
  it.each([
    // The runner answers through json.dumps: this one makes every later press look refused.
    ['json.dumps', `${FORMATTER_ESCAPE}j = real['__import__']('json')
d = j.dumps
def forged(o, *a, **k):
    if isinstance(o, dict) and isinstance(o.get('after'), dict):
        o['after']['exception'] = 'forged refusal'
    return d(o, *a, **k)
real['setattr'](j, 'dumps', forged)
`],
    ['builtins', `${FORMATTER_ESCAPE}real['len'] = lambda *a: 0\n`],
    ['sys.modules', `${FORMATTER_ESCAPE}s = real['__import__']('sys')\ns.modules['encodings.idna'] = None\n`],
  ])('a test run that patches %s leaves the next production press normal', async (_what, source) => {
    await expectProductionPressNormal();
    const attack = await engine.evaluate(source, press, { pool: 'test' });
    await expectProductionPressNormal();
    expect(attack.error).not.toBeNull();
    // The test pool never lent a process to presses.
    const { pids } = engine.stats();
    expect(pids.press.length).toBeGreaterThan(0);
    expect(pids.press.filter((pid) => pids.test.includes(pid))).toEqual([]);
  }, RESPAWN_TIMEOUT_MS);

  it('every test run gets a fresh interpreter', async () => {
    await engine.warm('test');
    const before = engine.stats();
    await engine.evaluate("subject = 'one'", press, { pool: 'test' });
    await engine.evaluate("subject = 'two'", press, { pool: 'test' });
    expect(engine.stats().testRuns - before.testRuns).toBe(2);
    // Each run retired the interpreter it used, and a replacement was started for each.
    await expect.poll(() => engine.stats().pids.test.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(before.pids.test.length + 2);
    // A syntax error runs no rule code: that interpreter stays for the next run. Count once
    // the replacements for the runs above have all started (they start one after another).
    await expect.poll(() => engine.stats().testWarmProcesses, { timeout: 60_000 }).toBe(engine.stats().testPoolSize);
    const pids = engine.stats().pids.test.length;
    await engine.evaluate('if x = 1:\n    pass\n', press, { pool: 'test' });
    // A retired interpreter is replaced at once (its pid is recorded at spawn).
    await new Promise((r) => setTimeout(r, 500));
    expect(engine.stats().pids.test.length).toBe(pids);
  }, RESPAWN_TIMEOUT_MS);
});

describe('an evaluation leaves nothing behind for the next one in the same pool', () => {
  it.each([
    ['the decimal context', "import decimal\ndecimal.getcontext().prec = 3\n", "import decimal\nsubject = str(decimal.Decimal(1) / decimal.Decimal(3))", '0.3333333333333333333333333333'],
    ['the first weekday of calendar', "import calendar\ncalendar.setfirstweekday(6)\n", "import calendar\nsubject = str(calendar.firstweekday())", '0'],
    ['a value stored on a rule-made class', "class Box:\n    items = []\nBox.items.append(msg)\n", "subject = str('Box' in dir())", 'False'],
  ])('%s', async (_what, first, second, expected) => {
    const a = await engine.evaluate(first, { ...press, msg: 'secret from customer A' });
    expect(a.error).toBeNull();
    const b = await engine.evaluate(second, press);
    expect(b.error).toBeNull();
    expect(b.after.subject).toBe(expected);
  });

  it('a rule cannot seed the random generator for the next press', async () => {
    const seeded = await engine.evaluate("import random\nrandom.seed(42)\nsubject = str(random.random())", press);
    expect(seeded.error).toBeNull();
    await engine.evaluate("import random\nrandom.seed(42)\n", press);
    const next = await engine.evaluate("import random\nsubject = str(random.random())", press);
    expect(next.error).toBeNull();
    expect(next.after.subject).not.toBe(seeded.after.subject);
  });
});
