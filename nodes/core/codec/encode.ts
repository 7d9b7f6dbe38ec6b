// Builds a signed request body: serialized once, and the signature computed over exactly those values.
import { PROTOCOL_VERSION, type Profile } from '../schema';
import { canonicalOf, md5Sign } from './canonical';
import { jsonString, LosslessNumber, writeJson, type JsonObject } from './json';

export interface EncodedRequest {
  /** The exact body sent. */
  body: string;
  /** The request fields as sent, without `sign` (safe to show: the key is never part of it). */
  fields: JsonObject;
  sign: string;
}

export interface Identity {
  isvId: string;
  partnerId: string;
}

export function encodeRequest(identity: Identity, fields: JsonObject, key: string, profile: Profile, now: number): EncodedRequest {
  const tree: JsonObject = {
    isvId: new LosslessNumber(identity.isvId),
    partnerId: new LosslessNumber(identity.partnerId),
    version: PROTOCOL_VERSION,
    timestamp: new LosslessNumber(String(now)),
    ...fields,
  };
  const sign = md5Sign(canonicalOf(tree, profile), key);
  // The compact text of the tree with `sign` as its last member (the tree always has members: no empty `{}`).
  const body = `${writeJson(tree, { canonical: false }).slice(0, -1)},"sign":${jsonString(sign)}}`;
  return { body, fields: tree, sign };
}
