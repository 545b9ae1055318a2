import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo, RequestOf, SiteChecklist as Checklist } from '../../preload/contract';
import { call, toErrorInfo } from '../lib/calls';
import { ErrorNotice } from './ErrorNotice';

type Source = RequestOf<'site.checklist'>;
type Rule = Checklist['rules'][number];

const PROTOCOL = { tcp: 'TCP', udp: 'UDP', 'tcp+udp': 'TCP+UDP', any: 'any' } as const;
const service = (rule: Rule): string => (rule.ports.length === 0 ? PROTOCOL[rule.protocol] : `${PROTOCOL[rule.protocol]} ${rule.ports.join(', ')}`);

/** Printing shows the checklist alone (styles.css, @media print) until the print dialog closes. */
function printChecklist(details: HTMLDetailsElement | null): void {
  if (details !== null) details.open = true;
  document.body.classList.add('printing-site-checklist');
  window.addEventListener('afterprint', () => document.body.classList.remove('printing-site-checklist'), { once: true });
  window.print();
}

/**
 * The site network checklist for the network team (collapsed until asked for, printable): the
 * rules the appliance's network needs, from the archive or the form, for the device's region.
 */
export function SiteChecklist(props: { source: Source; onLoaded?: (checklist: Checklist) => void } | { known: Checklist }) {
  const known = 'known' in props ? props.known : null;
  const [loaded, setLoaded] = useState<Checklist | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const details = useRef<HTMLDetailsElement>(null);
  const key = 'source' in props ? JSON.stringify(props.source) : null;
  const onLoaded = useRef('onLoaded' in props ? props.onLoaded : undefined);
  useEffect(() => {
    if (key === null) return undefined;
    let current = true;
    call('site.checklist', JSON.parse(key) as Source).then(
      (value) => {
        if (!current) return;
        setLoaded(value);
        setError(null);
        onLoaded.current?.(value);
      },
      (failure: unknown) => current && setError(toErrorInfo(failure)),
    );
    return () => {
      current = false;
    };
  }, [key]);
  const checklist = known ?? loaded;
  return (
    <details className="panel site-checklist" ref={details} data-testid="site-checklist">
      <summary>Site network checklist (for the site&apos;s network team)</summary>
      <ErrorNotice error={error} title="The checklist could not be made." />
      {checklist === null ? (
        error === null ? <p>Preparing the checklist…</p> : null
      ) : (
        <>
          <p>
            Configure the appliance&apos;s router to allow only this traffic (region {checklist.region}). The appliance opens every connection itself: nothing needs to reach it.
          </p>
          <table className="results" data-testid="site-rules">
            <caption>Router and firewall rules</caption>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Direction</th>
                <th scope="col">Service</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {checklist.rules.map((rule) => (
                <tr key={rule.id} data-rule={rule.id}>
                  <td data-label="Action">{rule.action}</td>
                  <td data-label="Direction">{rule.direction}</td>
                  <td data-label="Service">{service(rule)}</td>
                  <td data-label="From">{rule.from}</td>
                  <td data-label="To">{rule.to.join(', ')}</td>
                  <td data-label="Why" title={rule.reference}>{rule.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Ports</h4>
          <ul>
            {checklist.ports.map((port) => (
              <li key={port.port}>
                {port.configuration} — carries: {port.carries}
              </li>
            ))}
          </ul>
          <h4>Recommended layout</h4>
          <ul>
            <li>{checklist.layouts.nonProduction}</li>
            <li>{checklist.layouts.production}</li>
          </ul>
          {checklist.warnings.map((warning) => (
            <p key={warning.code} className="warning" data-testid="site-warning" data-code={warning.code}>
              Warning: {warning.message}
            </p>
          ))}
          <p className="hint">Sources: AWS Panorama Developer Guide — Security best practices, Network security, Serving inbound traffic (each rule names its page on hover).</p>
          <button type="button" onClick={() => printChecklist(details.current)} data-testid="site-print">
            Print checklist
          </button>
        </>
      )}
    </details>
  );
}
