// The viewer's flow: connect form -> EHR sign-in (SMART standalone launch) -> the patient's
// demographics from the EHR and imaging studies from the imaging server -> image view.

import { json, request, HttpError } from './http.js';
import { completeLaunch, currentSession, imagingNeedsOwnSignIn, imagingToken, launch, launchImaging, signOut, stripSlash } from './smart.js';
import { ImageView } from './image-view.js';
import { multipartParts, zip } from './zip.js';

const $ = (id) => document.getElementById(id);
let session = null;
let imageView = null;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function status(text) {
  $('status').hidden = !text;
  $('status').textContent = text || '';
}

/** Shows a problem in words; 401s and launch failures offer a new sign-in. */
function showError(error) {
  status('');
  const expired = error instanceof HttpError && error.status === 401;
  const text = expired
    ? 'Your sign-in has ended: the EHR says the access token has expired or was revoked. Please sign in again.'
    : error.message || String(error);
  $('error-text').textContent = text;
  $('error').hidden = false;
  $('error').dataset.kind = expired ? 'expired' : error.code || (error instanceof HttpError ? `http-${error.status}` : 'other');
  $('error-action').hidden = false;
  $('error-action').textContent = expired || error.code ? 'Sign in again' : 'Start over';
}

function clearError() {
  $('error').hidden = true;
}

function defaults() {
  const params = new URLSearchParams(location.search);
  return {
    fhirBase: params.get('fhir') || localStorage.getItem('smart-imaging-viewer.fhir') || `${location.origin}/demo-ehr/fhir`,
    imagingBase: params.has('imaging') ? params.get('imaging')
      : localStorage.getItem('smart-imaging-viewer.imaging') ?? `${location.origin}/ehr/fhir`,
  };
}

function showConnect() {
  $('records').hidden = true;
  $('connect').hidden = false;
  $('patient-banner').hidden = true;
  $('sign-out').hidden = true;
  const d = defaults();
  $('fhir-base').value = d.fhirBase;
  $('imaging-base').value = d.imagingBase;
}

// ---------------------------------------------------------------- patient and studies

function humanName(patient) {
  const name = (patient.name || []).find((n) => n.use === 'official') || (patient.name || [])[0];
  if (!name) return 'Unnamed patient';
  return name.text || [...(name.given || []), name.family].filter(Boolean).join(' ');
}

function mrn(patient) {
  const id = (patient.identifier || []).find((i) => (i.type?.coding || []).some((c) => c.code === 'MR'));
  return id?.value || '';
}

function formatDate(text) {
  if (!text) return 'date unknown';
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

function showPatient(patient) {
  const name = humanName(patient);
  $('patient-banner').textContent = `${name} · ${patient.gender || 'gender unknown'} · born ${patient.birthDate || 'unknown'}`;
  $('patient-banner').hidden = false;
  $('sign-out').hidden = false;
  const demographics = $('demographics');
  demographics.replaceChildren(
    el('h1', { id: 'patient-name', text: name }),
    el('dl', { class: 'demographics' },
      el('dt', { text: 'Born' }), el('dd', { text: patient.birthDate || 'unknown' }),
      el('dt', { text: 'Gender' }), el('dd', { text: patient.gender || 'unknown' }),
      el('dt', { text: 'MRN' }), el('dd', { id: 'patient-mrn', text: mrn(patient) || 'none' }),
      el('dt', { text: 'Patient id' }), el('dd', { text: patient.id })));
  demographics.classList.add('demographics');
}

/** The WADO-RS base of a study: its Endpoint's address (contained or absolute reference). */
function wadoBase(study) {
  const reference = study.endpoint?.[0]?.reference;
  if (!reference) return null;
  if (reference.startsWith('#')) {
    const endpoint = (study.contained || []).find((r) => r.id === reference.slice(1));
    return endpoint?.address || null;
  }
  return null;
}

async function loadThumbnail(holder, url) {
  try {
    const response = await request(url, {
      token: imagingToken(session), accept: 'image/png',
      onWaiting: (seconds) => { holder.textContent = seconds ? `retrieving… (${seconds} s)` : ''; },
    });
    const img = el('img', { alt: 'Series thumbnail' });
    img.src = URL.createObjectURL(await response.blob());
    holder.replaceChildren(img);
  } catch (e) {
    holder.textContent = e.status === 406 ? 'no preview' : 'preview failed';
    holder.title = e.message;
  }
}

function renderStudy(study) {
  const wado = wadoBase(study);
  const modalities = [...new Set((study.series || []).map((s) => s.modality?.code).filter(Boolean))];
  const description = study.description || 'Imaging study';
  const seriesCount = study.numberOfSeries ?? (study.series || []).length;
  const instanceCount = study.numberOfInstances ?? (study.series || []).reduce((n, s) => n + (s.instance || []).length, 0);
  const downloadButton = el('button', { class: 'download', text: 'Download study' });
  const card = el('article', { class: 'study', 'data-study-uid': study.id },
    el('div', { class: 'study-head' },
      el('h3', { text: description }),
      el('span', { class: 'meta study-date', text: formatDate(study.started) }),
      el('span', { class: 'meta study-modality', text: modalities.join(', ') || 'modality unknown' }),
      el('span', { class: 'meta', text: `${seriesCount} series · ${instanceCount} images` }),
      downloadButton));
  const list = el('div', { class: 'series-list' });
  const studyUid = (study.identifier || []).map((i) => i.value || '').find((v) => v.startsWith('urn:oid:'))?.slice(8) || study.id;
  for (const series of study.series || []) {
    const instances = [...(series.instance || [])]
      .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
      .map((i) => i.uid);
    const holder = el('span', { class: 'thumb', text: wado ? 'loading…' : 'no image access' });
    const title = `${series.modality?.code || ''} ${series.description || 'Series ' + (series.number ?? '')}`.trim();
    const button = el('button', { class: 'series-thumb', 'data-series-uid': series.uid, title: `Open ${title}` },
      holder,
      el('span', { class: 'caption' }, title, el('br'), el('small', { text: `${instances.length} images` })));
    if (wado) {
      button.addEventListener('click', () => {
        imageView ??= new ImageView();
        imageView.open({ wado, studyUid, seriesUid: series.uid, instances, title: `${description} — ${title}`, token: imagingToken(session) });
      });
      loadThumbnail(holder, `${wado}/studies/${studyUid}/series/${series.uid}/thumbnail`);
    }
    list.append(button);
  }
  card.append(list);
  if (wado) downloadButton.addEventListener('click', () => download(downloadButton, wado, studyUid, description));
  else downloadButton.disabled = true;
  return card;
}

async function download(button, wado, studyUid, description) {
  const label = button.textContent;
  button.disabled = true;
  try {
    button.textContent = 'Downloading…';
    const response = await request(`${wado}/studies/${studyUid}`, {
      token: imagingToken(session),
      accept: 'multipart/related; type="application/dicom"',
      onWaiting: (seconds) => { button.textContent = seconds ? `Retrieving… (${seconds} s)` : 'Downloading…'; },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    const parts = multipartParts(response.headers.get('Content-Type'), body);
    const archive = zip(parts.map((part, i) => [`${studyUid}/instance-${String(i + 1).padStart(4, '0')}.dcm`, part]));
    const link = el('a', { download: `${description.replace(/[^\w.-]+/g, '_')}-${studyUid}.zip` });
    link.href = URL.createObjectURL(archive);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    button.textContent = `Downloaded ${parts.length} files`;
  } catch (e) {
    showError(e);
    button.textContent = label;
  } finally {
    button.disabled = false;
  }
}

async function showRecords() {
  $('connect').hidden = true;
  clearError();
  status('Loading your record from the EHR…');
  const patient = await json(`${session.fhirBase}/Patient/${encodeURIComponent(session.patient)}`, { token: session.accessToken });
  showPatient(patient);
  $('records').hidden = false;
  status('Looking for imaging studies…');
  const bundle = await json(`${session.imagingBase}/ImagingStudy?patient=${encodeURIComponent(session.patient)}`, {
    token: imagingToken(session),
    onWaiting: (seconds) => status(seconds ? `The imaging server is retrieving your studies… trying again in ${seconds} s.` : 'Looking for imaging studies…'),
  });
  const studies = (bundle.entry || []).map((e) => e.resource).filter((r) => r?.resourceType === 'ImagingStudy')
    .sort((a, b) => String(b.started || '').localeCompare(String(a.started || '')));
  $('studies').replaceChildren(...studies.map(renderStudy));
  $('no-studies').hidden = studies.length > 0;
  status('');
  document.body.dataset.ready = 'true';
}

// ---------------------------------------------------------------- start

async function main() {
  $('connect-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearError();
    const fhirBase = $('fhir-base').value.trim();
    const imagingBase = $('imaging-base').value.trim();
    localStorage.setItem('smart-imaging-viewer.fhir', fhirBase);
    localStorage.setItem('smart-imaging-viewer.imaging', imagingBase);
    status('Asking the EHR how to sign in…');
    try {
      await launch({ fhirBase, imagingBase: imagingBase ? stripSlash(imagingBase) : '', scopeStyle: $('scope-style').value });
    } catch (err) {
      showError(err);
    }
  });
  $('error-action').addEventListener('click', async () => {
    await signOut(session);
    session = null;
    clearError();
    showConnect();
  });
  $('sign-out').addEventListener('click', async () => {
    await signOut(session);
    session = null;
    imageView?.close();
    showConnect();
  });

  const params = new URLSearchParams(location.search);
  try {
    if (params.has('code') || params.has('error')) {
      status('Finishing sign-in…');
      session = await completeLaunch(params);
      const imagingConfig = session.imagingToken ? null : await imagingNeedsOwnSignIn(session);
      if (imagingConfig) {
        // The imaging server authorizes on its own: a second sign-in, silent at the EHR.
        status('Asking the imaging server for access…');
        await launchImaging(session, imagingConfig);
        return;
      }
    } else {
      session = currentSession();
    }
    if (!session) {
      showConnect();
      return;
    }
    await showRecords();
  } catch (e) {
    if (!session) showConnect();
    showError(e);
  }
}

window.addEventListener('unhandledrejection', (e) => showError(e.reason || new Error('Something went wrong.')));
window.addEventListener('error', (e) => showError(e.error || new Error(e.message)));
main();
