/** Where the verifier reads raw blocks from; every source hands out the bytes as Fabric stores them. */
export interface BlockSource {
  /** A short description for the report, e.g. "directory ./blocks". */
  readonly description: string;
  height(): Promise<number>;
  /** The serialized common.Block number n. */
  block(n: number): Promise<Uint8Array>;
  close(): Promise<void>;
}
