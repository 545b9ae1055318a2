/**
 * The one way into @peculiar/x509: its dependency injection (tsyringe) needs the Reflect
 * metadata polyfill loaded first (imports run in order), and x509 must use Node's WebCrypto.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
