// Asks the SDK what OHIF 3.13 asks to open a study, through dicomweb-client 0.10.4 (OHIF's own
// version), and prints what came back as one JSON line for the Java test to check.
// Usage: node qido-client.mjs <wadoBase> <accessToken> <studyUid> <foreignStudyUid>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
globalThis.XMLHttpRequest = require('xhr2'); // dicomweb-client speaks XMLHttpRequest, as in a browser
const { api } = require('dicomweb-client');

const [url, token, studyUid, foreignUid] = process.argv.slice(2);
const client = new api.DICOMwebClient({ url, headers: { Authorization: `Bearer ${token}` } });
const value = (dataset, tag) => dataset[tag]?.Value?.[0];
const statusOf = async (promise) => {
  try {
    await promise;
    return 200;
  } catch (error) {
    return error.status ?? String(error);
  }
};

const out = {};
// 1. the study, as OHIF's study list and viewer route ask for it
const studies = await client.searchForStudies({
  queryParams: { StudyInstanceUID: studyUid, limit: 101, offset: 0, fuzzymatching: false, includefield: '00081030,00080060' },
});
out.studies = studies.map((s) => value(s, '0020000D'));
out.patientId = value(studies[0], '00100020');
out.modalities = studies[0]['00080061']?.Value ?? [];
// 2. its series
const series = await client.searchForSeries({
  studyInstanceUID: studyUid,
  queryParams: { includefield: '0008103E,00080060,0020000E,00200011,00080021,00080031' },
});
out.series = series.map((s) => value(s, '0020000E'));
out.seriesCounts = series.map((s) => value(s, '00201209'));
// 3. the patient's other studies, as OHIF's study browser asks
const others = await client.searchForStudies({ queryParams: { '00100020': out.patientId, limit: 101, offset: 0 } });
out.patientStudies = others.map((s) => value(s, '0020000D'));
// ... and with a wildcard and a foreign UID in a list: still only what the capability grants
out.wildcard = (await client.searchForStudies({ queryParams: { PatientID: '*' } })).map((s) => value(s, '0020000D'));
out.uidList = (await client.searchForStudies({ queryParams: { StudyInstanceUID: `${foreignUid},${studyUid}` } }))
  .map((s) => value(s, '0020000D'));
// 4. instances of the first series, and of the study
const seriesUid = out.series[0];
const instances = await client.searchForInstances({ studyInstanceUID: studyUid, seriesInstanceUID: seriesUid });
out.instances = instances.map((i) => value(i, '00080018'));
out.studyInstances = (await client.searchForInstances({ studyInstanceUID: studyUid })).length;
// 5. WADO-RS: series metadata as OHIF loads it, a rendered image and the study thumbnail
const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID: studyUid, seriesInstanceUID: seriesUid });
out.metadata = metadata.map((m) => value(m, '00080018'));
const rendered = await client.retrieveInstanceRendered({
  studyInstanceUID: studyUid, seriesInstanceUID: seriesUid, sopInstanceUID: out.instances[0],
  mediaTypes: [{ mediaType: 'image/png' }],
});
out.renderedBytes = (Array.isArray(rendered) ? rendered[0] : rendered).byteLength; // single part: [ArrayBuffer]
// 6. what the capability does not grant is refused
out.foreignSeries = await statusOf(client.searchForSeries({ studyInstanceUID: foreignUid }));
const anonymous = new api.DICOMwebClient({ url });
out.noToken = await statusOf(anonymous.searchForStudies({}));

console.log(JSON.stringify(out));
