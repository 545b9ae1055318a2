import { useEffect, useRef } from 'react';
import { FLOWS, type FlowId } from '../flows/flows';

export function Home({ onChoose, returnFocusTo }: { onChoose: (flow: FlowId) => void; returnFocusTo: FlowId | null }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const cardRefs = useRef(new Map<FlowId, HTMLButtonElement>());

  useEffect(() => {
    // Coming back from a flow puts focus on the path that was open, so keyboard users keep their place.
    const target = returnFocusTo === null ? headingRef.current : (cardRefs.current.get(returnFocusTo) ?? headingRef.current);
    target?.focus();
  }, [returnFocusTo]);

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title" ref={headingRef} tabIndex={-1}>
        What do you want to do?
      </h1>
      <ul className="paths" aria-label="Paths">
        {FLOWS.map((flow) => (
          <li key={flow.id}>
            <button
              type="button"
              className={`path path--${flow.id}`}
              data-testid={`path-${flow.id}`}
              aria-describedby={`path-${flow.id}-summary`}
              ref={(element) => {
                if (element === null) cardRefs.current.delete(flow.id);
                else cardRefs.current.set(flow.id, element);
              }}
              onClick={() => onChoose(flow.id)}
            >
              <span className="path__title">{flow.title}</span>
              <span className="path__audience">{flow.audience}</span>
              <span className="path__summary" id={`path-${flow.id}-summary`}>
                {flow.summary}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
