/** The capacity check (counterfeit drives) and the verdicts it leaves for later writes. */
export { BLOCK_BYTES, checkCapacity, samplePositions, type CapacityCheckOptions, type CapacityReport, type CheckPhase, type CheckProgress, type CheckVerdict } from './check';
export { assertNotCounterfeit, refuseCounterfeit, saveVerdict, verdictFor, verdictKey, type StoredVerdict } from './verdicts';
