// upp-network: the network test. One output on success (msg.upp.diagnosis says what was checked); anything else
// is a catchable error whose message is the diagnosis: wrong URL, wrong key, wrong signature profile, no route.
import { isUppError, type Diagnosis, type NetworkResult, type UppNotSentError } from './core';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/red';
import { localizeError, runtimeLang, translator } from './lib/i18n';
import { StatusTracker, statusOf } from './lib/status';
import { CallTracker, closeAfterCalls } from './lib/calls';
import { describeResult } from './lib/message';
import { callerOf, configNodeOf } from './lib/config';
import { UppNetworkError } from './lib/errors';
import { errorStatus, failMessage } from './lib/action';
import { sendThenDone } from './lib/util';

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
    const lang = () => runtimeLang(t);
    // "ok", or "ok: profile_mismatch" / "ok: data_sign_variant" when the test passed with a remark.
    const okStatus = (result: NetworkResult) =>
      statusOf.ok(result.diagnosis.code === 'ok' ? t('status.ok') : `${t('status.ok')}: ${result.diagnosis.code}`);

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      status.start();
      void calls.run(async (signal) => {
        let result: NetworkResult;
        try {
          result = await runTest(node, def, signal);
        } catch (err) {
          status.finish(errorStatus(err));
          failMessage(msg, 'network', err, lang(), done);
          return;
        }
        const { payload, upp } = describeResult(result);
        upp.diagnosis = result.diagnosis;
        msg.payload = payload;
        msg.upp = upp;
        status.finish(okStatus(result));
        sendThenDone(node, msg, () => send(msg), done);
      });
    });

    // Optional: test once when deployed; the diagnosis goes to the status and the log (no message is sent).
    if (def.onDeploy === true || def.onDeploy === 'true') {
      status.start();
      void calls.run(async (signal) => {
        try {
          const result = await runTest(node, def, signal);
          status.finish(okStatus(result));
          node.log(t('log.deployOk', { diagnosis: lang() === 'zh' ? result.diagnosis.zh : result.diagnosis.en }));
        } catch (err) {
          if (calls.closing) {
            status.finish({});
            return;
          }
          status.finish(errorStatus(err));
          node.warn(t('log.deployFailed', { message: err instanceof Error ? localizeError(err, lang()).message : String(err) }));
        }
      });
    }

    closeAfterCalls(RED, node, calls, status);
  }

  RED.nodes.registerType('upp-network', UppNetwork);
};
