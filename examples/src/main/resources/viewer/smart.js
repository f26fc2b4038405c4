// SMART App Launch, standalone: discovery, authorization code with PKCE (S256), token exchange.
// An imaging server that is its own authorization server (smart-on-fhir-independent) gets a second,
// silent authorization: the EHR's ID token goes along as login_hint, so the EHR asks for no second login.
// The launch state lives in sessionStorage, so it is gone when the tab is closed.

import { json, request } from './http.js';

export const CLIENT_ID = 'smart-imaging-viewer';
const LAUNCH_KEY = 'smart-imaging-viewer.launch';
const SESSION_KEY = 'smart-imaging-viewer.session';

export const SCOPES = {
  v2: 'launch/patient openid fhirUser patient/*.rs',
  v1: 'launch/patient openid fhirUser patient/*.read',
};

const IMAGING_SCOPES = {
  v2: 'launch/patient patient/ImagingStudy.rs',
  v1: 'launch/patient patient/ImagingStudy.read',
};

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function sha256(text) {
  if (!crypto.subtle) {
    throw new Error('This page is not a secure context (use http://localhost or https), so the browser cannot compute the PKCE challenge.');
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

export function stripSlash(url) {
  return url.replace(/\/+$/, '');
}

export async function discover(fhirBase) {
  return json(`${stripSlash(fhirBase)}/.well-known/smart-configuration`);
}

/** The viewer's own address without query: the redirect_uri registered at the EHR. */
export function redirectUri() {
  return `${location.origin}${location.pathname.endsWith('/') ? location.pathname + 'index.html' : location.pathname}`;
}

/** Starts the launch: remembers the verifier and goes to the EHR's authorization endpoint. */
export async function launch({ fhirBase, imagingBase, scopeStyle }) {
  fhirBase = stripSlash(fhirBase);
  const config = await discover(fhirBase);
  if (!config.authorization_endpoint || !config.token_endpoint) {
    throw new Error(`${fhirBase} does not announce SMART authorization and token endpoints.`);
  }
  if (config.code_challenge_methods_supported && !config.code_challenge_methods_supported.includes('S256')) {
    throw new Error('The EHR does not support PKCE with S256, which this viewer requires.');
  }
  if (!imagingBase) {
    const imaging = (config.associated_endpoints || []).find((e) => (e.capabilities || []).includes('smart-imaging-access'));
    if (!imaging) throw new Error('No imaging server was given and the EHR names none (associated_endpoints).');
    imagingBase = imaging.url;
  }
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(await sha256(verifier));
  sessionStorage.setItem(LAUNCH_KEY, JSON.stringify({
    state, verifier, fhirBase, imagingBase: stripSlash(imagingBase), config, redirectUri: redirectUri(), scopeStyle,
  }));
  const url = new URL(config.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: SCOPES[scopeStyle] || SCOPES.v2,
    state,
    aud: fhirBase,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * The imaging server's discovery when it is its own authorization server (it names itself as issuer,
 * or an authorization endpoint that is not the EHR's; the host may differ, as the imaging server may
 * reach the EHR by another name): then it needs its own token. Otherwise null.
 */
export async function imagingNeedsOwnSignIn(session) {
  const config = await discover(session.imagingBase);
  if (!config.authorization_endpoint || !config.token_endpoint) return null;
  const ownIssuer = stripSlash(config.issuer || '') === stripSlash(session.imagingBase);
  const otherPath = new URL(config.authorization_endpoint).pathname !== new URL(session.ehrAuthorizationEndpoint).pathname;
  return ownIssuer || otherPath ? config : null;
}

/** The second authorization, at the imaging server, with the EHR's ID token as login_hint. */
export async function launchImaging(session, config) {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(await sha256(verifier));
  sessionStorage.setItem(LAUNCH_KEY, JSON.stringify({
    phase: 'imaging', state, verifier, config, redirectUri: redirectUri(),
  }));
  const url = new URL(config.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: IMAGING_SCOPES[session.scopeStyle] || IMAGING_SCOPES.v2,
    state,
    aud: session.imagingBase,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  if (session.idToken) params.login_hint = session.idToken;
  url.search = new URLSearchParams(params).toString();
  location.assign(url.toString());
}

async function exchangeCode(launchState, code) {
  const response = await request(launchState.config.token_endpoint, {
    method: 'POST',
    accept: 'application/json',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code || '',
      redirect_uri: launchState.redirectUri,
      client_id: CLIENT_ID,
      code_verifier: launchState.verifier,
    }),
  });
  return response.json();
}

/** The imaging server's redirect back: its own token for the same patient. */
async function completeImagingLaunch(launchState, params) {
  const session = currentSession();
  if (!session) throw new Error('The sign-in at the EHR is gone. Please sign in again.');
  if (params.get('error')) {
    sessionStorage.removeItem(SESSION_KEY);
    const error = params.get('error');
    const words = error === 'access_denied'
      ? 'You declined to share your imaging studies with the viewer at the imaging server, so there are no images to show.'
      : `The imaging server did not authorize the viewer (${error}${params.get('error_description') ? ': ' + params.get('error_description') : ''}).`;
    const e = new Error(words);
    e.code = error;
    throw e;
  }
  const token = await exchangeCode(launchState, params.get('code'));
  if (!token.access_token || token.patient !== session.patient) {
    throw new Error('The imaging server authorized another patient than the EHR; the viewer will not mix records.');
  }
  session.imagingToken = token.access_token;
  session.imagingRevocationEndpoint = launchState.config.revocation_endpoint || null;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/** Handles a redirect back (?code= or ?error=) from the EHR or the imaging server; resolves to the session. */
export async function completeLaunch(params) {
  const launchState = JSON.parse(sessionStorage.getItem(LAUNCH_KEY) || 'null');
  sessionStorage.removeItem(LAUNCH_KEY);
  history.replaceState(null, '', location.pathname);
  if (!launchState || params.get('state') !== launchState.state) {
    throw new Error('This sign-in answer does not belong to a sign-in started here (state mismatch). Please sign in again.');
  }
  if (launchState.phase === 'imaging') return completeImagingLaunch(launchState, params);
  if (params.get('error')) {
    const error = params.get('error');
    const words = error === 'access_denied'
      ? 'You declined to share your records with the viewer at the EHR, so there is nothing to show.'
      : `The EHR did not sign you in (${error}${params.get('error_description') ? ': ' + params.get('error_description') : ''}).`;
    const e = new Error(words);
    e.code = error;
    throw e;
  }
  const token = await exchangeCode(launchState, params.get('code'));
  if (!token.access_token || !token.patient) {
    throw new Error('The EHR signed you in but named no patient; the viewer needs a patient in context.');
  }
  const session = {
    accessToken: token.access_token,
    patient: token.patient,
    scope: token.scope || '',
    expiresAt: Date.now() + (token.expires_in || 3600) * 1000,
    fhirBase: launchState.fhirBase,
    imagingBase: launchState.imagingBase,
    revocationEndpoint: launchState.config.revocation_endpoint || null,
    ehrAuthorizationEndpoint: launchState.config.authorization_endpoint,
    idToken: token.id_token || null,
    scopeStyle: launchState.scopeStyle,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

export function currentSession() {
  return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
}

/** The token for the imaging server: its own (independent mode) or the EHR's. */
export function imagingToken(session) {
  return session.imagingToken || session.accessToken;
}

export async function signOut(session) {
  sessionStorage.removeItem(SESSION_KEY);
  if (session?.imagingToken && session.imagingRevocationEndpoint) {
    try {
      await fetch(session.imagingRevocationEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: session.imagingToken, client_id: CLIENT_ID }),
      });
    } catch (e) { /* signed out here anyway */ }
  }
  if (session?.revocationEndpoint) {
    try {
      await fetch(session.revocationEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: session.accessToken, client_id: CLIENT_ID }),
      });
    } catch (e) { /* signed out here anyway */ }
  }
}
