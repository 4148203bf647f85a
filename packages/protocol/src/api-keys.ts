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

type Row = [number, string, number | null, number | null, number | null, number | null];

// apiKey, name, oldest version, latest stable version, latest version, first flexible version
const ROWS: readonly Row[] = [
  [0, "Produce", 3, 13, 13, 9],
  [1, "Fetch", 4, 18, 18, 12],
  [2, "ListOffsets", 1, 10, 10, 6],
  [3, "Metadata", 0, 13, 13, 9],
  [4, "LeaderAndIsr", null, null, null, null],
  [5, "StopReplica", null, null, null, null],
  [6, "UpdateMetadata", null, null, null, null],
  [7, "ControlledShutdown", null, null, null, null],
  [8, "OffsetCommit", 2, 9, 10, 8],
  [9, "OffsetFetch", 1, 9, 10, 6],
  [10, "FindCoordinator", 0, 6, 6, 3],
  [11, "JoinGroup", 0, 9, 9, 6],
  [12, "Heartbeat", 0, 4, 4, 4],
  [13, "LeaveGroup", 0, 5, 5, 4],
  [14, "SyncGroup", 0, 5, 5, 4],
  [15, "DescribeGroups", 0, 6, 6, 5],
  [16, "ListGroups", 0, 5, 5, 3],
  [17, "SaslHandshake", 0, 1, 1, null],
  [18, "ApiVersions", 0, 4, 4, 3],
  [19, "CreateTopics", 2, 7, 7, 5],
  [20, "DeleteTopics", 1, 6, 6, 4],
  [21, "DeleteRecords", 0, 2, 2, 2],
  [22, "InitProducerId", 0, 5, 6, 2],
  [23, "OffsetForLeaderEpoch", 2, 4, 4, 4],
  [24, "AddPartitionsToTxn", 0, 5, 5, 3],
  [25, "AddOffsetsToTxn", 0, 4, 4, 3],
  [26, "EndTxn", 0, 5, 5, 3],
  [27, "WriteTxnMarkers", 1, 1, 1, 1],
  [28, "TxnOffsetCommit", 0, 5, 5, 3],
  [29, "DescribeAcls", 1, 3, 3, 2],
  [30, "CreateAcls", 1, 3, 3, 2],
  [31, "DeleteAcls", 1, 3, 3, 2],
  [32, "DescribeConfigs", 1, 4, 4, 4],
  [33, "AlterConfigs", 0, 2, 2, 2],
  [34, "AlterReplicaLogDirs", 1, 2, 2, 2],
  [35, "DescribeLogDirs", 1, 4, 4, 2],
  [36, "SaslAuthenticate", 0, 2, 2, 2],
  [37, "CreatePartitions", 0, 3, 3, 2],
  [38, "CreateDelegationToken", 1, 3, 3, 2],
  [39, "RenewDelegationToken", 1, 2, 2, 2],
  [40, "ExpireDelegationToken", 1, 2, 2, 2],
  [41, "DescribeDelegationToken", 1, 3, 3, 2],
  [42, "DeleteGroups", 0, 2, 2, 2],
  [43, "ElectLeaders", 0, 2, 2, 2],
  [44, "IncrementalAlterConfigs", 0, 1, 1, 1],
  [45, "AlterPartitionReassignments", 0, 1, 1, 0],
  [46, "ListPartitionReassignments", 0, 0, 0, 0],
  [47, "OffsetDelete", 0, 0, 0, null],
  [48, "DescribeClientQuotas", 0, 1, 1, 1],
  [49, "AlterClientQuotas", 0, 1, 1, 1],
  [50, "DescribeUserScramCredentials", 0, 0, 0, 0],
  [51, "AlterUserScramCredentials", 0, 0, 0, 0],
  [52, "Vote", 0, 2, 2, 0],
  [53, "BeginQuorumEpoch", 0, 1, 1, 1],
  [54, "EndQuorumEpoch", 0, 1, 1, 1],
  [55, "DescribeQuorum", 0, 2, 2, 0],
  [56, "AlterPartition", 2, 3, 3, 2],
  [57, "UpdateFeatures", 0, 2, 2, 0],
  [58, "Envelope", 0, 0, 0, 0],
  [59, "FetchSnapshot", 0, 1, 1, 0],
  [60, "DescribeCluster", 0, 2, 2, 0],
  [61, "DescribeProducers", 0, 0, 0, 0],
  [62, "BrokerRegistration", 0, 4, 4, 0],
  [63, "BrokerHeartbeat", 0, 1, 1, 0],
  [64, "UnregisterBroker", 0, 0, 0, 0],
  [65, "DescribeTransactions", 0, 0, 0, 0],
  [66, "ListTransactions", 0, 2, 2, 0],
  [67, "AllocateProducerIds", 0, 0, 0, 0],
  [68, "ConsumerGroupHeartbeat", 0, 1, 1, 0],
  [69, "ConsumerGroupDescribe", 0, 1, 1, 0],
  [70, "ControllerRegistration", 0, 0, 0, 0],
  [71, "GetTelemetrySubscriptions", 0, 0, 0, 0],
  [72, "PushTelemetry", 0, 0, 0, 0],
  [73, "AssignReplicasToDirs", 0, 0, 0, 0],
  [74, "ListConfigResources", 0, 1, 1, 0],
  [75, "DescribeTopicPartitions", 0, 0, 0, 0],
  [76, "ShareGroupHeartbeat", 1, 1, 1, 1],
  [77, "ShareGroupDescribe", 1, 1, 1, 1],
  [78, "ShareFetch", 1, 1, 1, 1],
  [79, "ShareAcknowledge", 1, 1, 1, 1],
  [80, "AddRaftVoter", 0, 0, 0, 0],
  [81, "RemoveRaftVoter", 0, 0, 0, 0],
  [82, "UpdateRaftVoter", 0, 0, 0, 0],
  [83, "InitializeShareGroupState", 0, 0, 0, 0],
  [84, "ReadShareGroupState", 0, 0, 0, 0],
  [85, "WriteShareGroupState", 0, 0, 0, 0],
  [86, "DeleteShareGroupState", 0, 0, 0, 0],
  [87, "ReadShareGroupStateSummary", 0, 0, 0, 0],
  [88, "StreamsGroupHeartbeat", 0, null, 0, 0],
  [89, "StreamsGroupDescribe", 0, null, 0, 0],
  [90, "DescribeShareGroupOffsets", 0, 0, 0, 0],
  [91, "AlterShareGroupOffsets", 0, 0, 0, 0],
  [92, "DeleteShareGroupOffsets", 0, 0, 0, 0],
];

/** Every API key Kafka 4.1.1 defines, by number. */
export const KAFKA_APIS: ReadonlyMap<number, KafkaApi> = new Map(
  ROWS.map(([apiKey, name, oldest, stable, latest, firstFlexible]) => [
    apiKey,
    {
      apiKey,
      name,
      versions: oldest === null || latest === null ? null : { min: oldest, max: latest },
      latestStableVersion: stable,
      firstFlexibleVersion: firstFlexible,
    },
  ]),
);

/** The API's name ("Produce"), or "ApiKey(<n>)" for a key Kafka 4.1.1 does not define. */
export function apiName(apiKey: number): string {
  return KAFKA_APIS.get(apiKey)?.name ?? `ApiKey(${apiKey})`;
}
