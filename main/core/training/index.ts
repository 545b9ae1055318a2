/**
 * Training mode's world inside the app: the Panorama simulator, virtual drives and a simulated
 * appliance to plug them into, all kept in <dataDir>/training/.
 */
export { TrainingWorld, type TrainingEvents, type TrainingWorldOptions } from './world';
export { IN_APPLIANCE, OLD_STICK_BYTES, type VirtualDrive } from './drives';
export type { AppliancePanel, AppliancePhase } from './panel';
export type { Lights } from '../simulator/appliance';
export type { ScenarioInfo, ScenarioName } from '../simulator';
export { downloadFromSimulatedConsole } from './console-download';
