/** `iam-policy`: the least-privilege IAM policy for a role, as a document an administrator pastes or pipes into IAM. */
import { buildIamPolicy, parseRole, policyNotes } from '../../core/registration/iam-policy';
import type { CliRuntime, CommandOutcome } from '../runtime';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function iamPolicyCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const region = text(options['region']);
  const account = text(options['account']);
  const iam = buildIamPolicy(parseRole(text(options['role'])), { ...(region === undefined ? {} : { region }), ...(account === undefined ? {} : { account }) });
  // Stdout holds the policy alone, so `iam-policy > policy.json` gives a file IAM accepts; the words go to stderr.
  for (const note of policyNotes(iam)) runtime.note(note);
  return Promise.resolve({ data: { role: iam.role, policy: iam.policy, actions: iam.actions, unscoped: iam.unscoped }, text: JSON.stringify(iam.policy, null, 2) });
}
