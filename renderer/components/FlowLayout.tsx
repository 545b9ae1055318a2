import { useEffect, useRef, type ReactNode } from 'react';
import type { StepDefinition } from '../flows/flows';
import { StepIndicator } from './StepIndicator';

/**
 * A flow's frame: its title, the step indicator, the current step (its heading takes focus on
 * every step change, so keyboard and screen-reader users land on it), and the navigation.
 */
/** `onEscape`: what Escape does (leave the flow) while nothing has started yet; absent once it would lose work. */
export function FlowLayout({ flowId, title, steps, currentIndex, children, actions, aside, onEscape }: { flowId: string; title: string; steps: readonly StepDefinition[]; currentIndex: number; children: ReactNode; actions: ReactNode; aside?: ReactNode; onEscape?: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const step = steps[currentIndex];
  useEffect(() => {
    headingRef.current?.focus();
  }, [currentIndex]);
  useEffect(() => {
    if (onEscape === undefined) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEscape]);
  if (step === undefined) return null;
  return (
    <section aria-labelledby="flow-title" data-testid={`flow-${flowId}`} data-step={step.id}>
      <h1 id="flow-title">{title}</h1>
      <StepIndicator steps={steps} currentIndex={currentIndex} label={`${title}: steps`} />
      <div className={aside === undefined ? 'flow-body' : 'flow-body flow-body--with-aside'}>
        <div className="step" aria-labelledby="step-title">
          <h2 id="step-title" ref={headingRef} tabIndex={-1}>
            Step {currentIndex + 1} of {steps.length}: {step.title}
          </h2>
          <p className="step__purpose">{step.purpose}</p>
          {children}
          <div className="actions">{actions}</div>
        </div>
        {aside}
      </div>
    </section>
  );
}
