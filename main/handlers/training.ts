/** Training mode's world: the simulator's scenario, the virtual drives, the appliance panel. */
import path from 'node:path';
import type { TrainingState } from '../../preload/contract';
import { refused } from '../core/errors';
import { isScenarioName, SCENARIOS } from '../core/simulator';
import { downloadFromSimulatedConsole, type TrainingWorld } from '../core/training';
import type { CoreServices } from '../services';
import { record, type Handlers } from './support';

function stateOf(world: TrainingWorld): TrainingState {
  return {
    endpoint: world.endpoint,
    scenario: world.scenario(),
    scenarios: world.scenarios().map((scenario) => ({ name: scenario.name, summary: scenario.summary })),
    drives: world.drives(),
    panel: world.panel(),
  };
}

export function trainingHandlers(services: CoreServices): Handlers<'training.state' | 'training.plug' | 'training.unplug' | 'training.scenario' | 'training.reset' | 'training.console-download'> {
  return {
    'training.state': async () => stateOf(await services.trainingWorld()),
    'training.plug': async ({ driveId }) => {
      const panel = (await services.trainingWorld()).plugIntoAppliance(driveId);
      await record(services, 'training', 'info', { event: 'plug', driveId });
      return panel;
    },
    'training.unplug': async () => (await services.trainingWorld()).unplugFromAppliance(),
    'training.scenario': async ({ name }) => {
      if (!isScenarioName(name)) {
        throw refused('UNKNOWN_SCENARIO', `There is no scenario called ${JSON.stringify(name)}. Valid scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}.`, 'Pick one of the listed scenarios.');
      }
      const world = await services.trainingWorld();
      world.setScenario(name);
      await record(services, 'training', 'info', { event: 'scenario', scenario: name });
      return stateOf(world);
    },
    'training.console-download': async ({ name }) => {
      const downloaded = await downloadFromSimulatedConsole(await services.panoramaClient({}, true), name, path.join(services.options.dataDir, 'training', 'downloads'));
      await record(services, 'training', 'info', { event: 'console-download', deviceId: downloaded.deviceId, file: path.basename(downloaded.path) });
      return downloaded;
    },
    'training.reset': async () => {
      const world = await services.trainingWorld();
      await world.reset();
      await record(services, 'training', 'info', { event: 'reset' });
      return stateOf(world);
    },
  };
}
