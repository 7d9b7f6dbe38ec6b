// The public API: a plain Node.js library for the UPP front-end machine, usable without Node-RED.
export * from './schema';
export * from './errors';
export { canonicalString, sign, verifyTree, canonicalOf, md5Sign, type VerifiedVariant } from './codec/canonical';
export { parseLossless, writeJson, LosslessNumber, isLosslessNumber, type JsonTree, type JsonObject } from './codec/json';
export { normalizeAmount, Decimal } from './codec/money';
export { formatChinaTime, parseChinaTime } from './codec/time';
export { encodeRequest } from './codec/encode';
export { validateRequest } from './validate';
