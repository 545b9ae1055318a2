export { runAppliance, type ApplianceOptions, type ApplianceResult, type Lights } from './appliance';
export { prepareDrive, readDriveAsAppliance, type DrivePreparation, type DriveProblem, type DriveReading } from './drive';
export { ApplianceLog, type LogFile } from './logs';
