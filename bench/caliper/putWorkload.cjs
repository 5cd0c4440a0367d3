'use strict';
// The baseline chaincode's trivial write, one fresh key per transaction, as bench:chaincode does.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

class PutWorkload extends WorkloadModuleBase {
  async submitTransaction() {
    this.txIndex = (this.txIndex ?? 0) + 1;
    const key = `caliper-${this.workerIndex}-${this.roundIndex}-${this.txIndex}-${Date.now()}`;
    await this.sutAdapter.sendRequests({
      contractId: this.roundArguments.contractId,
      contractFunction: 'Put',
      contractArguments: [key, 'x'],
      readOnly: false,
    });
  }
}

module.exports.createWorkloadModule = () => new PutWorkload();
