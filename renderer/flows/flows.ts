/**
 * The three paths users come for and their steps, in the words the step indicator shows.
 * `available: false` would mark a step not built yet (the wizard then says so); all are built.
 */
export type FlowId = 'provision' | 'sanitize' | 'training';

export interface StepDefinition {
  id: string;
  title: string;
  /** What the step will do, in the words a technician uses. */
  purpose: string;
  available: boolean;
}

export interface FlowDefinition {
  id: FlowId;
  title: string;
  summary: string;
  audience: string;
  steps: readonly StepDefinition[];
}

const step = (id: string, title: string, purpose: string): StepDefinition => ({ id, title, purpose, available: true });

export const FLOWS: readonly FlowDefinition[] = [
  {
    id: 'provision',
    title: 'Provision an appliance',
    summary: "Put a device's configuration archive on a USB drive, verified, then watch the appliance register and clean up after it.",
    audience: 'Field technicians',
    steps: [
      step('source', 'Source', 'Import the archive downloaded from the console, or create the device now and stream its archive straight to the drive.'),
      step('review', 'Review', 'Device name, network configuration in words, and how long the provisioning certificate stays valid.'),
      step('drive', 'Drive', 'Choose the USB drive; drives that are unsafe to use are hidden with the reason.'),
      step('write', 'Write', 'Format the drive FAT32, write the archive to its root, verify it, and make it safe to remove.'),
      step('register', 'Plug in and register', 'Plug the drive into the USB 3.0 port next to HDMI and follow the registration live.'),
      step('clean-up', 'Clean up', "Collect the appliance's logs, shred every local copy of the archive, and sanitize the drive."),
      step('done', 'Done', 'A receipt with the device id, times, hashes and the certificate of sanitization.'),
    ],
  },
  {
    id: 'sanitize',
    title: 'Sanitize drives',
    summary: 'Overwrite used provisioning drives (NIST SP 800-88 Clear), reformat them, and file a certificate for each — one drive or a box of them.',
    audience: 'IT staff',
    steps: [
      step('drives', 'Drives', 'Pick the drives to sanitize.'),
      step('method', 'Method', 'Quick, zero, random or random then zero, and how much to verify.'),
      step('confirm', 'Confirm', 'Confirm by typing the number of drives.'),
      step('progress', 'Progress', 'One progress row per drive, with speed and time left.'),
      step('certificates', 'Certificates', 'Results and a certificate of sanitization for every drive.'),
    ],
  },
  {
    id: 'training',
    title: 'Training (simulated)',
    summary: 'Practise the whole provisioning flow with a simulated appliance, virtual drives and the built-in Panorama simulator. No AWS account, no hardware.',
    audience: 'Trainers and new technicians',
    steps: [
      step('scenario', 'Scenario', "Choose what the simulated appliance and service will do: success, slow registration, expired certificate and more."),
      step('source', 'Source', 'Download the archive from the simulated console, or create the device now and stream its archive straight to a virtual drive.'),
      step('review', 'Review', 'Device name, network configuration in words, and how long the provisioning certificate stays valid.'),
      step('drive', 'Virtual drive', 'Choose one of the virtual drives.'),
      step('write', 'Write', 'Write and verify the archive on the virtual drive.'),
      step('register', 'Appliance', 'Plug the drive into the simulated appliance and watch its lights and the registration.'),
      step('clean-up', 'Clean up', 'Collect logs, shred and sanitize, as on a real job.'),
      step('done', 'Done', 'A receipt with the device id, times, hashes and the certificate of sanitization.'),
    ],
  },
];

export function findFlow(id: FlowId): FlowDefinition {
  const flow = FLOWS.find((candidate) => candidate.id === id);
  if (flow === undefined) throw new Error(`unknown flow ${id}`);
  return flow;
}
