// HTTP with the access token, turned into errors a person can read, and 503 + Retry-After
// answered by waiting and asking again (the imaging server is still retrieving the study).

export class HttpError extends Error {
  constructor(message, status, url) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

const MAX_WAIT_SECONDS = 30;
const MAX_RETRIES = 40;

/** What the server said, in words; the body's OperationOutcome or OAuth error when there is one. */
async function explain(response, url) {
  let detail = '';
  try {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      const body = await response.json();
      detail = body?.issue?.[0]?.diagnostics || body?.error_description || body?.error || '';
    }
  } catch (e) { /* no readable body */ }
  const what = {
    400: 'The server did not understand the request',
    401: 'The server did not accept the sign-in: the access token has expired or was revoked',
    403: 'The server refused access to this data',
    404: 'The server does not have this',
    406: 'The server cannot send this in a format the viewer reads',
    502: 'The server could not reach a system behind it',
  }[response.status] || `The server answered HTTP ${response.status}`;
  return new HttpError(detail ? `${what} (${detail}).` : `${what}.`, response.status, url);
}

/**
 * fetch() with the bearer token. On 503 with Retry-After, calls onWaiting(seconds, attempt) and
 * tries again, up to MAX_RETRIES times. Throws HttpError for any other non-2xx answer and when the
 * server cannot be reached.
 */
export async function request(url, { token, accept, method = 'GET', body, headers = {}, onWaiting, signal } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (accept) h.Accept = accept;
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await fetch(url, { method, headers: h, body, signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new HttpError(`Cannot reach ${new URL(url).origin}: the server is down or unreachable from this browser.`, 0, url);
    }
    if (response.status === 503 && attempt <= MAX_RETRIES) {
      const header = Number.parseInt(response.headers.get('Retry-After') || '', 10);
      const seconds = Math.min(Number.isFinite(header) && header >= 0 ? header : 2, MAX_WAIT_SECONDS) || 1;
      if (onWaiting) onWaiting(seconds, attempt);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!response.ok) throw await explain(response, url);
    if (onWaiting) onWaiting(0, attempt);
    return response;
  }
}

export async function json(url, options) {
  const response = await request(url, { accept: 'application/fhir+json, application/json', ...options });
  return response.json();
}
