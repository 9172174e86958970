/**
 * Unit-level HTTP failures a loopback server cannot stage: a host DNS does not know, a
 * certificate that fails verification, a flaky resolver. nock answers the request in-process;
 * everything the fetcher does with a real server is tested against real servers elsewhere.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchFailure } from '../../src/core/verdict.js';
import { httpRequest } from '../../src/fetch/http.js';

const base = { timeoutMs: 5_000, maxBytes: 1_000_000, maxRedirects: 5 };

async function failureOf(url: string) {
  const err = await httpRequest({ ...base, url }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchFailure);
  return (err as FetchFailure).failure;
}

/** As Node's fetch (undici) rejects: a TypeError "fetch failed" whose cause carries the system error code. */
const withCode = (code: string, message = code) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

// nock patches the process's fetch: on for this file only, so later files in the same worker talk to real servers.
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('httpRequest: failures of the network itself', () => {
  it('a host DNS does not know is a network failure that says so', async () => {
    nock('https://shop.gone.example').get('/list').replyWithError(withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND shop.gone.example'));
    const f = await failureOf('https://shop.gone.example/list');
    expect(f).toMatchObject({ class: 'network', message: 'network error: host not found (DNS) (ENOTFOUND)', url: 'https://shop.gone.example/list' });
  });

  it('a certificate that fails verification is named as a TLS problem, not a vague error', async () => {
    nock('https://expired.example').get('/').replyWithError(withCode('CERT_HAS_EXPIRED', 'certificate has expired'));
    expect((await failureOf('https://expired.example/')).message).toBe('network error: TLS certificate problem (CERT_HAS_EXPIRED)');
    nock('https://self.example').get('/').replyWithError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'));
    expect((await failureOf('https://self.example/')).message).toBe('network error: TLS certificate problem (DEPTH_ZERO_SELF_SIGNED_CERT)');
  });

  it('a resolver that is down for a moment, and a route that is gone', async () => {
    nock('https://a.example').get('/').replyWithError(withCode('EAI_AGAIN'));
    expect((await failureOf('https://a.example/')).message).toBe('network error: DNS lookup failed (EAI_AGAIN)');
    nock('https://b.example').get('/').replyWithError(withCode('EHOSTUNREACH'));
    expect((await failureOf('https://b.example/')).message).toBe('network error: host unreachable (EHOSTUNREACH)');
  });

  it('an error without a code keeps its own words', async () => {
    nock('https://c.example').get('/').replyWithError(new TypeError('fetch failed', { cause: new Error('socket hang up in the middle of nowhere') }));
    expect((await failureOf('https://c.example/')).message).toMatch(/^network error: .*socket hang up in the middle of nowhere/);
  });
});
