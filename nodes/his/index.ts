// The HIS side (spec 10), usable without Node-RED: read a view request, read database rows, build the answer, and
// read an answer as the platform does; the registry pairs a request with its answer.
export { readRequest, type RequestReading } from './request';
export { readRows, feeOf, timeOf, type RowsReading } from './rows';
export { answerFrom, failure, readAnswer, type FailureReason, type Outcome, type AnswerReading } from './answer';
export { PendingRequests, hisRequests, type PendingRequest, type AddOptions } from './pending';
export { parseAllow, isAllowed, normalizeAddress, badAddresses } from './allow';
export * from './types';
