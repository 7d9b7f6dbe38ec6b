// upp-network: the network test. One output on success (msg.upp.diagnosis says what was checked); anything else
// is a catchable error whose message is the diagnosis: wrong URL, wrong key, wrong signature profile, no route.
// A test in flight during a redeploy ends through the node that replaces this one, like the action nodes' calls
// (nodes/lib/handover.ts); the optional test on deploy sends no message and is simply stopped.
import { isUppError, type Diagnosis, type NetworkResult, type UppNotSentError } from './core';
import type { Node, NodeAPI, NodeDef, NodeMessage } from './lib/red';
import { localizeError, runtimeLang, translator } from './lib/i18n';
import { StatusTracker, statusOf } from './lib/status';
import { CallTracker } from './lib/calls';
import type { Delivery } from './lib/handover';
import { describeResult } from './lib/message';
import { callerOf, configNodeOf } from './lib/config';
import { UppNetworkError } from './lib/errors';
import { errorDelivery, errorStatus, serveCalls } from './lib/action';

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-network');

  /** The test: resolves with the result on success, throws UppNetworkError (or a config error) otherwise. */
  async function runTest(node: Node, def: NodeDef, signal: AbortSignal): Promise<NetworkResult> {
    const client = configNodeOf(RED, def).getClient();
    let result: NetworkResult;
    try {
      result = await client.network({ signal, caller: callerOf(node, def) });
    } catch (err) {
      if (isUppError<UppNotSentError & { diagnosis?: Diagnosis }>(err, 'ERR_UPP_NOT_SENT') && err.diagnosis) {
        throw new UppNetworkError(err.diagnosis, runtimeLang(t), err.reason, true, err);
      }
      throw err;
    }
    if (result.outcome !== 'success') throw new UppNetworkError(result.diagnosis, runtimeLang(t), result.reason, false);
    return result;
  }

  function UppNetwork(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node, t);
    const calls = new CallTracker();
    const deployCalls = new CallTracker();
    const lang = () => runtimeLang(t);
    // "ok", or "ok: profile_mismatch" / "ok: data_sign_variant" when the test passed with a remark.
    const okStatus = (result: NetworkResult) =>
      statusOf.ok(result.diagnosis.code === 'ok' ? t('status.ok') : `${t('status.ok')}: ${result.diagnosis.code}`);

    /** One test for one message: the message to send, or the catchable error. */
    async function handle(msg: NodeMessage, signal: AbortSignal): Promise<Delivery> {
      try {
        const result = await runTest(node, def, signal);
        const { payload, upp } = describeResult(result);
        upp.diagnosis = result.diagnosis;
        msg.payload = payload;
        msg.upp = upp;
        return { msg, out: [msg], status: okStatus(result) };
      } catch (err) {
        return errorDelivery(msg, 'network', err, lang());
      }
    }

    // Tests a previous instance of this node left in flight (a redeploy) end through this one.
    const served = serveCalls(RED, node, { type: 'upp-network', t, status, calls, handle });

    // Optional: test once when deployed; the diagnosis goes to the status and the log (no message is sent).
    if (def.onDeploy === true || def.onDeploy === 'true') {
      status.start();
      void deployCalls.run(async (signal) => {
        try {
          const result = await runTest(node, def, signal);
          status.finish(okStatus(result));
          node.log(t('log.deployOk', { diagnosis: lang() === 'zh' ? result.diagnosis.zh : result.diagnosis.en }));
        } catch (err) {
          if (deployCalls.closing) {
            status.finish({});
            return;
          }
          status.finish(errorStatus(err));
          node.warn(t('log.deployFailed', { message: err instanceof Error ? localizeError(err, lang()).message : String(err) }));
        }
      });
    }

    // On close: tests for messages keep running and end through the replacing instance (or are warned about and
    // recorded if the node was deleted); the test on deploy is stopped (nothing waits for it).
    node.on('close', (removed: boolean, done: () => void) => {
      served.close(removed);
      void deployCalls.close(0).then(() => done());
    });
  }

  RED.nodes.registerType('upp-network', UppNetwork);
};
