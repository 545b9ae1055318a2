/**
 * The printable certificate: an A4 PDF made with pdfkit and its built-in Helvetica (nothing is
 * downloaded or embedded). Laid out after nwipe's erasure report: who did it, the drive, the
 * method and its passes, the verification, the result and the level reached, and lines to sign.
 * The SHA-256 of the JSON record is printed under the title so paper and record can be matched.
 */
import PDFDocument from 'pdfkit';
import { formatSize } from '../../drives';
import { FLASH_NOTE_LINES } from './record';
import type { CertificateRecord } from './types';

const PAGE = { width: 595.28, height: 841.89, margin: 50 } as const;
const LABEL_X = PAGE.margin + 10;
const MIDDLE = 320;
/** Where values start, from their column's left edge. */
const VALUE_OFFSET = 95;
const VALUE_OFFSET_RIGHT = 90;
const BOTTOM = PAGE.height - PAGE.margin;
const COLORS = { text: '#000000', label: '#555555', heading: '#1f4e79', rule: '#999999', good: '#1b7f3b', bad: '#b00020' } as const;

/** The standard fonts speak WinAnsi: anything else would print as garbage, so it prints as "?". */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

export function formatTimestamp(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDuration(totalSeconds: number): string {
  const rounded = Math.round(totalSeconds);
  const hours = Math.floor(rounded / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  const secs = rounded % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min ${String(secs).padStart(2, '0')} s`;
  if (minutes > 0) return `${minutes} min ${String(secs).padStart(2, '0')} s`;
  return totalSeconds < 10 && totalSeconds !== rounded ? `${totalSeconds.toFixed(1)} s` : `${secs} s`;
}

export function formatBytes(bytes: number): string {
  return `${formatSize(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

export function formatThroughput(bytesPerSecond: number): string {
  return `${formatSize(Math.round(bytesPerSecond))}/s`;
}

const VERIFY_MODES: Readonly<Record<CertificateRecord['verification']['mode'], string>> = { last: 'Last pass', all: 'All passes', off: 'Off' };
const VERIFY_RESULTS: Readonly<Record<CertificateRecord['verification']['result'], string>> = { passed: 'PASSED', failed: 'FAILED', incomplete: 'INCOMPLETE', 'not-run': 'NOT RUN' };
/** Bad ranges printed on the page; the JSON record holds every one. */
const RANGES_ON_PAGE = 30;
const OUTCOMES: Readonly<Record<CertificateRecord['outcome'], string>> = { sanitized: 'SANITIZED', failed: 'FAILED', cancelled: 'CANCELLED' };

interface Cell {
  label: string;
  value: string;
  color?: string;
}

class Layout {
  y: number = PAGE.margin;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  ensure(height: number): void {
    if (this.y + height > BOTTOM) {
      this.doc.addPage();
      this.y = PAGE.margin;
    }
  }

  heading(title: string): void {
    this.ensure(60);
    this.y += 6;
    this.doc.font('Helvetica-Bold').fontSize(12).fillColor(COLORS.heading).text(title, PAGE.margin, this.y, { lineBreak: false });
    this.y += 15;
    this.doc.moveTo(PAGE.margin, this.y).lineTo(PAGE.width - PAGE.margin, this.y).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
    this.y += 6;
  }

  /** One label and value across the page. */
  row(label: string, value: string, color: string = COLORS.text): void {
    this.cells([{ label, value, color }], [{ x: LABEL_X, right: PAGE.width - PAGE.margin }]);
  }

  /** Two labels and values side by side. */
  pair(left: Cell, right: Cell): void {
    this.cells(
      [left, right],
      [
        { x: LABEL_X, right: MIDDLE - 10 },
        { x: MIDDLE, right: PAGE.width - PAGE.margin },
      ],
    );
  }

  private cells(cells: readonly Cell[], columns: readonly { x: number; right: number }[]): void {
    const placed = cells.map((cell, index) => {
      const column = columns[index] ?? { x: LABEL_X, right: PAGE.width - PAGE.margin };
      const label = cell.label === '' ? '' : `${cell.label}:`;
      this.doc.font('Helvetica').fontSize(9);
      // Values line up in a column unless a long label pushes its value along.
      const valueX = Math.max(column.x + (index === 0 ? VALUE_OFFSET : VALUE_OFFSET_RIGHT), column.x + this.doc.widthOfString(label) + 6);
      const width = column.right - valueX;
      const text = printable(cell.value);
      this.doc.font('Helvetica-Bold').fontSize(10);
      return { cell, column, label, valueX, width, text, height: Math.max(12, this.doc.heightOfString(text, { width })) };
    });
    const height = Math.max(...placed.map((item) => item.height));
    this.ensure(height + 2);
    for (const item of placed) {
      if (item.label !== '') this.doc.font('Helvetica').fontSize(9).fillColor(COLORS.label).text(item.label, item.column.x, this.y + 1, { lineBreak: false });
      this.doc.font('Helvetica-Bold').fontSize(10).fillColor(item.cell.color ?? COLORS.text).text(item.text, item.valueX, this.y, { width: item.width });
    }
    this.y += height + 2;
  }

  line(text: string, options: { size?: number; bold?: boolean; color?: string; x?: number } = {}): void {
    const size = options.size ?? 9;
    this.ensure(size + 5);
    const x = options.x ?? LABEL_X;
    this.doc
      .font(options.bold === true ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(size)
      .fillColor(options.color ?? COLORS.text)
      .text(printable(text), x, this.y, { width: PAGE.width - PAGE.margin - x, lineBreak: false });
    this.y += size + 5;
  }

  table(columns: readonly { title: string; width: number }[], rows: readonly string[][]): void {
    const draw = (cells: readonly string[], bold: boolean): void => {
      this.ensure(14);
      let x = LABEL_X;
      cells.forEach((cell, index) => {
        const width = columns[index]?.width ?? 60;
        this.doc
          .font(bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(8.5)
          .fillColor(bold ? COLORS.label : COLORS.text)
          .text(printable(cell), x, this.y, { width: width - 4, lineBreak: false });
        x += width;
      });
      this.y += 13;
    };
    draw(
      columns.map((column) => column.title),
      true,
    );
    for (const row of rows) draw(row, false);
  }

  signature(role: string, name: string | null): void {
    this.ensure(40);
    this.y += 14;
    const lineY = this.y + 10;
    this.doc.font('Helvetica').fontSize(9).fillColor(COLORS.label).text(`${role}:`, LABEL_X, this.y, { lineBreak: false });
    this.doc.font('Helvetica-Bold').fontSize(10).fillColor(COLORS.text).text(printable(name ?? ''), 130, this.y, { width: 150, lineBreak: false });
    this.doc.font('Helvetica').fontSize(9).fillColor(COLORS.label).text('Signature:', 290, this.y, { lineBreak: false });
    this.doc.moveTo(340, lineY).lineTo(450, lineY).lineWidth(0.5).strokeColor(COLORS.text).stroke();
    this.doc.text('Date:', 460, this.y, { lineBreak: false });
    this.doc.moveTo(485, lineY).lineTo(PAGE.width - PAGE.margin, lineY).stroke();
    this.y += 16;
  }
}

function driveSize(record: CertificateRecord): string {
  return record.drive.sizeBytes === null ? 'unknown' : formatBytes(record.drive.sizeBytes);
}

function draw(doc: PDFKit.PDFDocument, record: CertificateRecord, recordSha256: string, jsonFileName: string): void {
  const layout = new Layout(doc);
  const clear = record.sanitization.level === 'Clear';
  doc.font('Helvetica-Bold').fontSize(20).fillColor(COLORS.text).text('Certificate of Sanitization', PAGE.margin, layout.y, { width: PAGE.width - 2 * PAGE.margin, align: 'center' });
  layout.y += 28;
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(COLORS.label)
    .text(printable(`${record.tool.name} ${record.tool.version} - certificate ${record.id} - issued ${formatTimestamp(record.issuedAt)}`), PAGE.margin, layout.y, { width: PAGE.width - 2 * PAGE.margin, align: 'center' });
  layout.y += 14;
  doc.font('Courier').fontSize(8).fillColor(COLORS.text).text(`SHA-256 of the JSON record: ${recordSha256}`, PAGE.margin, layout.y, { width: PAGE.width - 2 * PAGE.margin, align: 'center', lineBreak: false });
  layout.y += 12;
  doc.font('Helvetica').fontSize(8).fillColor(COLORS.label).text(printable(`JSON record: ${jsonFileName}`), PAGE.margin, layout.y, { width: PAGE.width - 2 * PAGE.margin, align: 'center', lineBreak: false });
  layout.y += 14;

  layout.heading('Organisation');
  layout.pair({ label: 'Organisation', value: record.organisation ?? '(not set)' }, { label: 'Technician', value: record.technician });
  layout.pair({ label: 'Host', value: `${record.host.name} (${record.host.platform})` }, { label: 'Tool', value: `${record.tool.name} ${record.tool.version}` });

  layout.heading('Drive');
  layout.pair({ label: 'Model', value: record.drive.model ?? 'unknown' }, { label: 'Serial', value: record.drive.serial ?? 'unknown' });
  layout.pair({ label: 'Vendor', value: record.drive.vendor ?? 'unknown' }, { label: 'Bus', value: record.drive.bus ?? 'unknown' });
  layout.row('Size', driveSize(record));
  // The name the technician saw on screen, and the full path the wipe was done on.
  if (record.drive.name !== undefined) layout.row('Name', record.drive.name);
  layout.pair({ label: 'Path', value: record.drive.path }, { label: 'Description', value: record.drive.description });

  layout.heading('Method');
  layout.row('Method', `${record.method.label} (${record.method.id})`);
  layout.row('What it does', record.method.description);
  layout.pair({ label: 'Passes', value: String(record.method.passCount) }, { label: 'Duration', value: formatDuration(record.timing.durationSeconds) });
  layout.pair({ label: 'Start', value: formatTimestamp(record.timing.startedAt) }, { label: 'End', value: formatTimestamp(record.timing.endedAt) });
  layout.pair({ label: 'Bytes written', value: formatBytes(record.timing.bytesWritten) }, { label: 'Throughput', value: formatThroughput(record.timing.throughputBytesPerSecond) });
  if (record.passes.length > 0) {
    layout.y += 4;
    layout.table(
      [
        { title: 'Pass', width: 30 },
        { title: 'Pattern', width: 50 },
        { title: 'Bytes', width: 85 },
        { title: 'Start (UTC)', width: 95 },
        { title: 'End (UTC)', width: 95 },
        { title: 'Throughput', width: 65 },
        { title: 'Verified', width: 55 },
      ],
      record.passes.map((pass) => [
        String(pass.pass),
        pass.pattern,
        pass.bytes.toLocaleString('en-US'),
        formatTimestamp(pass.startedAt).replace(' UTC', ''),
        formatTimestamp(pass.endedAt).replace(' UTC', ''),
        formatThroughput(pass.bytesPerSecond),
        pass.verified === null ? 'not checked' : pass.verified ? 'yes' : 'NO',
      ]),
    );
  }

  layout.heading('Verification');
  const verified = record.verification.result;
  layout.pair(
    { label: 'Verification mode', value: VERIFY_MODES[record.verification.mode] },
    { label: 'Verification result', value: VERIFY_RESULTS[verified], color: verified === 'passed' ? COLORS.good : verified === 'failed' ? COLORS.bad : COLORS.text },
  );
  layout.row('Bytes verified', formatBytes(record.verification.bytesVerified));
  if (record.verification.mismatchAt !== null) layout.row('First mismatch at byte', record.verification.mismatchAt.toLocaleString('en-US'), COLORS.bad);

  const bad = [...record.unwrittenRanges.map((range) => ({ kind: 'not written', range })), ...record.unverifiedRanges.map((range) => ({ kind: 'not read back', range }))];
  if (bad.length > 0) {
    layout.heading('Bad sectors: ranges not sanitized');
    layout.table(
      [
        { title: 'What', width: 80 },
        { title: 'First byte', width: 110 },
        { title: 'Last byte', width: 110 },
        { title: 'Size', width: 120 },
      ],
      bad.slice(0, RANGES_ON_PAGE).map(({ kind, range }) => [kind, range.start.toLocaleString('en-US'), (range.end - 1).toLocaleString('en-US'), formatBytes(range.end - range.start)]),
    );
    if (bad.length > RANGES_ON_PAGE) layout.line(`... and ${bad.length - RANGES_ON_PAGE} more ranges: every one is in the JSON record.`, { size: 8.5 });
  }

  layout.heading('Result');
  layout.line(record.sanitization.statement, { size: 11, bold: true, color: clear ? COLORS.good : COLORS.bad });
  layout.pair(
    { label: 'Outcome', value: OUTCOMES[record.outcome], color: record.outcome === 'sanitized' ? COLORS.good : COLORS.bad },
    // Records made before fileSystem was kept were all formatted FAT32.
    { label: 'Formatted afterwards', value: record.formatted ? `yes (${record.fileSystem ?? 'FAT32'})` : 'no' },
  );
  layout.row(`${record.sanitization.standard} level`, record.sanitization.level, clear ? COLORS.good : COLORS.bad);
  record.sanitization.reasons.forEach((reason, index) => layout.row(index === 0 ? 'Why not reached' : '', reason));
  layout.row('Errors (retried/failed)', `${record.errors.retried}/${record.errors.failed}`, record.errors.failed > 0 ? COLORS.bad : COLORS.text);
  if (record.error !== null) layout.row('Error', `${record.error.code}: ${record.error.message}`, COLORS.bad);
  layout.y += 4;
  for (const noteLine of FLASH_NOTE_LINES) layout.line(noteLine, { size: 8.5 });

  layout.heading('Signatures');
  layout.signature('Technician', record.technician);
  layout.signature('Witness', record.witness);
}

/** Renders the certificate to PDF bytes. */
export function renderCertificatePdf(record: CertificateRecord, recordSha256: string, jsonFileName: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const issued = new Date(record.issuedAt);
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
      info: {
        Title: 'Certificate of Sanitization',
        Author: printable(record.technician),
        Subject: printable(`Sanitization of ${record.drive.path} (${record.id})`),
        Creator: printable(`${record.tool.name} ${record.tool.version}`),
        Producer: printable(`${record.tool.name} ${record.tool.version}`),
        CreationDate: issued,
        ModDate: issued,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw(doc, record, recordSha256, jsonFileName);
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
