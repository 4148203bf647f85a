// GENERATED FILE, do not edit by hand. Made by scripts/gen-error-codes.mjs from
// org/apache/kafka/common/protocol/Errors.java and the exception classes in the
// sources jar of org.apache.kafka:kafka-clients:4.1.1 (Maven Central).
// Regenerate: npm run gen:errors    Verify: node scripts/gen-error-codes.mjs --check
// Descriptions are our own, kept in error-messages.ts and installed with
// useErrorDescriptions (error-descriptions.ts); this table holds names and flags only.

import { errorDescription } from "./error-descriptions.js";

/** Kafka 4.1.1 errors: 135 codes, highest 133, 32 retriable. */
export const KAFKA_ERRORS_VERSION = "4.1.1";

/** Every error name a Kafka 4.1.1 broker can send, as Errors.java spells it. */
export type KafkaErrorName =
  | "UNKNOWN_SERVER_ERROR"
  | "NONE"
  | "OFFSET_OUT_OF_RANGE"
  | "CORRUPT_MESSAGE"
  | "UNKNOWN_TOPIC_OR_PARTITION"
  | "INVALID_FETCH_SIZE"
  | "LEADER_NOT_AVAILABLE"
  | "NOT_LEADER_OR_FOLLOWER"
  | "REQUEST_TIMED_OUT"
  | "BROKER_NOT_AVAILABLE"
  | "REPLICA_NOT_AVAILABLE"
  | "MESSAGE_TOO_LARGE"
  | "STALE_CONTROLLER_EPOCH"
  | "OFFSET_METADATA_TOO_LARGE"
  | "NETWORK_EXCEPTION"
  | "COORDINATOR_LOAD_IN_PROGRESS"
  | "COORDINATOR_NOT_AVAILABLE"
  | "NOT_COORDINATOR"
  | "INVALID_TOPIC_EXCEPTION"
  | "RECORD_LIST_TOO_LARGE"
  | "NOT_ENOUGH_REPLICAS"
  | "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
  | "INVALID_REQUIRED_ACKS"
  | "ILLEGAL_GENERATION"
  | "INCONSISTENT_GROUP_PROTOCOL"
  | "INVALID_GROUP_ID"
  | "UNKNOWN_MEMBER_ID"
  | "INVALID_SESSION_TIMEOUT"
  | "REBALANCE_IN_PROGRESS"
  | "INVALID_COMMIT_OFFSET_SIZE"
  | "TOPIC_AUTHORIZATION_FAILED"
  | "GROUP_AUTHORIZATION_FAILED"
  | "CLUSTER_AUTHORIZATION_FAILED"
  | "INVALID_TIMESTAMP"
  | "UNSUPPORTED_SASL_MECHANISM"
  | "ILLEGAL_SASL_STATE"
  | "UNSUPPORTED_VERSION"
  | "TOPIC_ALREADY_EXISTS"
  | "INVALID_PARTITIONS"
  | "INVALID_REPLICATION_FACTOR"
  | "INVALID_REPLICA_ASSIGNMENT"
  | "INVALID_CONFIG"
  | "NOT_CONTROLLER"
  | "INVALID_REQUEST"
  | "UNSUPPORTED_FOR_MESSAGE_FORMAT"
  | "POLICY_VIOLATION"
  | "OUT_OF_ORDER_SEQUENCE_NUMBER"
  | "DUPLICATE_SEQUENCE_NUMBER"
  | "INVALID_PRODUCER_EPOCH"
  | "INVALID_TXN_STATE"
  | "INVALID_PRODUCER_ID_MAPPING"
  | "INVALID_TRANSACTION_TIMEOUT"
  | "CONCURRENT_TRANSACTIONS"
  | "TRANSACTION_COORDINATOR_FENCED"
  | "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"
  | "SECURITY_DISABLED"
  | "OPERATION_NOT_ATTEMPTED"
  | "KAFKA_STORAGE_ERROR"
  | "LOG_DIR_NOT_FOUND"
  | "SASL_AUTHENTICATION_FAILED"
  | "UNKNOWN_PRODUCER_ID"
  | "REASSIGNMENT_IN_PROGRESS"
  | "DELEGATION_TOKEN_AUTH_DISABLED"
  | "DELEGATION_TOKEN_NOT_FOUND"
  | "DELEGATION_TOKEN_OWNER_MISMATCH"
  | "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED"
  | "DELEGATION_TOKEN_AUTHORIZATION_FAILED"
  | "DELEGATION_TOKEN_EXPIRED"
  | "INVALID_PRINCIPAL_TYPE"
  | "NON_EMPTY_GROUP"
  | "GROUP_ID_NOT_FOUND"
  | "FETCH_SESSION_ID_NOT_FOUND"
  | "INVALID_FETCH_SESSION_EPOCH"
  | "LISTENER_NOT_FOUND"
  | "TOPIC_DELETION_DISABLED"
  | "FENCED_LEADER_EPOCH"
  | "UNKNOWN_LEADER_EPOCH"
  | "UNSUPPORTED_COMPRESSION_TYPE"
  | "STALE_BROKER_EPOCH"
  | "OFFSET_NOT_AVAILABLE"
  | "MEMBER_ID_REQUIRED"
  | "PREFERRED_LEADER_NOT_AVAILABLE"
  | "GROUP_MAX_SIZE_REACHED"
  | "FENCED_INSTANCE_ID"
  | "ELIGIBLE_LEADERS_NOT_AVAILABLE"
  | "ELECTION_NOT_NEEDED"
  | "NO_REASSIGNMENT_IN_PROGRESS"
  | "GROUP_SUBSCRIBED_TO_TOPIC"
  | "INVALID_RECORD"
  | "UNSTABLE_OFFSET_COMMIT"
  | "THROTTLING_QUOTA_EXCEEDED"
  | "PRODUCER_FENCED"
  | "RESOURCE_NOT_FOUND"
  | "DUPLICATE_RESOURCE"
  | "UNACCEPTABLE_CREDENTIAL"
  | "INCONSISTENT_VOTER_SET"
  | "INVALID_UPDATE_VERSION"
  | "FEATURE_UPDATE_FAILED"
  | "PRINCIPAL_DESERIALIZATION_FAILURE"
  | "SNAPSHOT_NOT_FOUND"
  | "POSITION_OUT_OF_RANGE"
  | "UNKNOWN_TOPIC_ID"
  | "DUPLICATE_BROKER_REGISTRATION"
  | "BROKER_ID_NOT_REGISTERED"
  | "INCONSISTENT_TOPIC_ID"
  | "INCONSISTENT_CLUSTER_ID"
  | "TRANSACTIONAL_ID_NOT_FOUND"
  | "FETCH_SESSION_TOPIC_ID_ERROR"
  | "INELIGIBLE_REPLICA"
  | "NEW_LEADER_ELECTED"
  | "OFFSET_MOVED_TO_TIERED_STORAGE"
  | "FENCED_MEMBER_EPOCH"
  | "UNRELEASED_INSTANCE_ID"
  | "UNSUPPORTED_ASSIGNOR"
  | "STALE_MEMBER_EPOCH"
  | "MISMATCHED_ENDPOINT_TYPE"
  | "UNSUPPORTED_ENDPOINT_TYPE"
  | "UNKNOWN_CONTROLLER_ID"
  | "UNKNOWN_SUBSCRIPTION_ID"
  | "TELEMETRY_TOO_LARGE"
  | "INVALID_REGISTRATION"
  | "TRANSACTION_ABORTABLE"
  | "INVALID_RECORD_STATE"
  | "SHARE_SESSION_NOT_FOUND"
  | "INVALID_SHARE_SESSION_EPOCH"
  | "FENCED_STATE_EPOCH"
  | "INVALID_VOTER_KEY"
  | "DUPLICATE_VOTER"
  | "VOTER_NOT_FOUND"
  | "INVALID_REGULAR_EXPRESSION"
  | "REBOOTSTRAP_REQUIRED"
  | "STREAMS_INVALID_TOPOLOGY"
  | "STREAMS_INVALID_TOPOLOGY_EPOCH"
  | "STREAMS_TOPOLOGY_FENCED"
  | "SHARE_SESSION_LIMIT_REACHED";

/** One row of the table. */
export interface KafkaErrorInfo {
  /** The int16 error code on the wire. */
  readonly code: number;
  /** Kafka's name for the code, used as our error `code` string. */
  readonly name: KafkaErrorName;
  /**
   * True when Kafka's exception for this code is a RetriableException: the same request may
   * succeed if sent again (usually after a metadata refresh or a backoff).
   */
  readonly retriable: boolean;
  /**
   * What the code means to a producer user: our sentence once installed with
   * useErrorDescriptions(errorMessages), else the name, number and where Kafka explains it.
   */
  readonly message: string;
}

/** A row with its code, name and flag as literal types. */
export interface KafkaErrorRow<C extends number, N extends KafkaErrorName, R extends boolean>
  extends KafkaErrorInfo {
  readonly code: C;
  readonly name: N;
  readonly retriable: R;
}

/** The type of `kafkaErrors`: every row keyed by its code. */
export interface KafkaErrorTable {
  readonly "-1": KafkaErrorRow<-1, "UNKNOWN_SERVER_ERROR", false>;
  readonly 0: KafkaErrorRow<0, "NONE", false>;
  readonly 1: KafkaErrorRow<1, "OFFSET_OUT_OF_RANGE", false>;
  readonly 2: KafkaErrorRow<2, "CORRUPT_MESSAGE", true>;
  readonly 3: KafkaErrorRow<3, "UNKNOWN_TOPIC_OR_PARTITION", true>;
  readonly 4: KafkaErrorRow<4, "INVALID_FETCH_SIZE", false>;
  readonly 5: KafkaErrorRow<5, "LEADER_NOT_AVAILABLE", true>;
  readonly 6: KafkaErrorRow<6, "NOT_LEADER_OR_FOLLOWER", true>;
  readonly 7: KafkaErrorRow<7, "REQUEST_TIMED_OUT", true>;
  readonly 8: KafkaErrorRow<8, "BROKER_NOT_AVAILABLE", false>;
  readonly 9: KafkaErrorRow<9, "REPLICA_NOT_AVAILABLE", true>;
  readonly 10: KafkaErrorRow<10, "MESSAGE_TOO_LARGE", false>;
  readonly 11: KafkaErrorRow<11, "STALE_CONTROLLER_EPOCH", false>;
  readonly 12: KafkaErrorRow<12, "OFFSET_METADATA_TOO_LARGE", false>;
  readonly 13: KafkaErrorRow<13, "NETWORK_EXCEPTION", true>;
  readonly 14: KafkaErrorRow<14, "COORDINATOR_LOAD_IN_PROGRESS", true>;
  readonly 15: KafkaErrorRow<15, "COORDINATOR_NOT_AVAILABLE", true>;
  readonly 16: KafkaErrorRow<16, "NOT_COORDINATOR", true>;
  readonly 17: KafkaErrorRow<17, "INVALID_TOPIC_EXCEPTION", false>;
  readonly 18: KafkaErrorRow<18, "RECORD_LIST_TOO_LARGE", false>;
  readonly 19: KafkaErrorRow<19, "NOT_ENOUGH_REPLICAS", true>;
  readonly 20: KafkaErrorRow<20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true>;
  readonly 21: KafkaErrorRow<21, "INVALID_REQUIRED_ACKS", false>;
  readonly 22: KafkaErrorRow<22, "ILLEGAL_GENERATION", false>;
  readonly 23: KafkaErrorRow<23, "INCONSISTENT_GROUP_PROTOCOL", false>;
  readonly 24: KafkaErrorRow<24, "INVALID_GROUP_ID", false>;
  readonly 25: KafkaErrorRow<25, "UNKNOWN_MEMBER_ID", false>;
  readonly 26: KafkaErrorRow<26, "INVALID_SESSION_TIMEOUT", false>;
  readonly 27: KafkaErrorRow<27, "REBALANCE_IN_PROGRESS", false>;
  readonly 28: KafkaErrorRow<28, "INVALID_COMMIT_OFFSET_SIZE", false>;
  readonly 29: KafkaErrorRow<29, "TOPIC_AUTHORIZATION_FAILED", false>;
  readonly 30: KafkaErrorRow<30, "GROUP_AUTHORIZATION_FAILED", false>;
  readonly 31: KafkaErrorRow<31, "CLUSTER_AUTHORIZATION_FAILED", false>;
  readonly 32: KafkaErrorRow<32, "INVALID_TIMESTAMP", false>;
  readonly 33: KafkaErrorRow<33, "UNSUPPORTED_SASL_MECHANISM", false>;
  readonly 34: KafkaErrorRow<34, "ILLEGAL_SASL_STATE", false>;
  readonly 35: KafkaErrorRow<35, "UNSUPPORTED_VERSION", false>;
  readonly 36: KafkaErrorRow<36, "TOPIC_ALREADY_EXISTS", false>;
  readonly 37: KafkaErrorRow<37, "INVALID_PARTITIONS", false>;
  readonly 38: KafkaErrorRow<38, "INVALID_REPLICATION_FACTOR", false>;
  readonly 39: KafkaErrorRow<39, "INVALID_REPLICA_ASSIGNMENT", false>;
  readonly 40: KafkaErrorRow<40, "INVALID_CONFIG", false>;
  readonly 41: KafkaErrorRow<41, "NOT_CONTROLLER", true>;
  readonly 42: KafkaErrorRow<42, "INVALID_REQUEST", false>;
  readonly 43: KafkaErrorRow<43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false>;
  readonly 44: KafkaErrorRow<44, "POLICY_VIOLATION", false>;
  readonly 45: KafkaErrorRow<45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false>;
  readonly 46: KafkaErrorRow<46, "DUPLICATE_SEQUENCE_NUMBER", false>;
  readonly 47: KafkaErrorRow<47, "INVALID_PRODUCER_EPOCH", false>;
  readonly 48: KafkaErrorRow<48, "INVALID_TXN_STATE", false>;
  readonly 49: KafkaErrorRow<49, "INVALID_PRODUCER_ID_MAPPING", false>;
  readonly 50: KafkaErrorRow<50, "INVALID_TRANSACTION_TIMEOUT", false>;
  readonly 51: KafkaErrorRow<51, "CONCURRENT_TRANSACTIONS", true>;
  readonly 52: KafkaErrorRow<52, "TRANSACTION_COORDINATOR_FENCED", false>;
  readonly 53: KafkaErrorRow<53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false>;
  readonly 54: KafkaErrorRow<54, "SECURITY_DISABLED", false>;
  readonly 55: KafkaErrorRow<55, "OPERATION_NOT_ATTEMPTED", false>;
  readonly 56: KafkaErrorRow<56, "KAFKA_STORAGE_ERROR", true>;
  readonly 57: KafkaErrorRow<57, "LOG_DIR_NOT_FOUND", false>;
  readonly 58: KafkaErrorRow<58, "SASL_AUTHENTICATION_FAILED", false>;
  readonly 59: KafkaErrorRow<59, "UNKNOWN_PRODUCER_ID", false>;
  readonly 60: KafkaErrorRow<60, "REASSIGNMENT_IN_PROGRESS", false>;
  readonly 61: KafkaErrorRow<61, "DELEGATION_TOKEN_AUTH_DISABLED", false>;
  readonly 62: KafkaErrorRow<62, "DELEGATION_TOKEN_NOT_FOUND", false>;
  readonly 63: KafkaErrorRow<63, "DELEGATION_TOKEN_OWNER_MISMATCH", false>;
  readonly 64: KafkaErrorRow<64, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false>;
  readonly 65: KafkaErrorRow<65, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false>;
  readonly 66: KafkaErrorRow<66, "DELEGATION_TOKEN_EXPIRED", false>;
  readonly 67: KafkaErrorRow<67, "INVALID_PRINCIPAL_TYPE", false>;
  readonly 68: KafkaErrorRow<68, "NON_EMPTY_GROUP", false>;
  readonly 69: KafkaErrorRow<69, "GROUP_ID_NOT_FOUND", false>;
  readonly 70: KafkaErrorRow<70, "FETCH_SESSION_ID_NOT_FOUND", true>;
  readonly 71: KafkaErrorRow<71, "INVALID_FETCH_SESSION_EPOCH", true>;
  readonly 72: KafkaErrorRow<72, "LISTENER_NOT_FOUND", true>;
  readonly 73: KafkaErrorRow<73, "TOPIC_DELETION_DISABLED", false>;
  readonly 74: KafkaErrorRow<74, "FENCED_LEADER_EPOCH", true>;
  readonly 75: KafkaErrorRow<75, "UNKNOWN_LEADER_EPOCH", true>;
  readonly 76: KafkaErrorRow<76, "UNSUPPORTED_COMPRESSION_TYPE", false>;
  readonly 77: KafkaErrorRow<77, "STALE_BROKER_EPOCH", false>;
  readonly 78: KafkaErrorRow<78, "OFFSET_NOT_AVAILABLE", true>;
  readonly 79: KafkaErrorRow<79, "MEMBER_ID_REQUIRED", false>;
  readonly 80: KafkaErrorRow<80, "PREFERRED_LEADER_NOT_AVAILABLE", true>;
  readonly 81: KafkaErrorRow<81, "GROUP_MAX_SIZE_REACHED", false>;
  readonly 82: KafkaErrorRow<82, "FENCED_INSTANCE_ID", false>;
  readonly 83: KafkaErrorRow<83, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true>;
  readonly 84: KafkaErrorRow<84, "ELECTION_NOT_NEEDED", true>;
  readonly 85: KafkaErrorRow<85, "NO_REASSIGNMENT_IN_PROGRESS", false>;
  readonly 86: KafkaErrorRow<86, "GROUP_SUBSCRIBED_TO_TOPIC", false>;
  readonly 87: KafkaErrorRow<87, "INVALID_RECORD", false>;
  readonly 88: KafkaErrorRow<88, "UNSTABLE_OFFSET_COMMIT", true>;
  readonly 89: KafkaErrorRow<89, "THROTTLING_QUOTA_EXCEEDED", true>;
  readonly 90: KafkaErrorRow<90, "PRODUCER_FENCED", false>;
  readonly 91: KafkaErrorRow<91, "RESOURCE_NOT_FOUND", false>;
  readonly 92: KafkaErrorRow<92, "DUPLICATE_RESOURCE", false>;
  readonly 93: KafkaErrorRow<93, "UNACCEPTABLE_CREDENTIAL", false>;
  readonly 94: KafkaErrorRow<94, "INCONSISTENT_VOTER_SET", false>;
  readonly 95: KafkaErrorRow<95, "INVALID_UPDATE_VERSION", false>;
  readonly 96: KafkaErrorRow<96, "FEATURE_UPDATE_FAILED", false>;
  readonly 97: KafkaErrorRow<97, "PRINCIPAL_DESERIALIZATION_FAILURE", false>;
  readonly 98: KafkaErrorRow<98, "SNAPSHOT_NOT_FOUND", false>;
  readonly 99: KafkaErrorRow<99, "POSITION_OUT_OF_RANGE", false>;
  readonly 100: KafkaErrorRow<100, "UNKNOWN_TOPIC_ID", true>;
  readonly 101: KafkaErrorRow<101, "DUPLICATE_BROKER_REGISTRATION", false>;
  readonly 102: KafkaErrorRow<102, "BROKER_ID_NOT_REGISTERED", false>;
  readonly 103: KafkaErrorRow<103, "INCONSISTENT_TOPIC_ID", true>;
  readonly 104: KafkaErrorRow<104, "INCONSISTENT_CLUSTER_ID", false>;
  readonly 105: KafkaErrorRow<105, "TRANSACTIONAL_ID_NOT_FOUND", false>;
  readonly 106: KafkaErrorRow<106, "FETCH_SESSION_TOPIC_ID_ERROR", true>;
  readonly 107: KafkaErrorRow<107, "INELIGIBLE_REPLICA", false>;
  readonly 108: KafkaErrorRow<108, "NEW_LEADER_ELECTED", false>;
  readonly 109: KafkaErrorRow<109, "OFFSET_MOVED_TO_TIERED_STORAGE", false>;
  readonly 110: KafkaErrorRow<110, "FENCED_MEMBER_EPOCH", false>;
  readonly 111: KafkaErrorRow<111, "UNRELEASED_INSTANCE_ID", false>;
  readonly 112: KafkaErrorRow<112, "UNSUPPORTED_ASSIGNOR", false>;
  readonly 113: KafkaErrorRow<113, "STALE_MEMBER_EPOCH", false>;
  readonly 114: KafkaErrorRow<114, "MISMATCHED_ENDPOINT_TYPE", false>;
  readonly 115: KafkaErrorRow<115, "UNSUPPORTED_ENDPOINT_TYPE", false>;
  readonly 116: KafkaErrorRow<116, "UNKNOWN_CONTROLLER_ID", false>;
  readonly 117: KafkaErrorRow<117, "UNKNOWN_SUBSCRIPTION_ID", false>;
  readonly 118: KafkaErrorRow<118, "TELEMETRY_TOO_LARGE", false>;
  readonly 119: KafkaErrorRow<119, "INVALID_REGISTRATION", false>;
  readonly 120: KafkaErrorRow<120, "TRANSACTION_ABORTABLE", false>;
  readonly 121: KafkaErrorRow<121, "INVALID_RECORD_STATE", false>;
  readonly 122: KafkaErrorRow<122, "SHARE_SESSION_NOT_FOUND", true>;
  readonly 123: KafkaErrorRow<123, "INVALID_SHARE_SESSION_EPOCH", true>;
  readonly 124: KafkaErrorRow<124, "FENCED_STATE_EPOCH", false>;
  readonly 125: KafkaErrorRow<125, "INVALID_VOTER_KEY", false>;
  readonly 126: KafkaErrorRow<126, "DUPLICATE_VOTER", false>;
  readonly 127: KafkaErrorRow<127, "VOTER_NOT_FOUND", false>;
  readonly 128: KafkaErrorRow<128, "INVALID_REGULAR_EXPRESSION", false>;
  readonly 129: KafkaErrorRow<129, "REBOOTSTRAP_REQUIRED", false>;
  readonly 130: KafkaErrorRow<130, "STREAMS_INVALID_TOPOLOGY", false>;
  readonly 131: KafkaErrorRow<131, "STREAMS_INVALID_TOPOLOGY_EPOCH", false>;
  readonly 132: KafkaErrorRow<132, "STREAMS_TOPOLOGY_FENCED", false>;
  readonly 133: KafkaErrorRow<133, "SHARE_SESSION_LIMIT_REACHED", true>;
}

/** The lowest code; NAMES holds one name per code from here up, "" for an unused code. */
const FIRST_CODE = -1;

/**
 * The names, space-separated, in code order. The comment above each gives its code and the
 * Java exception with its ancestors; a code is retriable exactly when RetriableException is
 * among them.
 */
const NAMES =
  // -1: UnknownServerException < ApiException
  "UNKNOWN_SERVER_ERROR " +
  // 0: no exception: success
  "NONE " +
  // 1: OffsetOutOfRangeException < InvalidOffsetException < ApiException
  "OFFSET_OUT_OF_RANGE " +
  // 2, retriable: CorruptRecordException < RetriableException
  "CORRUPT_MESSAGE " +
  // 3, retriable: UnknownTopicOrPartitionException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "UNKNOWN_TOPIC_OR_PARTITION " +
  // 4: InvalidFetchSizeException < ApiException
  "INVALID_FETCH_SIZE " +
  // 5, retriable: LeaderNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "LEADER_NOT_AVAILABLE " +
  // 6, retriable: NotLeaderOrFollowerException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "NOT_LEADER_OR_FOLLOWER " +
  // 7, retriable: TimeoutException < RetriableException
  "REQUEST_TIMED_OUT " +
  // 8: BrokerNotAvailableException < ApiException
  "BROKER_NOT_AVAILABLE " +
  // 9, retriable: ReplicaNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "REPLICA_NOT_AVAILABLE " +
  // 10: RecordTooLargeException < ApiException
  "MESSAGE_TOO_LARGE " +
  // 11: ControllerMovedException < ApiException
  "STALE_CONTROLLER_EPOCH " +
  // 12: OffsetMetadataTooLarge < ApiException
  "OFFSET_METADATA_TOO_LARGE " +
  // 13, retriable: NetworkException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "NETWORK_EXCEPTION " +
  // 14, retriable: CoordinatorLoadInProgressException < RetriableException
  "COORDINATOR_LOAD_IN_PROGRESS " +
  // 15, retriable: CoordinatorNotAvailableException < RefreshRetriableException < RetriableException
  "COORDINATOR_NOT_AVAILABLE " +
  // 16, retriable: NotCoordinatorException < RefreshRetriableException < RetriableException
  "NOT_COORDINATOR " +
  // 17: InvalidTopicException < InvalidConfigurationException < ApiException
  "INVALID_TOPIC_EXCEPTION " +
  // 18: RecordBatchTooLargeException < InvalidConfigurationException < ApiException
  "RECORD_LIST_TOO_LARGE " +
  // 19, retriable: NotEnoughReplicasException < RetriableException
  "NOT_ENOUGH_REPLICAS " +
  // 20, retriable: NotEnoughReplicasAfterAppendException < RetriableException
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND " +
  // 21: InvalidRequiredAcksException < InvalidConfigurationException < ApiException
  "INVALID_REQUIRED_ACKS " +
  // 22: IllegalGenerationException < ApplicationRecoverableException < ApiException
  "ILLEGAL_GENERATION " +
  // 23: InconsistentGroupProtocolException < ApiException
  "INCONSISTENT_GROUP_PROTOCOL " +
  // 24: InvalidGroupIdException < ApiException
  "INVALID_GROUP_ID " +
  // 25: UnknownMemberIdException < ApplicationRecoverableException < ApiException
  "UNKNOWN_MEMBER_ID " +
  // 26: InvalidSessionTimeoutException < ApiException
  "INVALID_SESSION_TIMEOUT " +
  // 27: RebalanceInProgressException < ApiException
  "REBALANCE_IN_PROGRESS " +
  // 28: InvalidCommitOffsetSizeException < ApiException
  "INVALID_COMMIT_OFFSET_SIZE " +
  // 29: TopicAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  "TOPIC_AUTHORIZATION_FAILED " +
  // 30: GroupAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  "GROUP_AUTHORIZATION_FAILED " +
  // 31: ClusterAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  "CLUSTER_AUTHORIZATION_FAILED " +
  // 32: InvalidTimestampException < ApiException
  "INVALID_TIMESTAMP " +
  // 33: UnsupportedSaslMechanismException < AuthenticationException < InvalidConfigurationException < ApiException
  "UNSUPPORTED_SASL_MECHANISM " +
  // 34: IllegalSaslStateException < AuthenticationException < InvalidConfigurationException < ApiException
  "ILLEGAL_SASL_STATE " +
  // 35: UnsupportedVersionException < InvalidConfigurationException < ApiException
  "UNSUPPORTED_VERSION " +
  // 36: TopicExistsException < ApiException
  "TOPIC_ALREADY_EXISTS " +
  // 37: InvalidPartitionsException < ApiException
  "INVALID_PARTITIONS " +
  // 38: InvalidReplicationFactorException < InvalidConfigurationException < ApiException
  "INVALID_REPLICATION_FACTOR " +
  // 39: InvalidReplicaAssignmentException < ApiException
  "INVALID_REPLICA_ASSIGNMENT " +
  // 40: InvalidConfigurationException < ApiException
  "INVALID_CONFIG " +
  // 41, retriable: NotControllerException < RetriableException
  "NOT_CONTROLLER " +
  // 42: InvalidRequestException < ApiException
  "INVALID_REQUEST " +
  // 43: UnsupportedForMessageFormatException < InvalidConfigurationException < ApiException
  "UNSUPPORTED_FOR_MESSAGE_FORMAT " +
  // 44: PolicyViolationException < ApiException
  "POLICY_VIOLATION " +
  // 45: OutOfOrderSequenceException < ApiException
  "OUT_OF_ORDER_SEQUENCE_NUMBER " +
  // 46: DuplicateSequenceException < ApiException
  "DUPLICATE_SEQUENCE_NUMBER " +
  // 47: InvalidProducerEpochException < ApplicationRecoverableException < ApiException
  "INVALID_PRODUCER_EPOCH " +
  // 48: InvalidTxnStateException < ApiException
  "INVALID_TXN_STATE " +
  // 49: InvalidPidMappingException < ApplicationRecoverableException < ApiException
  "INVALID_PRODUCER_ID_MAPPING " +
  // 50: InvalidTxnTimeoutException < ApiException
  "INVALID_TRANSACTION_TIMEOUT " +
  // 51, retriable: ConcurrentTransactionsException < RetriableException
  "CONCURRENT_TRANSACTIONS " +
  // 52: TransactionCoordinatorFencedException < ApiException
  "TRANSACTION_COORDINATOR_FENCED " +
  // 53: TransactionalIdAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED " +
  // 54: SecurityDisabledException < ApiException
  "SECURITY_DISABLED " +
  // 55: OperationNotAttemptedException < ApiException
  "OPERATION_NOT_ATTEMPTED " +
  // 56, retriable: KafkaStorageException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "KAFKA_STORAGE_ERROR " +
  // 57: LogDirNotFoundException < ApiException
  "LOG_DIR_NOT_FOUND " +
  // 58: SaslAuthenticationException < AuthenticationException < InvalidConfigurationException < ApiException
  "SASL_AUTHENTICATION_FAILED " +
  // 59: UnknownProducerIdException < OutOfOrderSequenceException < ApiException
  "UNKNOWN_PRODUCER_ID " +
  // 60: ReassignmentInProgressException < ApiException
  "REASSIGNMENT_IN_PROGRESS " +
  // 61: DelegationTokenDisabledException < ApiException
  "DELEGATION_TOKEN_AUTH_DISABLED " +
  // 62: DelegationTokenNotFoundException < ApiException
  "DELEGATION_TOKEN_NOT_FOUND " +
  // 63: DelegationTokenOwnerMismatchException < ApiException
  "DELEGATION_TOKEN_OWNER_MISMATCH " +
  // 64: UnsupportedByAuthenticationException < ApiException
  "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED " +
  // 65: DelegationTokenAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  "DELEGATION_TOKEN_AUTHORIZATION_FAILED " +
  // 66: DelegationTokenExpiredException < ApiException
  "DELEGATION_TOKEN_EXPIRED " +
  // 67: InvalidPrincipalTypeException < ApiException
  "INVALID_PRINCIPAL_TYPE " +
  // 68: GroupNotEmptyException < ApiException
  "NON_EMPTY_GROUP " +
  // 69: GroupIdNotFoundException < ApiException
  "GROUP_ID_NOT_FOUND " +
  // 70, retriable: FetchSessionIdNotFoundException < RetriableException
  "FETCH_SESSION_ID_NOT_FOUND " +
  // 71, retriable: InvalidFetchSessionEpochException < RetriableException
  "INVALID_FETCH_SESSION_EPOCH " +
  // 72, retriable: ListenerNotFoundException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "LISTENER_NOT_FOUND " +
  // 73: TopicDeletionDisabledException < ApiException
  "TOPIC_DELETION_DISABLED " +
  // 74, retriable: FencedLeaderEpochException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "FENCED_LEADER_EPOCH " +
  // 75, retriable: UnknownLeaderEpochException < RetriableException
  "UNKNOWN_LEADER_EPOCH " +
  // 76: UnsupportedCompressionTypeException < ApiException
  "UNSUPPORTED_COMPRESSION_TYPE " +
  // 77: StaleBrokerEpochException < ApiException
  "STALE_BROKER_EPOCH " +
  // 78, retriable: OffsetNotAvailableException < RetriableException
  "OFFSET_NOT_AVAILABLE " +
  // 79: MemberIdRequiredException < ApiException
  "MEMBER_ID_REQUIRED " +
  // 80, retriable: PreferredLeaderNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "PREFERRED_LEADER_NOT_AVAILABLE " +
  // 81: GroupMaxSizeReachedException < ApiException
  "GROUP_MAX_SIZE_REACHED " +
  // 82: FencedInstanceIdException < ApplicationRecoverableException < ApiException
  "FENCED_INSTANCE_ID " +
  // 83, retriable: EligibleLeadersNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "ELIGIBLE_LEADERS_NOT_AVAILABLE " +
  // 84, retriable: ElectionNotNeededException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "ELECTION_NOT_NEEDED " +
  // 85: NoReassignmentInProgressException < ApiException
  "NO_REASSIGNMENT_IN_PROGRESS " +
  // 86: GroupSubscribedToTopicException < ApiException
  "GROUP_SUBSCRIBED_TO_TOPIC " +
  // 87: InvalidRecordException < InvalidConfigurationException < ApiException
  "INVALID_RECORD " +
  // 88, retriable: UnstableOffsetCommitException < RetriableException
  "UNSTABLE_OFFSET_COMMIT " +
  // 89, retriable: ThrottlingQuotaExceededException < RetriableException
  "THROTTLING_QUOTA_EXCEEDED " +
  // 90: ProducerFencedException < ApplicationRecoverableException < ApiException
  "PRODUCER_FENCED " +
  // 91: ResourceNotFoundException < ApiException
  "RESOURCE_NOT_FOUND " +
  // 92: DuplicateResourceException < ApiException
  "DUPLICATE_RESOURCE " +
  // 93: UnacceptableCredentialException < ApiException
  "UNACCEPTABLE_CREDENTIAL " +
  // 94: InconsistentVoterSetException < ApiException
  "INCONSISTENT_VOTER_SET " +
  // 95: InvalidUpdateVersionException < ApiException
  "INVALID_UPDATE_VERSION " +
  // 96: FeatureUpdateFailedException < ApiException
  "FEATURE_UPDATE_FAILED " +
  // 97: PrincipalDeserializationException < ApiException
  "PRINCIPAL_DESERIALIZATION_FAILURE " +
  // 98: SnapshotNotFoundException < ApiException
  "SNAPSHOT_NOT_FOUND " +
  // 99: PositionOutOfRangeException < ApiException
  "POSITION_OUT_OF_RANGE " +
  // 100, retriable: UnknownTopicIdException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "UNKNOWN_TOPIC_ID " +
  // 101: DuplicateBrokerRegistrationException < ApiException
  "DUPLICATE_BROKER_REGISTRATION " +
  // 102: BrokerIdNotRegisteredException < ApiException
  "BROKER_ID_NOT_REGISTERED " +
  // 103, retriable: InconsistentTopicIdException < InvalidMetadataException < RefreshRetriableException < RetriableException
  "INCONSISTENT_TOPIC_ID " +
  // 104: InconsistentClusterIdException < ApiException
  "INCONSISTENT_CLUSTER_ID " +
  // 105: TransactionalIdNotFoundException < ApiException
  "TRANSACTIONAL_ID_NOT_FOUND " +
  // 106, retriable: FetchSessionTopicIdException < RetriableException
  "FETCH_SESSION_TOPIC_ID_ERROR " +
  // 107: IneligibleReplicaException < ApiException
  "INELIGIBLE_REPLICA " +
  // 108: NewLeaderElectedException < ApiException
  "NEW_LEADER_ELECTED " +
  // 109: OffsetMovedToTieredStorageException < ApiException
  "OFFSET_MOVED_TO_TIERED_STORAGE " +
  // 110: FencedMemberEpochException < ApiException
  "FENCED_MEMBER_EPOCH " +
  // 111: UnreleasedInstanceIdException < ApiException
  "UNRELEASED_INSTANCE_ID " +
  // 112: UnsupportedAssignorException < ApiException
  "UNSUPPORTED_ASSIGNOR " +
  // 113: StaleMemberEpochException < ApiException
  "STALE_MEMBER_EPOCH " +
  // 114: MismatchedEndpointTypeException < ApiException
  "MISMATCHED_ENDPOINT_TYPE " +
  // 115: UnsupportedEndpointTypeException < ApiException
  "UNSUPPORTED_ENDPOINT_TYPE " +
  // 116: UnknownControllerIdException < ApiException
  "UNKNOWN_CONTROLLER_ID " +
  // 117: UnknownSubscriptionIdException < ApiException
  "UNKNOWN_SUBSCRIPTION_ID " +
  // 118: TelemetryTooLargeException < ApiException
  "TELEMETRY_TOO_LARGE " +
  // 119: InvalidRegistrationException < ApiException
  "INVALID_REGISTRATION " +
  // 120: TransactionAbortableException < ApiException
  "TRANSACTION_ABORTABLE " +
  // 121: InvalidRecordStateException < ApiException
  "INVALID_RECORD_STATE " +
  // 122, retriable: ShareSessionNotFoundException < RetriableException
  "SHARE_SESSION_NOT_FOUND " +
  // 123, retriable: InvalidShareSessionEpochException < RetriableException
  "INVALID_SHARE_SESSION_EPOCH " +
  // 124: FencedStateEpochException < ApiException
  "FENCED_STATE_EPOCH " +
  // 125: InvalidVoterKeyException < ApiException
  "INVALID_VOTER_KEY " +
  // 126: DuplicateVoterException < ApiException
  "DUPLICATE_VOTER " +
  // 127: VoterNotFoundException < ApiException
  "VOTER_NOT_FOUND " +
  // 128: InvalidRegularExpression < ApiException
  "INVALID_REGULAR_EXPRESSION " +
  // 129: RebootstrapRequiredException < ApiException
  "REBOOTSTRAP_REQUIRED " +
  // 130: StreamsInvalidTopologyException < ApiException
  "STREAMS_INVALID_TOPOLOGY " +
  // 131: StreamsInvalidTopologyEpochException < ApiException
  "STREAMS_INVALID_TOPOLOGY_EPOCH " +
  // 132: StreamsTopologyFencedException < ApiException
  "STREAMS_TOPOLOGY_FENCED " +
  // 133, retriable: ShareSessionLimitReachedException < RetriableException
  "SHARE_SESSION_LIMIT_REACHED";

/** The codes whose exception is a RetriableException. */
const RETRIABLE: readonly number[] = [
  2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89,
  100, 103, 106, 122, 123, 133,
];

/** A plain row; `message` is an own getter: it follows useErrorDescriptions and shows in JSON. */
function row(code: number, name: KafkaErrorName): KafkaErrorInfo {
  return {
    code,
    name,
    retriable: RETRIABLE.includes(code),
    get message() {
      return errorDescription(code, name);
    },
  };
}

/** The rows indexed by code - FIRST_CODE, undefined for unused codes; made on first use. */
let rows: (KafkaErrorInfo | undefined)[] | undefined;

function table(): (KafkaErrorInfo | undefined)[] {
  rows ??= NAMES.split(" ").map((name, i) =>
    name === "" ? undefined : row(i + FIRST_CODE, name as KafkaErrorName),
  );
  return rows;
}

/** Kafka error codes keyed by their numeric code. */
export const kafkaErrors: KafkaErrorTable = /* @__PURE__ */ (() =>
  Object.fromEntries(
    table()
      .filter((row) => row !== undefined)
      .map((row) => [row.code, row]),
  ) as unknown as KafkaErrorTable)();

/** The table row for a numeric error code, or undefined when Kafka 4.1.1 has no such code. */
export function errorByCode(code: number): KafkaErrorInfo | undefined {
  // Like a Map lookup: only a number that is a code finds a row (not "6", 1.5 or NaN).
  return Number.isInteger(code) ? table()[code - FIRST_CODE] : undefined;
}

/** The table row for an error name such as "NOT_LEADER_OR_FOLLOWER", or undefined. */
export function errorByName(name: KafkaErrorName): KafkaErrorInfo;
export function errorByName(name: string): KafkaErrorInfo | undefined;
export function errorByName(name: string): KafkaErrorInfo | undefined {
  return table().find((row) => row?.name === name);
}
