/**
 * A RuleEngine for pipeline tests, scripted in TypeScript: the pipeline's handling of what an
 * engine returns (changes, refusal, crash) is tested here; the Python sandbox has its own suite.
 */
import type { RuleEngine, RuleRun, RuleVariables } from '@/lib/rules/engine/rule-engine';

export function scriptedRuleEngine(
  script: (v: RuleVariables) => Partial<RuleVariables> | { crash: { type: string; message: string; line: number } },
): RuleEngine {
  return {
    async evaluate(_source, variables): Promise<Omit<RuleRun, 'before'>> {
      const result = script({ ...variables });
      if ('crash' in result) {
        return { after: variables, refusal: null, error: result.crash, output: '', warnings: [], durationMs: 1 };
      }
      const after = { ...variables, ...result } as RuleVariables;
      return { after, refusal: after.exception, error: null, output: 'ran', warnings: [], durationMs: 1 };
    },
  };
}
