// The JavaScript reference benchmark: Digital Bazaar's stack on vcid's documents.
//
//   node bench.mjs FIXTURE.json
//
// FIXTURE.json (written by benchmarks/bench_core.py) holds the bundled
// contexts' file paths, the unsigned birth credentials, a challenge, the
// timing parameters and vcid-signed documents. This script signs the
// credentials with its own did:key keys, checks that it verifies vcid's
// documents and its own, times sign and verify, and prints one JSON object
// on stdout: {versions, results: {name: ops/s}, signed: {...}, crossVerified}.
// With --serve it prints that object without results, then times one
// benchmark per request line on stdin (so that the caller can alternate
// rounds with vcid's on the same core: ratios that hold on a loaded machine).
// Every URL is served from memory: contexts from vcid's bundled copies, did:key
// documents derived from the key itself. Nothing touches the network.
import fs from 'node:fs';
import {performance} from 'node:perf_hooks';
import readline from 'node:readline';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const fixture = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const {seconds, rounds, now, challenge} = fixture;

// contexts: parsed once, the same object returned each time (as a server would)
const documents = new Map();
for(const [url, path] of Object.entries(fixture.contexts)) {
  documents.set(url, JSON.parse(fs.readFileSync(path, 'utf8')));
}
const DID_CONTEXTS = [
  'https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];

async function didKeyDocument(did) {
  const multibase = did.slice('did:key:'.length);
  const library = multibase.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const id = `${did}#${multibase}`;
  const key = await library.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey', id, controller: did, publicKeyMultibase: multibase});
  const method = await key.export({publicKey: true});
  return {
    '@context': DID_CONTEXTS, id: did, verificationMethod: [method],
    assertionMethod: [id], authentication: [id]};
}

// did:key documents are cached, as vcid caches them
const resolved = new Map();
async function documentLoader(url) {
  let document = documents.get(url) ?? resolved.get(url);
  if(document === undefined && url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const didDocument = await didKeyDocument(did);
    document = fragment === undefined ? didDocument : {
      '@context': 'https://w3id.org/security/multikey/v1',
      ...didDocument.verificationMethod[0]};
    resolved.set(url, document);
  }
  if(document === undefined) {
    throw new Error(`unable to load URL: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

async function generate(library, options) {
  const key = await library.generate(options);
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return key;
}

// Time in ms: the process's CPU time (user + system, all its threads) by
// default, so that other jobs sharing the core change the figures less (the
// Python side uses time.process_time); --wall for wall-clock time.
const WALL = process.argv.includes('--wall');
const clock = WALL ? () => performance.now() :
  () => {
    const {user, system} = process.cpuUsage();
    return (user + system) / 1000;
  };

// how many calls make a batch of about seconds / 4 (after one warm-up call)
async function calibrate(action, seconds) {
  await action();
  let count = 1;
  for(;;) {
    const start = clock();
    for(let i = 0; i < count; ++i) {
      await action();
    }
    if(clock() - start >= seconds * 250 || count >= 1 << 20) {
      return count;
    }
    count *= 2;
  }
}

// calls per second over one batch of `count` calls
async function batch(action, count) {
  const start = clock();
  for(let i = 0; i < count; ++i) {
    await action();
  }
  return count / ((clock() - start) / 1000);
}

// the median rate of `rounds` batches (as benchmarks/_timing.py measures)
async function measure(action, seconds, rounds) {
  const count = await calibrate(action, seconds);
  const rates = [];
  for(let r = 0; r < rounds; ++r) {
    rates.push(await batch(action, count));
  }
  rates.sort((x, y) => x - y);
  return rates[Math.floor(rates.length / 2)];
}

function must(result, what) {
  if(!result.verified) {
    const error = JSON.stringify(result.error ?? result, null, 1);
    throw new Error(`${what} does not verify: ${error.slice(0, 2000)}`);
  }
}

const clone = value => structuredClone(value);
const ed25519 = await generate(Ed25519Multikey);
const p256 = await generate(EcdsaMultikey, {curve: 'P-256'});
const holder = await generate(Ed25519Multikey);
const date = '2026-01-05T09:00:00Z';
const eddsaSigner = () => new DataIntegrityProof({
  signer: ed25519.signer(), cryptosuite: eddsaRdfc2022, date});
const ecdsaSigner = () => new DataIntegrityProof({
  signer: p256.signer(), cryptosuite: ecdsaRdfc2019, date});
const eddsaVerifier = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const ecdsaVerifier = new DataIntegrityProof({cryptosuite: ecdsaRdfc2019});

const unsigned = (credential, key) => ({...clone(credential), issuer: key.controller});
const issue = (credential, suite) => vc.issue({
  credential, suite, documentLoader, now});
const verifyCredential = (credential, suite) => vc.verifyCredential({
  credential, suite, documentLoader, now});
const verifyPresentation = presentation => vc.verify({
  presentation, challenge, suite: eddsaVerifier, documentLoader, now});

const credential = fixture.unsigned[0];
const signed = {
  'eddsa-rdfc-2022': await issue(unsigned(credential, ed25519), eddsaSigner()),
  'ecdsa-rdfc-2019 (P-256)': await issue(
    unsigned(credential, p256), ecdsaSigner()),
};
const members = [];
for(const each of fixture.unsigned.slice(0, 2)) {
  members.push(await issue(unsigned(each, ed25519), eddsaSigner()));
}
const presentation = await vc.signPresentation({
  presentation: vc.createPresentation({
    verifiableCredential: members, holder: holder.controller}),
  suite: new DataIntegrityProof({
    signer: holder.signer(), cryptosuite: eddsaRdfc2022, date}),
  challenge, documentLoader});
signed.presentation = presentation;

must(await verifyCredential(signed['eddsa-rdfc-2022'], eddsaVerifier),
  'JS eddsa-rdfc-2022 credential');
must(await verifyCredential(signed['ecdsa-rdfc-2019 (P-256)'], ecdsaVerifier),
  'JS ecdsa-rdfc-2019 credential');
must(await verifyPresentation(presentation), 'JS presentation');

// vcid's documents, verified by the JS stack (once: interoperability, not speed)
const crossVerified = {};
const vcidSigned = fixture.vcidSigned;
crossVerified['eddsa-rdfc-2022'] = (await verifyCredential(
  vcidSigned['eddsa-rdfc-2022'], eddsaVerifier)).verified;
crossVerified['ecdsa-rdfc-2019 (P-256)'] = (await verifyCredential(
  vcidSigned['ecdsa-rdfc-2019 (P-256)'], ecdsaVerifier)).verified;
crossVerified.presentation = (await verifyPresentation(
  vcidSigned.presentation)).verified;

const eddsaInput = unsigned(credential, ed25519);
const ecdsaInput = unsigned(credential, p256);
const actions = {
  'sign eddsa-rdfc-2022': () => issue(clone(eddsaInput), eddsaSigner()),
  'verify eddsa-rdfc-2022': () => verifyCredential(
    signed['eddsa-rdfc-2022'], eddsaVerifier),
  'sign ecdsa-rdfc-2019 (P-256)': () => issue(clone(ecdsaInput), ecdsaSigner()),
  'verify ecdsa-rdfc-2019 (P-256)': () => verifyCredential(
    signed['ecdsa-rdfc-2019 (P-256)'], ecdsaVerifier),
  'verify presentation (2 VCs, eddsa-rdfc-2022)': () =>
    verifyPresentation(presentation),
};

const versions = {node: process.version};
for(const name of [
  '@digitalbazaar/vc', '@digitalbazaar/data-integrity',
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite', 'jsonld']) {
  const manifest = new URL(`node_modules/${name}/package.json`, import.meta.url);
  versions[name] = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
}
const say = value => process.stdout.write(JSON.stringify(value) + '\n');
if(process.argv[3] === '--serve') {
  // one JSON line per request on stdin, {"name"}; one {"rate"} line back,
  // one batch (calibrated on first use): the caller alternates with vcid's
  say({versions, signed, crossVerified, names: Object.keys(actions),
    clock: WALL ? 'wall' : 'cpu'});
  const counts = new Map();
  const lines = readline.createInterface({input: process.stdin});
  for await (const line of lines) {
    const {name} = JSON.parse(line);
    if(!counts.has(name)) {
      counts.set(name, await calibrate(actions[name], seconds));
    }
    say({rate: await batch(actions[name], counts.get(name))});
  }
} else {
  const results = {};
  for(const [name, action] of Object.entries(actions)) {
    results[name] = await measure(action, seconds, rounds);
  }
  say({versions, results, signed, crossVerified});
}
