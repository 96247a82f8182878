// Student names for every test that seeds a roster: invented, distinctive words that occur nowhere else, so the
// test run's final check (jest/canary-check.ts) can look for each of them in every Kafka topic, log and trace file
// of the whole run. A test that seeds students names them from this list (the OneRoster generator's
// --canary-names does); a hit anywhere outside enrollment's encrypted columns is a PII leak.
// Dependency-free on purpose: the roster generator imports it directly.
export const CANARY_NAMES: readonly string[] = [
  'Quixotellybrandwick',
  'Zebedeequartzfeld',
  'Marrowgumbledine',
  'Yorricklantenbury',
  'Fennimorequadrille',
  'Ottilieskrabnovar',
  'Wendelgrimsbothe',
  'Pellucidoravanti',
  'Brannigoxtaffel',
  'Caspianmulberrow',
  'Isoldevantrekka',
  'Thaddeuzquillfen',
];
