/** The audit log and the journal as one bookkeeper shared by the app's handlers and the CLI's commands. */
export { driveFacts, Records, sameDrive, type RecordProblemReporter } from './records';
export { sanitizeSubject, shredSubject, writeSubject } from './subjects';
export { locateDrive, type DriveWhereabouts } from './whereabouts';
export { recordWipes } from './wipes';
