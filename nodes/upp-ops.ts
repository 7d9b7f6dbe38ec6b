// upp-ops: a Node-RED plugin (package.json node-red.plugins) behind the UPP sidebar tab (upp-ops.html). It feeds
// the monitor (nodes/ops/monitor.ts) from the client's call events and serves it under RED.httpAdmin, guarded by
// RED.auth.needsPermission. When the editor and admin API are off (httpAdminRoot: false, disableEditor: true) it
// registers nothing and listens to nothing, so the flows pay nothing for it.
import type { NodeAPI } from './lib/red';
import type { UppConfigNode } from './lib/config';
import { UppConfigError } from './core';
import { calls, monitor, registerRoutes, COMMS_TOPIC, type AdminApp } from './ops';

/** Editors are told "something changed" at most this often; they then fetch through the guarded endpoint. */
const NOTIFY_MS = 1000;

interface PluginAPI extends NodeAPI {
  httpAdmin?: AdminApp;
  auth?: { needsPermission(permission: string): (req: unknown, res: unknown, next: () => void) => void };
  comms?: { publish(topic: string, data: unknown, retain?: boolean): void };
  plugins: { registerPlugin(id: string, definition: Record<string, unknown>): void };
  nodes: NodeAPI['nodes'] & { eachNode(callback: (def: { id: string; type: string; name?: string }) => void): void };
}

function editorOff(RED: PluginAPI): boolean {
  const settings = RED.settings ?? {};
  return settings.httpAdminRoot === false || settings.disableEditor === true || !RED.httpAdmin || !RED.auth;
}

export = function register(RED: PluginAPI): void {
  RED.plugins.registerPlugin('upp-ops', { type: 'upp-ops' });
  if (editorOff(RED)) return;

  // Only a "changed" signal goes over comms (every editor connection gets comms topics, whatever its
  // permissions); the data itself is fetched through the endpoint that checks upp.read.
  let timer: NodeJS.Timeout | undefined;
  monitor.onChange(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      RED.comms?.publish(COMMS_TOPIC, { changed: Date.now() }, false);
    }, NOTIFY_MS);
    timer.unref?.();
  });
  calls.listen((event) => monitor.recordCall(event));

  registerRoutes(RED.httpAdmin as AdminApp, {
    configs() {
      const out: { id: string; name?: string }[] = [];
      RED.nodes.eachNode((def) => {
        if (def.type === 'upp-config') out.push({ id: def.id, name: def.name });
      });
      return out;
    },
    client(configId) {
      const node = RED.nodes.getNode(configId) as UppConfigNode | null;
      if (!node || typeof node.getClient !== 'function') throw new UppConfigError('server', 'required');
      return node.getClient();
    },
    needsPermission: (permission) => RED.auth!.needsPermission(permission),
    jsonBody: (_req, _res, next) => next(), // the admin app parses JSON bodies already (@node-red/editor-api)
  });
};
