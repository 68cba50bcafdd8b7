// Generated names and UIDs: `metadata.generateName` gets 5 random characters from Kubernetes'
// alphabet (no vowels, no look-alike digits, so no accidental words), and each object a uuid v4.
import { randomInt, randomUUID } from 'node:crypto';

/** The characters k8s.io/apimachinery/pkg/util/rand.String draws from. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const NAME_SUFFIX_LENGTH = 5;
/** Generated names stay within 63 characters: the base is cut to 58 before the suffix is added. */
export const MAX_GENERATED_NAME_BASE_LENGTH = 63 - NAME_SUFFIX_LENGTH;

/** Randomness source: an integer in [0, n). Tests pass a deterministic one. */
export type RandInt = (n: number) => number;

export const cryptoRandInt: RandInt = (n) => randomInt(n);

export function generateNameSuffix(rand: RandInt = cryptoRandInt): string {
  let s = '';
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) s += NAME_SUFFIX_ALPHABET[rand(NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/** SimpleNameGenerator.GenerateName: base (cut to 58 characters) + 5 random characters. */
export function generateName(base: string, rand: RandInt = cryptoRandInt): string {
  return base.slice(0, MAX_GENERATED_NAME_BASE_LENGTH) + generateNameSuffix(rand);
}

/** A new object UID (uuid v4). */
export function newUid(): string {
  return randomUUID();
}
