import { organizationalUnits } from '../../../../chaincode/src/identity/caller';

describe('organizationalUnits', () => {
  it('reads the OUs of a cryptogen client subject', () => {
    const subject = 'C=US\nST=California\nL=San Francisco\nOU=client\nCN=User1@itdept.veche';
    expect(organizationalUnits(subject)).toEqual(['client']);
  });

  it('reads several OUs, including a multi-valued RDN as Fabric CA writes them', () => {
    expect(organizationalUnits('C=US\nOU=client + OU=itdept + OU=department1\nCN=gateway')).toEqual(
      ['client', 'itdept', 'department1'],
    );
  });

  it('gives nothing for a subject without OU', () => {
    expect(organizationalUnits('C=US\nCN=peer0')).toEqual([]);
  });
});
