/**
 * ZTF alert schema written for the simulator, following version 4.02 in field names, types and
 * nullability. It contains the candidate fields that the simulator fills, which include every
 * field that the ZTF schema declares non-nullable. Named types are defined on first use and
 * referred to by full name afterwards, as Avro requires.
 */

type AvroField = { name: string; type: unknown; default?: null; doc?: string };

/** Declares a nullable field as ZTF does: a union with null first and a null default. */
function optional(name: string, type: string, doc?: string): AvroField {
  return doc === undefined ? { name, type: ['null', type], default: null } : { name, type: ['null', type], default: null, doc };
}

function required(name: string, type: string, doc?: string): AvroField {
  return doc === undefined ? { name, type } : { name, type, doc };
}

const candidateFields: AvroField[] = [
  required('jd', 'double', 'Julian Date at the start of the exposure [days]'),
  required('fid', 'int', 'filter id: 1 = g, 2 = r, 3 = i'),
  required('pid', 'long', 'processing id of the image'),
  optional('diffmaglim', 'float', '5-sigma limiting magnitude of the difference image [mag]'),
  required('programid', 'int', 'program id: 1 = public survey'),
  required('candid', 'long', 'candidate id, unique per detection'),
  required('isdiffpos', 'string', "'t' for a positive difference (science minus reference), 'f' for a negative one"),
  optional('tblid', 'long', 'index of the candidate in its image table'),
  optional('nid', 'int', 'night id: days since 2017-01-01'),
  optional('rcid', 'int', 'readout channel id, 0 to 63'),
  optional('field', 'int', 'ZTF field id'),
  optional('xpos', 'float', 'x position in the image [pixels]'),
  optional('ypos', 'float', 'y position in the image [pixels]'),
  required('ra', 'double', 'right ascension, J2000 [deg]'),
  required('dec', 'double', 'declination, J2000 [deg]'),
  required('magpsf', 'float', 'PSF-fit magnitude of the difference image [mag]'),
  required('sigmapsf', 'float', '1-sigma uncertainty of magpsf [mag]'),
  optional('distnr', 'float', 'distance to the nearest reference-image source [pixels]'),
  optional('magnr', 'float', 'magnitude of the nearest reference-image source [mag]'),
  optional('sigmagnr', 'float', '1-sigma uncertainty of magnr [mag]'),
  optional('fwhm', 'float', 'full width at half maximum of the image PSF [pixels]'),
  optional('rb', 'float', 'real/bogus score, 0 bogus to 1 real'),
  optional('ssdistnr', 'float', 'distance to the nearest known solar-system object within 30 arcsec, -999 if none [arcsec]'),
  optional('ssmagnr', 'float', 'magnitude of that solar-system object, -999 if none [mag]'),
  optional('ssnamenr', 'string', 'name of that solar-system object'),
  required('ranr', 'double', 'right ascension of the nearest reference-image source [deg]'),
  required('decnr', 'double', 'declination of the nearest reference-image source [deg]'),
  optional('sgmag1', 'float', 'g magnitude of the nearest Pan-STARRS1 source [mag]'),
  optional('srmag1', 'float', 'r magnitude of the nearest Pan-STARRS1 source [mag]'),
  optional('sgscore1', 'float', 'star/galaxy score of the nearest Pan-STARRS1 source, 0 galaxy to 1 star'),
  optional('distpsnr1', 'float', 'distance to the nearest Pan-STARRS1 source [arcsec]'),
  required('ndethist', 'int', 'number of detections at this position, this one included'),
  required('ncovhist', 'int', 'number of images covering this position'),
  optional('jdstarthist', 'double', 'Julian Date of the first detection at this position'),
  optional('jdendhist', 'double', 'Julian Date of the last detection at this position'),
  optional('scorr', 'double', 'peak signal-to-noise ratio in the matched-filter detection image'),
  optional('objectidps1', 'long', 'object id of the nearest Pan-STARRS1 source'),
  required('nmtchps', 'int', 'number of Pan-STARRS1 sources within 30 arcsec'),
  required('rfid', 'long', 'processing id of the reference image'),
  required('jdstartref', 'double', 'Julian Date of the first image in the reference stack'),
  required('jdendref', 'double', 'Julian Date of the last image in the reference stack'),
  required('nframesref', 'int', 'number of images in the reference stack'),
  required('rbversion', 'string', 'version of the rb model'),
  optional('magzpsci', 'float', 'photometric zero point of the science image [mag]'),
  optional('magzpsciunc', 'float', 'uncertainty of magzpsci [mag]'),
  required('nmatches', 'int', 'number of calibrator stars used for the zero point'),
  optional('exptime', 'float', 'exposure time [s]'),
  optional('drb', 'float', 'deep-learning real/bogus score, 0 bogus to 1 real'),
  required('drbversion', 'string', 'version of the drb model'),
];

const prvCandidateFields: AvroField[] = [
  required('jd', 'double', 'Julian Date at the start of the exposure [days]'),
  required('fid', 'int', 'filter id: 1 = g, 2 = r, 3 = i'),
  required('pid', 'long', 'processing id of the image'),
  optional('diffmaglim', 'float', '5-sigma limiting magnitude of the difference image [mag]'),
  required('programid', 'int', 'program id: 1 = public survey'),
  { name: 'candid', type: ['null', 'long'], doc: 'candidate id; null for a non-detection (upper limit)' },
  { name: 'isdiffpos', type: ['null', 'string'], doc: "'t' or 'f'; null for a non-detection" },
  optional('tblid', 'long'),
  optional('nid', 'int'),
  optional('rcid', 'int'),
  optional('field', 'int'),
  { name: 'ra', type: ['null', 'double'], doc: 'right ascension, J2000 [deg]; null for a non-detection' },
  { name: 'dec', type: ['null', 'double'], doc: 'declination, J2000 [deg]; null for a non-detection' },
  { name: 'magpsf', type: ['null', 'float'], doc: 'PSF-fit magnitude [mag]; null for a non-detection' },
  { name: 'sigmapsf', type: ['null', 'float'], doc: '1-sigma uncertainty of magpsf [mag]; null for a non-detection' },
  optional('rb', 'float'),
  optional('magzpsci', 'float'),
  required('rbversion', 'string'),
  // The ZTF 4.02 prv_candidate has no drb. It is added here as a nullable field so that
  // consumers can read the score of past detections too.
  optional('drb', 'float'),
];

const fpHistFields: AvroField[] = [
  optional('field', 'int'),
  optional('rcid', 'int'),
  required('fid', 'int'),
  required('pid', 'long'),
  required('rfid', 'long'),
  optional('magzpsci', 'float'),
  optional('diffmaglim', 'float'),
  required('programid', 'int'),
  required('jd', 'double'),
  optional('forcediffimflux', 'float', 'forced-photometry difference flux [DN]'),
  optional('forcediffimfluxunc', 'float', '1-sigma uncertainty of forcediffimflux [DN]'),
  optional('procstatus', 'string', 'processing status, 0 when the measurement is usable'),
  required('ranr', 'double'),
  required('decnr', 'double'),
];

const cutoutFields: AvroField[] = [
  required('fileName', 'string'),
  required('stampData', 'bytes', 'gzip-compressed FITS image'),
];

/** Writer schema of simulated alerts; its JSON goes into each container header. */
export const ZTF_SIMULATED_ALERT_SCHEMA = {
  type: 'record',
  name: 'alert',
  namespace: 'ztf',
  doc: 'ZTF-like alert written by the lightbridge simulator',
  version: '4.02',
  fields: [
    required('schemavsn', 'string', 'schema version'),
    required('publisher', 'string', 'origin of the alert packet'),
    required('objectId', 'string', 'object id, ZTF plus the two-digit year plus seven letters'),
    required('candid', 'long'),
    { name: 'candidate', type: { type: 'record', name: 'candidate', namespace: 'ztf.alert', fields: candidateFields } },
    {
      name: 'prv_candidates',
      type: ['null', { type: 'array', items: { type: 'record', name: 'prv_candidate', namespace: 'ztf.alert', fields: prvCandidateFields } }],
      default: null,
    },
    // Forced photometry is not simulated; the field stays null, with a minimal item type.
    {
      name: 'fp_hists',
      type: ['null', { type: 'array', items: { type: 'record', name: 'fp_hist', namespace: 'ztf.alert', fields: fpHistFields } }],
      default: null,
    },
    { name: 'cutoutScience', type: ['null', { type: 'record', name: 'cutout', namespace: 'ztf.alert', fields: cutoutFields }], default: null },
    { name: 'cutoutTemplate', type: ['null', 'ztf.alert.cutout'], default: null },
    { name: 'cutoutDifference', type: ['null', 'ztf.alert.cutout'], default: null },
  ],
} as const;

export const SCHEMA_VERSION = '4.02';
export const PUBLISHER = 'lightbridge-simulator';
