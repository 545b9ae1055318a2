export { createPanoramaClient, DEFAULT_REGION, TLS_POLICY, type ClientOptions } from './client';
export { isLoopbackHost, resolveEndpoint, type ResolvedEndpoint } from './endpoint';
export { isTransient, retryAfterSeconds, toRegistrationError } from './errors';
export { NetworkPayloadSchema, personalDataWarnings, validateNetworking } from './networking';
export { checkProvisionRequest, provisionToDrive, type ProvisionReport, type ProvisionRequest } from './provision';
export { ADVICE, MIN_POLL_MS, monitorRegistration, pollDelayMs, type MonitorOptions, type MonitorResult, type RegisteredDevice, type TimelineEntry } from './monitor';
export { describeRegistrationState, describeUpdateStatus, REGISTRATION_ADVICE, registrationStateLine, type RegistrationState, type RegistrationTone } from './states';
export { decommissionDevice, findDevicesByName, followJob, isNewerVersion, pickDevice, RESET_INSTRUCTIONS, softwareStatus, startSoftwareUpdate, type DeviceMatch, type SoftwareStatus } from './devices';
