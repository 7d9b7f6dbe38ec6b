// upp-facecode: see nodes/lib/action.ts for the shared behaviour and ACTIONS for its outputs.
import type { NodeAPI } from './lib/red';
import { registerActionNode } from './lib/action';

export = function register(RED: NodeAPI): void {
  registerActionNode(RED, 'upp-facecode');
};
