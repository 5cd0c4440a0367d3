# shellcheck shell=bash
# The default topology of DESIGN.md section 2 as configuration. Every host and port can be
# overridden from the environment, so each organisation can move to its own host. Sourced by
# the scripts in ../scripts; holds no logic beyond defaults.

: "${VECHE_CHANNEL:=civic}"
: "${VECHE_CHAINCODE:=veche}"
: "${VECHE_BASELINE_CHAINCODE:=baseline}"

# The organisations by role, as the prefixes of their variables below: another department is one
# more prefix here plus its variables. The gateway runs in VECHE_GATEWAY_ORG, a department.
: "${VECHE_ORDERERS:=ORDERER1 ORDERER2 ORDERER3 ORDERER4}"
: "${VECHE_DEPARTMENTS:=ITDEPT CIVIC}"
: "${VECHE_REGULATORS:=REGULATOR}"
: "${VECHE_GATEWAY_ORG:=ITDEPT}"
# The city's IANA time zone, written to the ledger by InitConfig (age checks count in it).
: "${VECHE_TIME_ZONE:=Europe/Moscow}"
# Also in InitConfig's config: how far a write's timestamp may be from each endorser's clock, and
# the electorate new polls' shard counts follow (64 shards for a million residents).
: "${VECHE_MAX_CLOCK_SKEW_SECONDS:=60}"
: "${VECHE_EXPECTED_ELECTORATE:=1000000}"
# The chaincode servers' log level (the shim's CORE_CHAINCODE_LOGGING_LEVEL). At INFO the shim
# writes a line per transaction; WARNING keeps the logs small (throughput measured the same,
# docs/performance.md), and refusals and failures are still logged.
: "${VECHE_CHAINCODE_LOG_LEVEL:=WARNING}"
# Every peer's ledger.state.totalQueryLimit (Fabric's default): records per non-paginated range.
: "${VECHE_TOTAL_QUERY_LIMIT:=100000}"
# SmartBFT block cutting, written into the channel's genesis block (so fixed once the channel
# exists): how long a lone request waits for its block, and the most requests in one block.
: "${VECHE_BATCH_MAX_INTERVAL_MS:=50}"
: "${VECHE_BATCH_MAX_COUNT:=500}"

# Orderers: CityOrdererMSP, SmartBFT. Ports: listen (clients and cluster), admin, operations.
: "${VECHE_ORDERER_MSP:=CityOrdererMSP}"
: "${VECHE_ORDERER_DOMAIN:=orderer.city.veche}"
: "${VECHE_ORDERER1_HOST:=127.0.0.1}" "${VECHE_ORDERER1_PORT:=7050}" "${VECHE_ORDERER1_ADMIN_PORT:=7051}" "${VECHE_ORDERER1_OPS_PORT:=7052}"
: "${VECHE_ORDERER2_HOST:=127.0.0.1}" "${VECHE_ORDERER2_PORT:=7060}" "${VECHE_ORDERER2_ADMIN_PORT:=7061}" "${VECHE_ORDERER2_OPS_PORT:=7062}"
: "${VECHE_ORDERER3_HOST:=127.0.0.1}" "${VECHE_ORDERER3_PORT:=7070}" "${VECHE_ORDERER3_ADMIN_PORT:=7071}" "${VECHE_ORDERER3_OPS_PORT:=7072}"
: "${VECHE_ORDERER4_HOST:=127.0.0.1}" "${VECHE_ORDERER4_PORT:=7080}" "${VECHE_ORDERER4_ADMIN_PORT:=7081}" "${VECHE_ORDERER4_OPS_PORT:=7082}"

# Peer organisations: one peer each. Ports: listen, chaincode listener (opened by every peer
# even under CCaaS), operations, and the org's chaincode servers for veche and baseline.
: "${VECHE_ITDEPT_MSP:=ITDeptMSP}" "${VECHE_ITDEPT_DOMAIN:=itdept.city.veche}"
: "${VECHE_ITDEPT_HOST:=127.0.0.1}" "${VECHE_ITDEPT_PORT:=8050}" "${VECHE_ITDEPT_CC_PORT:=8051}" "${VECHE_ITDEPT_OPS_PORT:=8052}"
: "${VECHE_ITDEPT_VECHE_CCAAS_PORT:=8053}" "${VECHE_ITDEPT_BASELINE_CCAAS_PORT:=8054}"

: "${VECHE_CIVIC_MSP:=CivicChamberMSP}" "${VECHE_CIVIC_DOMAIN:=civicchamber.city.veche}"
: "${VECHE_CIVIC_HOST:=127.0.0.1}" "${VECHE_CIVIC_PORT:=8060}" "${VECHE_CIVIC_CC_PORT:=8061}" "${VECHE_CIVIC_OPS_PORT:=8062}"
: "${VECHE_CIVIC_VECHE_CCAAS_PORT:=8063}" "${VECHE_CIVIC_BASELINE_CCAAS_PORT:=8064}"

: "${VECHE_REGULATOR_MSP:=RegulatorMSP}" "${VECHE_REGULATOR_DOMAIN:=regulator.city.veche}"
: "${VECHE_REGULATOR_HOST:=127.0.0.1}" "${VECHE_REGULATOR_PORT:=8070}" "${VECHE_REGULATOR_CC_PORT:=8071}" "${VECHE_REGULATOR_OPS_PORT:=8072}"
: "${VECHE_REGULATOR_VECHE_CCAAS_PORT:=8073}" "${VECHE_REGULATOR_BASELINE_CCAAS_PORT:=8074}"

# Services of the gateway issue.
: "${PORT:=3000}" "${IDP_PORT:=3001}" "${REDIS_URL:=redis://127.0.0.1:6379}"

export VECHE_CHANNEL VECHE_CHAINCODE VECHE_BASELINE_CHAINCODE
