// The stored TRANSACTIONS_FILTER is the storing peer's unsigned claim; the verifier's own
// re-derived codes must agree with it byte for byte.
import type { Finding } from '../ledgerTransaction.js';
import { Code, type DecodedTx } from '../fabric/transaction.js';

const codeName = (code: number): string =>
  Object.entries(Code).find(([, value]) => value === code)?.[0] ?? String(code);

export function checkFlags(
  blockNumber: number,
  decoded: readonly DecodedTx[],
  derived: readonly number[],
  reasons: ReadonlyArray<string | undefined>,
  stored: Uint8Array,
): Finding[] {
  if (stored.length !== decoded.length)
    return [
      {
        check: 'validation-flags',
        blockNumber,
        message: `TRANSACTIONS_FILTER has ${stored.length} flags for ${decoded.length} transactions`,
      },
    ];
  const findings: Finding[] = [];
  derived.forEach((code, i) => {
    if (stored[i] === code) return;
    const txId = decoded[i]?.txId ?? '';
    findings.push({
      check: 'validation-flags',
      blockNumber,
      ...(txId === '' ? {} : { txId }),
      message: `transaction ${i}: stored flag ${codeName(stored[i] ?? Code.NOT_VALIDATED)}, re-derived ${codeName(code)}${reasons[i] ? ` (${reasons[i]})` : ''}`,
    });
  });
  return findings;
}
