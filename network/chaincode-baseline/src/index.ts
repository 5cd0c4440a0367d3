import { BaselineContract } from './baselineContract.js';

export { BaselineContract };
export const contracts = [BaselineContract];
