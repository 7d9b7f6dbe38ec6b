// Small helpers for plain objects, used by every layer (nodes/lib/util.ts re-exports them for the node layer; the
// core may not import nodes/lib).

export type Bag = Record<string, unknown>;

/** A plain object whose fields can be read: not null, not an array, not a Buffer. */
export const isBag = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** Deletes (in place) the keys whose value is undefined, so the object reads cleanly in the debug sidebar or a log. */
export function dropUndefined<T extends object>(o: T): T {
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] === undefined) delete o[key];
  return o;
}
