import { describe, expect, it } from 'vitest';
import { createConfigurationLinker, createManageLinker, createTicketLinker, describeManageUi, manageUiOrigin } from '@/lib/connectwise/ui-links';

describe('createTicketLinker (links into Manage\'s web UI)', () => {
  it('links a cloud ticket on the UI host, not the API host', () => {
    const link = createTicketLinker({ endpoint: 'api-na.myconnectwise.net/v4_6_release', companyId: 'acme' });
    expect(link(123)).toBe('https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=123&companyName=acme');
  });

  it('keeps an on-premise host and port, and the simulator scheme', () => {
    expect(createTicketLinker({ endpoint: 'cw.msp.example:8443/v2025_1', companyId: 'msp co' })(7)).toBe(
      'https://cw.msp.example:8443/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=7&companyName=msp+co',
    );
    expect(createTicketLinker({ endpoint: '127.0.0.1:8123/v4_6_release', companyId: 'demo' })(1)).toMatch(/^http:\/\/127\.0\.0\.1:8123\//);
  });

  it('links nothing without a usable site or ticket', () => {
    expect(createTicketLinker(null)(5)).toBeNull();
    expect(createTicketLinker({ endpoint: 'http://cw.example.com', companyId: 'x' })(5)).toBeNull();
    const link = createTicketLinker({ endpoint: 'cw.example.com', companyId: 'x' });
    expect(link(null)).toBeNull();
    expect(link(0)).toBeNull();
    expect(link(1.5)).toBeNull();
  });
});

describe('links to other records and the UI host', () => {
  const site = { endpoint: 'api-eu.myconnectwise.net/v2025_1', companyId: 'acme' };

  it('names the screen Manage opens for each record', () => {
    expect(createConfigurationLinker(site)(31)).toBe('https://eu.myconnectwise.net/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=ConfigFV&recid=31&companyName=acme');
    expect(createManageLinker(site, 'company')(9)).toBe('https://eu.myconnectwise.net/v2025_1/ConnectWise.aspx?locale=en_US&routeTo=CompanyFV&recid=9&companyName=acme');
    expect(createConfigurationLinker(site)(-1)).toBeNull();
    expect(createConfigurationLinker(null)(31)).toBeNull();
  });

  it('describes the web UI as Manage reports its site, and refuses an endpoint that does not parse', () => {
    expect(describeManageUi('api-na.myconnectwise.net/v4_6_release')).toEqual({ host: 'na.myconnectwise.net', origin: 'https://na.myconnectwise.net' });
    expect(describeManageUi('127.0.0.1:8123/v4_6_release')).toEqual({ host: '127.0.0.1:8123', origin: 'http://127.0.0.1:8123' });
    expect(describeManageUi('http://cw.example.com')).toBeNull();
    expect(manageUiOrigin('cw.msp.example:8443')).toBe('https://cw.msp.example:8443');
  });
});
