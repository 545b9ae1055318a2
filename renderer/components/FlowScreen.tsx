import { useEffect, useRef } from 'react';
import type { FlowDefinition } from '../flows/flows';
import { StepIndicator } from './StepIndicator';

export function FlowScreen({ flow, onExit }: { flow: FlowDefinition; onExit: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const currentIndex = 0;
  const step = flow.steps[currentIndex];

  useEffect(() => {
    headingRef.current?.focus();
  }, [flow.id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onExit();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onExit]);

  if (step === undefined) return null;
  return (
    <section aria-labelledby="flow-title" data-testid={`flow-${flow.id}`}>
      <h1 id="flow-title" ref={headingRef} tabIndex={-1}>
        {flow.title}
      </h1>
      <StepIndicator steps={flow.steps} currentIndex={currentIndex} label={`${flow.title}: steps`} />
      <div className="step" aria-labelledby="step-title">
        <h2 id="step-title">
          Step {currentIndex + 1} of {flow.steps.length}: {step.title}
        </h2>
        <p>{step.purpose}</p>
        {step.available ? null : (
          <p className="not-available" role="status" data-testid="not-available">
            <strong>Not available yet.</strong> This step arrives in a later version of Panorama USB; nothing has been done.
          </p>
        )}
      </div>
      <div className="actions">
        <button type="button" data-testid="back-home" onClick={onExit}>
          Back to home
        </button>
        <button type="button" disabled={!step.available} aria-disabled={!step.available}>
          Next
        </button>
      </div>
    </section>
  );
}
