/**
 * The entry names in a zip file's central directory, read with yauzl straight from the file:
 * only the end record and the central directory are read, no entry is opened or inflated, so
 * looking at a secret archive never copies its key anywhere.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** At most this many names are read: a configuration archive holds a handful. */
const MAX_NAMES = 64;

/** Entry names (as Latin-1, good enough to match ASCII names), or null when the file is not a readable zip. */
export function zipEntryNames(filePath: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false, validateEntrySizes: false }, (error, zipfile) => {
      if (error !== null) {
        resolve(null);
        return;
      }
      const names: string[] = [];
      const finish = (result: string[] | null, file: ZipFile): void => {
        file.removeAllListeners();
        // An error after close would be unhandled: keep one listener that ignores it.
        file.on('error', () => undefined);
        if (file.isOpen) file.close();
        resolve(result);
      };
      zipfile.on('entry', (entry: Entry) => {
        names.push(entry.fileNameRaw.toString('latin1'));
        if (names.length >= MAX_NAMES) finish(names, zipfile);
        else zipfile.readEntry();
      });
      zipfile.on('end', () => finish(names, zipfile));
      zipfile.on('error', () => finish(null, zipfile));
      zipfile.readEntry();
    });
  });
}
