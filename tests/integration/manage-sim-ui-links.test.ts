/**
 * The "Ticket #N in Manage" links Deskbell builds (the real link builders) opened against the
 * simulator: with Deskbell's demo URL they reach the demo Manage screens, without it a page
 * says what the link opens in a real Manage. Never Manage's JSON 404.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createConfigurationLinker, createTicketLinker } from '@/lib/connectwise/ui-links';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

const DESKBELL = 'http://127.0.0.1:3999';
let sim: ManageSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const site = (s: ManageSim) => ({ endpoint: s.endpoint, companyId: s.credentials.companyId });
const open = (url: string) => fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });

describe('Manage UI deep links on the simulator', () => {
  it('sends a ticket link to the demo ticket screen and a configuration link to its company screen', async () => {
    sim = await startManageSim({ port: 0, seed: 'demo', deskbellUrl: `${DESKBELL}/` });
    const ticket = sim.store.tickets.list()[0]!;
    const ticketUrl = createTicketLinker(site(sim))(ticket.id)!;
    expect(ticketUrl).toMatch(/ConnectWise\.aspx\?.*routeTo=ServiceFV/);
    const res = await open(ticketUrl);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${DESKBELL}/demo/manage/ticket/${ticket.id}`);

    const configuration = sim.store.configurations.list()[0]!;
    const configRes = await open(createConfigurationLinker(site(sim))(configuration.id)!);
    expect(configRes.status).toBe(302);
    expect(configRes.headers.get('location')).toBe(`${DESKBELL}/demo/manage/company/${configuration.company.id}`);

    const company = sim.store.companies.list()[0]!;
    const companyRes = await open(`${sim.url}/v4_6_release/ConnectWise.aspx?routeTo=CompanyFV&recid=${company.id}`);
    expect(companyRes.headers.get('location')).toBe(`${DESKBELL}/demo/manage/company/${company.id}`);
  });

  it('says in a page what a link opens in Manage when it does not know Deskbell, and when the record is missing', async () => {
    sim = await startManageSim({ port: 0, seed: 'demo' });
    const ticket = sim.store.tickets.list()[0]!;
    const res = await open(createTicketLinker(site(sim))(ticket.id)!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain(`In a real ConnectWise Manage this link opens the service ticket screen of record ${ticket.id}.`);

    sim.setDeskbellUrl(DESKBELL);
    const missing = await open(createTicketLinker(site(sim))(999_999)!);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toContain('no ticket with id 999999');

    const garbled = await open(`${sim.url}/v4_6_release/ConnectWise.aspx?routeTo=<script>&recid=x`);
    expect(garbled.status).toBe(400);
    const text = await garbled.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
  });

  it('refuses a deskbellUrl that is not an http(s) URL', async () => {
    await expect(startManageSim({ port: 0, deskbellUrl: 'javascript:alert(1)' })).rejects.toThrow(/http\(s\) URL/);
  });
});
