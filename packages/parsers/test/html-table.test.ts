import { describe, expect, it } from '@jest/globals';
import { describeParserContract } from '@proxy-pool/plugin-contracts/testing';
import { htmlTableParser } from '../src/index.js';
import { cpuMillis, httpContext, urls } from './helpers.js';

/** The layout of free-proxy-list.net and its clones, with the quirks of real pages. */
const FREE_PROXY_LIST_PAGE = `<!DOCTYPE html><html><head><title>Free Proxy List</title>
<script>var x = "<table><tr><td>10.9.9.9</td><td>1</td></tr></table>";</script>
<style>td > b { color: red }</style></head><body>
<!-- <table><tr><td>10.8.8.8</td><td>80</td></tr></table> -->
<table class="table table-striped table-bordered"><thead><tr>
<th>IP Address</th><th>Port</th><th>Code</th><th class='hm'>Country</th><th>Anonymity</th>
<th class='hm'>Google</th><th class='hx'>Https</th><th class='hm'>Last Checked</th></tr></thead>
<tbody>
<tr><td>203.0.113.5</td><td>8080</td><td>US</td><td class='hm'>United States</td><td>elite proxy</td><td class='hm'>no</td><td class='hx'>yes</td><td class='hm'>1 min ago</td></tr>
<TR><TD>203.0.113.6<TD>3128<TD>FR<TD>France<TD>anonymous<TD>no<TD>no<TD>2 mins ago
<tr><td>&nbsp;203.0.113.7&nbsp;</td><td><b>80</b></td><td>DE</td><td>Germany</td><td>transparent</td><td>no</td><td>no</td><td>3 mins ago</td></tr>
</tbody><tfoot><tr><th>IP Address</th><th>Port</th><th>Code</th><th>Country</th><th>Anonymity</th><th>Google</th><th>Https</th><th>Last Checked</th></tr></tfoot>
</table></body></html>`;

describeParserContract(htmlTableParser, {
  body: FREE_PROXY_LIST_PAGE,
  expected: ['203.0.113.5:8080', '203.0.113.6:3128', '203.0.113.7:80'],
  foreignBody: 'ip,port\n203.0.113.5,8080\n',
});

const parse = (body: string) => htmlTableParser.parse(body, httpContext);

describe('html-table parser', () => {
  it('reads the free-proxy-list layout: Https yes → https, no → http, code and anonymity as tags', () => {
    const result = parse(FREE_PROXY_LIST_PAGE);
    expect(urls(result)).toEqual(['https://203.0.113.5:8080', 'http://203.0.113.6:3128', 'http://203.0.113.7:80']);
    expect(result.proxies[0]?.tags).toEqual({ country: 'US', anonymity: 'elite proxy' });
    expect(result.skipped).toBe(0);
  });

  it('uses a Protocol column and skips bad rows', () => {
    const body = `<table><tr><td>IP</td><td>Port</td><td>Protocol</td></tr>
      <tr><td>203.0.113.5</td><td>1080</td><td>SOCKS5</td></tr>
      <tr><td>203.0.113.5</td><td>1080</td><td>socks5</td></tr>
      <tr><td>256.1.1.1</td><td>80</td><td>HTTP</td></tr>
      <tr><td>203.0.113.5</td><td>0</td><td>HTTP</td></tr>
      <tr><td>203.0.113.5</td><td>abc</td><td>HTTP</td></tr>
      <tr><td>[::1]</td><td>8080</td><td>HTTP</td></tr>
      <tr><td colspan="3">Advertisement</td></tr></table>`;
    const result = parse(body);
    expect(urls(result)).toEqual(['socks5://203.0.113.5:1080']);
    expect(result.skipped).toBe(5);
  });

  it('reads headerless tables by cell shape and ignores unrelated tables', () => {
    const body = `<table><tr><td>Menu</td><td>Home</td></tr></table>
      <table><tr><td>1</td><td>203.0.113.5</td><td>8080</td></tr><tr><td>2</td><td>socks4://203.0.113.6:1080</td></tr></table>`;
    const result = parse(body);
    expect(urls(result)).toEqual(['http://203.0.113.5:8080', 'socks4://203.0.113.6:1080']);
    expect(result.skipped).toBe(0);
  });

  it('claims only pages with a proxy table', () => {
    expect(htmlTableParser.supports({ body: '<html><body><p>203.0.113.5:8080</p></body></html>' })).toBe(false);
    expect(htmlTableParser.supports({ body: '<table><tr><td>a</td><td>b</td></tr></table>' })).toBe(false);
    expect(htmlTableParser.supports({ body: '<table><tr><td>203.0.113.5</td><td>80</td></tr></table>' })).toBe(true);
  });

  it('stays linear on pathological markup', () => {
    const body = `<table>${'<tr><td>'.repeat(200_000)}<${'<!--'.repeat(100_000)}${'<script>'.repeat(100_000)}`;
    const millis = cpuMillis(() => {
      expect(parse(body).proxies).toEqual([]);
      expect(htmlTableParser.supports({ body })).toBe(false);
    });
    // Linear work here is well under a second; a quadratic scan of this input would take minutes.
    expect(millis).toBeLessThan(15_000);
  });
});
