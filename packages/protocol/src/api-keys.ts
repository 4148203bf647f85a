/**
 * Kafka API keys: the ones Tributary speaks as the `ApiKey` object, and every key Kafka 4.1.1
 * defines (KAFKA_APIS) so the gateway can name a request it refuses and read any request header.
 *
 * KAFKA_APIS mirrors Kafka's `ApiKeys` enum (clients/src/main/java/org/apache/kafka/common/
 * protocol/ApiKeys.java at 4.1.1); test/api-keys.test.ts checks it row by row against
 * test/fixtures/messages/api-keys.json, which MessageFixtures.java writes from that enum.
 */

/** The APIs this client speaks. */
export const ApiKey = {
  Produce: 0,
  Metadata: 3,
  SaslHandshake: 17,
  ApiVersions: 18,
  InitProducerId: 22,
  SaslAuthenticate: 36,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The versions this client sends, per API: what a connection negotiates against a broker's
 * ApiVersions answer. The codecs may read more (InitProducerId v6 is unstable in 4.1.1 and a
 * broker only offers it with unstable APIs enabled, so we do not ask for it).
 */
export const CLIENT_VERSIONS: { readonly [K in ApiKey]: VersionRange } = {
  // v0-v2 were removed in Kafka 4.0 (KIP-896). v13 names topics by id (KIP-516).
  [ApiKey.Produce]: { min: 3, max: 13 },
  // v0 means "all topics" for an empty list and is not worth the special case.
  [ApiKey.Metadata]: { min: 1, max: 13 },
  [ApiKey.SaslHandshake]: { min: 0, max: 1 },
  [ApiKey.ApiVersions]: { min: 0, max: 4 },
  [ApiKey.InitProducerId]: { min: 0, max: 5 },
  [ApiKey.SaslAuthenticate]: { min: 0, max: 2 },
};

/** One API as Kafka 4.1.1 defines it. */
export interface KafkaApi {
  readonly apiKey: number;
  readonly name: string;
  /**
   * Versions a 4.1.1 broker or controller understands; null for keys that have no versions left
   * (the ZooKeeper-era inter-broker APIs removed in 4.0 keep their number and name).
   */
  readonly versions: VersionRange | null;
  /** Highest version that is not marked unstable (null if every version is unstable). */
  readonly latestStableVersion: number | null;
  /** First version with flexible (tagged-field) bodies and request header v2; null if none. */
  readonly firstFlexibleVersion: number | null;
}

/**
 * Every API's name, space-separated, by key from 0 as ApiKeys.java orders them: what apiName
 * reads, so that naming a key (in a version error) does not need the version table below.
 */
const API_NAMES =
  "Produce Fetch ListOffsets Metadata LeaderAndIsr StopReplica UpdateMetadata " +
  "ControlledShutdown OffsetCommit OffsetFetch FindCoordinator JoinGroup Heartbeat " +
  "LeaveGroup SyncGroup DescribeGroups ListGroups SaslHandshake ApiVersions CreateTopics " +
  "DeleteTopics DeleteRecords InitProducerId OffsetForLeaderEpoch AddPartitionsToTxn " +
  "AddOffsetsToTxn EndTxn WriteTxnMarkers TxnOffsetCommit DescribeAcls CreateAcls DeleteAcls " +
  "DescribeConfigs AlterConfigs AlterReplicaLogDirs DescribeLogDirs SaslAuthenticate " +
  "CreatePartitions CreateDelegationToken RenewDelegationToken ExpireDelegationToken " +
  "DescribeDelegationToken DeleteGroups ElectLeaders IncrementalAlterConfigs " +
  "AlterPartitionReassignments ListPartitionReassignments OffsetDelete DescribeClientQuotas " +
  "AlterClientQuotas DescribeUserScramCredentials AlterUserScramCredentials Vote " +
  "BeginQuorumEpoch EndQuorumEpoch DescribeQuorum AlterPartition UpdateFeatures Envelope " +
  "FetchSnapshot DescribeCluster DescribeProducers BrokerRegistration BrokerHeartbeat " +
  "UnregisterBroker DescribeTransactions ListTransactions AllocateProducerIds " +
  "ConsumerGroupHeartbeat ConsumerGroupDescribe ControllerRegistration " +
  "GetTelemetrySubscriptions PushTelemetry AssignReplicasToDirs ListConfigResources " +
  "DescribeTopicPartitions ShareGroupHeartbeat ShareGroupDescribe ShareFetch " +
  "ShareAcknowledge AddRaftVoter RemoveRaftVoter UpdateRaftVoter InitializeShareGroupState " +
  "ReadShareGroupState WriteShareGroupState DeleteShareGroupState ReadShareGroupStateSummary " +
  "StreamsGroupHeartbeat StreamsGroupDescribe DescribeShareGroupOffsets " +
  "AlterShareGroupOffsets DeleteShareGroupOffsets";

type Row = [number, number | null, number | null, number | null, number | null];

// apiKey, oldest version, latest stable version, latest version, first flexible version
const ROWS: readonly Row[] = [
  [0, 3, 13, 13, 9], // Produce
  [1, 4, 18, 18, 12], // Fetch
  [2, 1, 10, 10, 6], // ListOffsets
  [3, 0, 13, 13, 9], // Metadata
  [4, null, null, null, null], // LeaderAndIsr
  [5, null, null, null, null], // StopReplica
  [6, null, null, null, null], // UpdateMetadata
  [7, null, null, null, null], // ControlledShutdown
  [8, 2, 9, 10, 8], // OffsetCommit
  [9, 1, 9, 10, 6], // OffsetFetch
  [10, 0, 6, 6, 3], // FindCoordinator
  [11, 0, 9, 9, 6], // JoinGroup
  [12, 0, 4, 4, 4], // Heartbeat
  [13, 0, 5, 5, 4], // LeaveGroup
  [14, 0, 5, 5, 4], // SyncGroup
  [15, 0, 6, 6, 5], // DescribeGroups
  [16, 0, 5, 5, 3], // ListGroups
  [17, 0, 1, 1, null], // SaslHandshake
  [18, 0, 4, 4, 3], // ApiVersions
  [19, 2, 7, 7, 5], // CreateTopics
  [20, 1, 6, 6, 4], // DeleteTopics
  [21, 0, 2, 2, 2], // DeleteRecords
  [22, 0, 5, 6, 2], // InitProducerId
  [23, 2, 4, 4, 4], // OffsetForLeaderEpoch
  [24, 0, 5, 5, 3], // AddPartitionsToTxn
  [25, 0, 4, 4, 3], // AddOffsetsToTxn
  [26, 0, 5, 5, 3], // EndTxn
  [27, 1, 1, 1, 1], // WriteTxnMarkers
  [28, 0, 5, 5, 3], // TxnOffsetCommit
  [29, 1, 3, 3, 2], // DescribeAcls
  [30, 1, 3, 3, 2], // CreateAcls
  [31, 1, 3, 3, 2], // DeleteAcls
  [32, 1, 4, 4, 4], // DescribeConfigs
  [33, 0, 2, 2, 2], // AlterConfigs
  [34, 1, 2, 2, 2], // AlterReplicaLogDirs
  [35, 1, 4, 4, 2], // DescribeLogDirs
  [36, 0, 2, 2, 2], // SaslAuthenticate
  [37, 0, 3, 3, 2], // CreatePartitions
  [38, 1, 3, 3, 2], // CreateDelegationToken
  [39, 1, 2, 2, 2], // RenewDelegationToken
  [40, 1, 2, 2, 2], // ExpireDelegationToken
  [41, 1, 3, 3, 2], // DescribeDelegationToken
  [42, 0, 2, 2, 2], // DeleteGroups
  [43, 0, 2, 2, 2], // ElectLeaders
  [44, 0, 1, 1, 1], // IncrementalAlterConfigs
  [45, 0, 1, 1, 0], // AlterPartitionReassignments
  [46, 0, 0, 0, 0], // ListPartitionReassignments
  [47, 0, 0, 0, null], // OffsetDelete
  [48, 0, 1, 1, 1], // DescribeClientQuotas
  [49, 0, 1, 1, 1], // AlterClientQuotas
  [50, 0, 0, 0, 0], // DescribeUserScramCredentials
  [51, 0, 0, 0, 0], // AlterUserScramCredentials
  [52, 0, 2, 2, 0], // Vote
  [53, 0, 1, 1, 1], // BeginQuorumEpoch
  [54, 0, 1, 1, 1], // EndQuorumEpoch
  [55, 0, 2, 2, 0], // DescribeQuorum
  [56, 2, 3, 3, 2], // AlterPartition
  [57, 0, 2, 2, 0], // UpdateFeatures
  [58, 0, 0, 0, 0], // Envelope
  [59, 0, 1, 1, 0], // FetchSnapshot
  [60, 0, 2, 2, 0], // DescribeCluster
  [61, 0, 0, 0, 0], // DescribeProducers
  [62, 0, 4, 4, 0], // BrokerRegistration
  [63, 0, 1, 1, 0], // BrokerHeartbeat
  [64, 0, 0, 0, 0], // UnregisterBroker
  [65, 0, 0, 0, 0], // DescribeTransactions
  [66, 0, 2, 2, 0], // ListTransactions
  [67, 0, 0, 0, 0], // AllocateProducerIds
  [68, 0, 1, 1, 0], // ConsumerGroupHeartbeat
  [69, 0, 1, 1, 0], // ConsumerGroupDescribe
  [70, 0, 0, 0, 0], // ControllerRegistration
  [71, 0, 0, 0, 0], // GetTelemetrySubscriptions
  [72, 0, 0, 0, 0], // PushTelemetry
  [73, 0, 0, 0, 0], // AssignReplicasToDirs
  [74, 0, 1, 1, 0], // ListConfigResources
  [75, 0, 0, 0, 0], // DescribeTopicPartitions
  [76, 1, 1, 1, 1], // ShareGroupHeartbeat
  [77, 1, 1, 1, 1], // ShareGroupDescribe
  [78, 1, 1, 1, 1], // ShareFetch
  [79, 1, 1, 1, 1], // ShareAcknowledge
  [80, 0, 0, 0, 0], // AddRaftVoter
  [81, 0, 0, 0, 0], // RemoveRaftVoter
  [82, 0, 0, 0, 0], // UpdateRaftVoter
  [83, 0, 0, 0, 0], // InitializeShareGroupState
  [84, 0, 0, 0, 0], // ReadShareGroupState
  [85, 0, 0, 0, 0], // WriteShareGroupState
  [86, 0, 0, 0, 0], // DeleteShareGroupState
  [87, 0, 0, 0, 0], // ReadShareGroupStateSummary
  [88, 0, null, 0, 0], // StreamsGroupHeartbeat
  [89, 0, null, 0, 0], // StreamsGroupDescribe
  [90, 0, 0, 0, 0], // DescribeShareGroupOffsets
  [91, 0, 0, 0, 0], // AlterShareGroupOffsets
  [92, 0, 0, 0, 0], // DeleteShareGroupOffsets
];

/** Every API key Kafka 4.1.1 defines, by number. Built only if something reads it. */
export const KAFKA_APIS: ReadonlyMap<number, KafkaApi> = /* @__PURE__ */ (() => {
  const names = API_NAMES.split(" ");
  return new Map(
    ROWS.map(([apiKey, oldest, stable, latest, firstFlexible]) => [
      apiKey,
      {
        apiKey,
        name: names[apiKey] ?? "",
        versions: oldest === null || latest === null ? null : { min: oldest, max: latest },
        latestStableVersion: stable,
        firstFlexibleVersion: firstFlexible,
      },
    ]),
  );
})();

let apiNames: readonly string[] | undefined;

/** The API's name ("Produce"), or "ApiKey(<n>)" for a key Kafka 4.1.1 does not define. */
export function apiName(apiKey: number): string {
  apiNames ??= API_NAMES.split(" ");
  // Like a Map lookup: only a number that is a key finds a name (not "0", 1.5 or NaN).
  return (Number.isInteger(apiKey) ? apiNames[apiKey] : undefined) ?? `ApiKey(${apiKey})`;
}
