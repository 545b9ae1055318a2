import type { StepDefinition } from '../flows/flows';

/** An ordered list of the flow's steps; the current one is marked for screen readers with aria-current. */
export function StepIndicator({ steps, currentIndex, label }: { steps: readonly StepDefinition[]; currentIndex: number; label: string }) {
  return (
    <nav className="steps" aria-label={label}>
      <ol>
        {steps.map((step, index) => {
          const state = index < currentIndex ? 'done' : index === currentIndex ? 'current' : 'upcoming';
          return (
            <li key={step.id} className={`steps__item steps__item--${state}`} aria-current={index === currentIndex ? 'step' : undefined}>
              <span className="steps__number" aria-hidden="true">
                {index + 1}
              </span>
              <span className="steps__title">{step.title}</span>
              {step.available ? null : <span className="visually-hidden"> (not available yet)</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
