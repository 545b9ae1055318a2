export function TrainingBanner({ locked }: { locked: boolean }) {
  return (
    <div className="training-banner" role="note" aria-label="Training mode">
      <strong>Training mode.</strong> Everything here is simulated: the Panorama service, the appliance and the drives. No AWS
      account is used and no real drive is touched.
      {locked ? ' This preview stays in Training mode.' : ''}
    </div>
  );
}
