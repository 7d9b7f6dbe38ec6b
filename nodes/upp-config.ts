// upp-config: the connection to one UPP front-end machine and its signing key. Owns one UppClient (one undici
// pool) that every action node and the poll node share, so single-flight protection spans all of them.
import { UppClient, UppClientClosedError } from './core';
import type { Node, NodeAPI, NodeDef } from './lib/red';
import { clientOptions, type UppConfigNode } from './lib/config';
import { closeGraceMs } from './lib/calls';

export = function register(RED: NodeAPI): void {
  function UppConfig(this: UppConfigNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    node.name = typeof def.name === 'string' ? def.name : '';
    let client: UppClient | undefined;
    let closed = false;

    node.getClient = (): UppClient => {
      if (closed) throw new UppClientClosedError();
      if (!client) client = new UppClient(clientOptions(RED, node as Node, def, node.credentials, closeGraceMs(RED)));
      return client;
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      const current = client;
      client = undefined;
      if (!current) {
        done();
        return;
      }
      // In-flight calls get the grace period to finish; then the pool is destroyed and they come back pending.
      void current
        .destroy(closeGraceMs(RED))
        .catch(() => undefined)
        .then(() => done());
    });
  }

  RED.nodes.registerType('upp-config', UppConfig as unknown as (this: Node, def: NodeDef) => void, {
    credentials: { key: { type: 'password' } },
  });
};
