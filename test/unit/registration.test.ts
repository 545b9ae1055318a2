import { describe, expect, it } from 'vitest';
import { isNewerVersion, personalDataWarnings, pickDevice, pollDelayMs, resolveEndpoint, validateNetworking, MIN_POLL_MS } from '../../main/core/registration';

describe('endpoints', () => {
  it('accepts https and the loopback simulator', () => {
    expect(resolveEndpoint(undefined)).toEqual({ url: undefined, loopback: false });
    expect(resolveEndpoint('https://panorama.eu-west-1.amazonaws.com')).toEqual({ url: 'https://panorama.eu-west-1.amazonaws.com', loopback: false });
    expect(resolveEndpoint('http://127.0.0.1:8443/')).toEqual({ url: 'http://127.0.0.1:8443', loopback: true });
    expect(resolveEndpoint('http://localhost:9000').loopback).toBe(true);
    expect(resolveEndpoint('http://[::1]:9000').loopback).toBe(true);
  });
  it.each([
    ['http://panorama.example.com', 'ENDPOINT_INSECURE'],
    ['http://10.0.0.5:8080', 'ENDPOINT_INSECURE'],
    ['ftp://127.0.0.1', 'ENDPOINT_INSECURE'],
    ['https://AKIA123:secret@panorama.us-east-1.amazonaws.com', 'ENDPOINT_HAS_CREDENTIALS'],
    ['https://user@panorama.us-east-1.amazonaws.com', 'ENDPOINT_HAS_CREDENTIALS'],
    ['not a url', 'ENDPOINT_INVALID'],
    ['https://panorama.us-east-1.amazonaws.com/?X-Amz-Security-Token=abc', 'ENDPOINT_INVALID'],
  ])('refuses %s with %s', (endpoint, code) => {
    expect(() => resolveEndpoint(endpoint)).toThrow(expect.objectContaining({ code, outcome: 'refused' }));
  });
});

describe('network configuration', () => {
  const staticPort = { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '10.1.2.30', Mask: '255.255.255.0', DefaultGateway: '10.1.2.1', Dns: ['10.1.2.2'] } };
  it('accepts DHCP, static IP and up to 5 NTP servers', () => {
    expect(validateNetworking({ Ethernet0: { ConnectionType: 'DHCP' } })).toEqual({ Ethernet0: { ConnectionType: 'DHCP' } });
    expect(validateNetworking({ Ethernet0: staticPort, Ethernet1: { ConnectionType: 'DHCP' }, Ntp: { NtpServers: ['pool.ntp.org', '10.1.2.3', 'a', 'b', 'c'] } }).Ethernet0).toEqual(staticPort);
  });
  it.each([
    [{ Ethernet0: { ConnectionType: 'WIFI' } }, 'Ethernet0'],
    [{ Ethernet0: { ...staticPort, StaticIpConnectionInfo: { ...staticPort.StaticIpConnectionInfo, IpAddress: '10.1.2.300' } } }, 'IpAddress'],
    [{ Ethernet0: { ...staticPort, StaticIpConnectionInfo: { ...staticPort.StaticIpConnectionInfo, Mask: '255.0.255.0' } } }, 'Mask'],
    [{ Ethernet0: { ...staticPort, StaticIpConnectionInfo: { ...staticPort.StaticIpConnectionInfo, Dns: [] } } }, 'Dns'],
    [{ Ethernet0: { ...staticPort, StaticIpConnectionInfo: { ...staticPort.StaticIpConnectionInfo, DefaultGateway: '192.168.0.1' } } }, 'gateway'],
    [{ Ethernet0: { ConnectionType: 'STATIC_IP' } }, 'StaticIpConnectionInfo'],
    [{ Ntp: { NtpServers: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 'NtpServers'],
    [{ Ethernet2: { ConnectionType: 'DHCP' } }, 'Ethernet2'],
  ])('refuses %j naming %s', (config, field) => {
    expect(() => validateNetworking(config)).toThrow(expect.objectContaining({ code: 'INVALID_NETWORK_CONFIG', message: expect.stringContaining(field) as unknown }));
  });
});

describe('personal data', () => {
  it('warns about e-mail addresses and phone numbers, not about ordinary names', () => {
    expect(personalDataWarnings({ name: 'lobby-cam-01', description: 'Lobby camera, building 4' })).toEqual([]);
    expect(personalDataWarnings({ description: 'ask jane.doe@example.com' })[0]).toMatch(/e-mail/);
    expect(personalDataWarnings({ description: 'site contact +44 20 7946 0958' })[0]).toMatch(/phone/);
  });
});

describe('the monitor\'s pace', () => {
  it('never polls more than once a second, starts fast and eases to at most 3.75 s', () => {
    const delays = Array.from({ length: 40 }, (_, index) => pollDelayMs(index, () => 0.999));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(MIN_POLL_MS);
    expect(delays[0]).toBeLessThan(1300);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3750);
    expect(delays[39]).toBeGreaterThan(2900);
  });
});

describe('devices', () => {
  it('compares software versions numerically', () => {
    expect(isNewerVersion('4.3.100', '4.3.55')).toBe(true);
    expect(isNewerVersion('4.3.55', '4.3.55')).toBe(false);
    expect(isNewerVersion('4.2.9', '4.3.0')).toBe(false);
  });
  it('asks for a choice when several devices share a name', () => {
    const match = (deviceId: string) => ({ deviceId, name: 'cam', provisioningStatus: 'SUCCEEDED', createdTime: null });
    expect(pickDevice('cam', [match('device-a')]).deviceId).toBe('device-a');
    expect(() => pickDevice('cam', [])).toThrow(expect.objectContaining({ code: 'DEVICE_NOT_FOUND' }));
    expect(() => pickDevice('cam', [match('device-a'), match('device-b')])).toThrow(expect.objectContaining({ code: 'AMBIGUOUS_DEVICE', message: expect.stringContaining('device-b') as unknown }));
  });
});
