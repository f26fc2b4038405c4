// A third-party SMART app on SMART's own JavaScript client (fhirclient): after the standalone
// launch it finds the imaging server the EHR points to (associated_endpoints with the
// smart-imaging-access capability), searches the patient's ImagingStudy resources there and
// retrieves one study's DICOM JSON metadata, all with the one access token the EHR issued.
const SMART_IMAGING = 'smart-imaging-access';

function show(id, text) {
  document.getElementById(id).textContent = text;
}

async function imagingServer(client) {
  const discovery = await fetch(client.state.serverUrl.replace(/\/$/, '') + '/.well-known/smart-configuration')
    .then((r) => r.json());
  const found = (discovery.associated_endpoints || [])
    .find((e) => (e.capabilities || []).includes(SMART_IMAGING));
  if (!found) throw new Error('The EHR lists no imaging server (associated_endpoints with ' + SMART_IMAGING + ')');
  return found.url.replace(/\/$/, '');
}

/** The WADO-RS base of a study: its Endpoint, contained or included. */
function endpointAddress(study, bundle) {
  const ref = (study.endpoint || [])[0]?.reference || '';
  if (ref.startsWith('#')) return (study.contained || []).find((r) => r.id === ref.slice(1))?.address;
  const included = (bundle.entry || []).map((e) => e.resource).find((r) => r.resourceType === 'Endpoint'
    && ref.endsWith('Endpoint/' + r.id));
  return included?.address;
}

async function main() {
  const client = await FHIR.oauth2.ready();
  const result = { patientId: client.patient.id };
  const patient = await client.patient.read();
  result.patientName = `${patient.name[0].given.join(' ')} ${patient.name[0].family}`;
  show('patient', 'Patient: ' + result.patientName);

  result.imagingBase = await imagingServer(client);
  show('imaging', 'Imaging server: ' + result.imagingBase);
  // fhirclient sends its token to an absolute URL on another server as well.
  const bundle = await client.request(`${result.imagingBase}/ImagingStudy?patient=${encodeURIComponent(client.patient.id)}`);
  const studies = (bundle.entry || []).map((e) => e.resource).filter((r) => r.resourceType === 'ImagingStudy');
  result.studies = studies.map((s) => s.identifier[0].value.replace('urn:oid:', ''));
  for (const s of studies) {
    const li = document.createElement('li');
    li.textContent = `${s.started || ''} ${s.description || ''} (${s.numberOfInstances} images)`;
    document.getElementById('studies').append(li);
  }

  const first = studies[0];
  const address = endpointAddress(first, bundle);
  const metadata = await fetch(`${address}/studies/${result.studies[0]}/metadata`, {
    headers: { Authorization: client.getAuthorizationHeader(), Accept: 'application/dicom+json' },
    referrerPolicy: 'no-referrer',
  });
  if (!metadata.ok) throw new Error('metadata: HTTP ' + metadata.status);
  const instances = await metadata.json();
  result.metadataInstances = instances.length;
  result.metadataStudyUids = [...new Set(instances.map((i) => i['0020000D']?.Value?.[0]))];
  document.body.dataset.result = JSON.stringify(result);
}

main().catch((e) => {
  show('error', String(e && e.message || e));
  document.body.dataset.error = String(e && e.message || e);
});
