// `${VAR}` in the config node's fields. Node-RED itself replaces a value that is exactly `${VAR}` (properties and
// credentials alike) before the node starts, but only when the variable is set, and never inside a longer text.
// This fills the gaps: `http://${UPP_HOST}:7000/prefix` works, and an unset variable is a clear config error
// naming the field and the variable instead of a literal "${UPP_KEY}" being used as the key.
import type { Node, NodeAPI } from './red';
import { UppEnvVarError } from './errors';

const REFERENCE = /\$\{([^{}\s]+)\}/g;

/** Resolves every `${NAME}` in `value` (process env, or flow/group env of the node); throws UppEnvVarError if unset. */
export function resolveEnv(RED: NodeAPI, node: Node, field: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.includes('${')) return value;
  return value.replace(REFERENCE, (_match, name: string) => {
    // The 'env' type of evaluateNodeProperty looks in the node's group and flow environment, then process.env.
    const resolved = RED.util.evaluateNodeProperty(`\${${name}}`, 'env', node, undefined);
    if (resolved === undefined || resolved === null || resolved === '') throw new UppEnvVarError(field, name);
    return String(resolved);
  });
}

/** True when a value is (or contains) a `${VAR}` reference: the editor accepts these in any field. */
export function hasEnvReference(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^{}\s]+\}/.test(value);
}
