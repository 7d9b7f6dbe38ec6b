// The JSON body of a request on Node-RED's HTTP app: taken from req.body when a middleware already parsed it,
// else read from the stream (up to a limit; the HIS views' requests are a few hundred bytes).
import type { IncomingMessage } from 'node:http';
import { UppError } from '../core';

export class BodyError extends UppError {
  constructor(readonly problem: 'too_large' | 'not_json') {
    super(
      'ERR_UPP_INPUT',
      problem === 'too_large' ? 'request body too large' : 'request body is not JSON',
      problem === 'too_large' ? '请求体过大' : '请求体不是 JSON',
    );
  }
}

export async function readJsonBody(req: IncomingMessage & { body?: unknown }, limit = 64 * 1024): Promise<unknown> {
  if (req.body !== undefined && (req.readableEnded || typeof req.body === 'object')) return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyError('too_large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError('not_json');
  }
}
