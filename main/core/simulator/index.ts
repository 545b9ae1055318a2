/**
 * A Panorama-compatible simulator: the REST-JSON API the real SDK and the AWS CLI can be
 * pointed at (`endpoint`), and the endpoint the simulated appliance registers through. AWS ended
 * Panorama support on 31 May 2026; this is the default for Training mode and every test.
 */
export { startSimulator, type LoopbackHost, type Simulator, type SimulatorOptions, type SimulatorStats } from './server';
export { SCENARIOS, isScenarioName, scenarioInfo, type DrivePreparation, type ScenarioInfo, type ScenarioName } from './scenarios';
export { DELAYS, SOFTWARE, monitoringPeriodMs } from './lifecycle';
export { APPLIANCE_CLOUD_PORT, MONITORING_INTERVAL_SECONDS, iotEndpointPattern } from './facts';
export { NONCE_LIFETIME_MS, type ApplianceErrorCode } from './appliance-endpoint';
export type { DeviceAggregatedStatus, DeviceConnectionStatus, DeviceStatus, Lights, UpdateProgress } from './model';
