// Named exports only, no `export *`: the gateway is ESM and imports this CommonJS package by
// name, which works only for exports Node's cjs-module-lexer can see in the emitted code.
export { canonicalJson } from './canonicalJson';
export {
  ageOn,
  dateInTimeZone,
  isLeapYear,
  isTimeZone,
  parseIsoDate,
  type CalendarDate,
} from './calendar';
export {
  ineligibility,
  type EligibilityDetails,
  type EligibilityRules,
  type Ineligibility,
} from './eligibility';
export { ballotChoicesFor, ballotChoicesSchema, type ChoiceRules } from './ballotChoices';
export {
  CHAINCODE_ERROR_CODES,
  chaincodeErrorCodeIn,
  codedMessage,
  type ChaincodeErrorCode,
} from './errorCodes';
export {
  ACTOR_KINDS,
  EVENT_ACTIONS,
  ledgerEventSchema,
  type ActorKind,
  type EventAction,
  type LedgerEvent,
} from './events';
export { pollIdSchema, residentIdSchema, txIdSchema } from './ids';
export {
  checkPollDraft,
  eligibilitySchema,
  MAX_OPTIONS,
  optionIdSchema,
  pollDraftFields,
  pollDraftSchema,
  pollOptionSchema,
  RESULTS_VISIBILITIES,
  type PollDraft,
  type PollDraftRules,
  type ResultsVisibility,
} from './pollDraft';
export { personalDataSchema, SALT_BYTES, type PersonalData } from './personalData';
export { boundedText, codePointLength, isoDateSchema, isoInstantSchema } from './text';
export { shardTallyFields, tallyFields, type TallySummary } from './tally';
