// GENERATED FILE, do not edit by hand. Made by scripts/gen-error-codes.mjs from
// org/apache/kafka/common/protocol/Errors.java and the exception classes in the
// sources jar of org.apache.kafka:kafka-clients:4.1.1 (Maven Central).
// Regenerate: npm run gen:errors    Verify: node scripts/gen-error-codes.mjs --check
// Messages are our own, kept in error-messages.ts; edit them there, not here.

import { errorMessages } from "./error-messages.js";

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
  /** What the code means to a producer user, in our words. */
  readonly message: string;
}

/**
 * Kafka error codes keyed by their numeric code. Each row's comment shows the Java exception
 * and its ancestors; `retriable` is true exactly when RetriableException is among them.
 */
export const kafkaErrors = {
  // UnknownServerException < ApiException
  "-1": {
    code: -1,
    name: "UNKNOWN_SERVER_ERROR",
    retriable: false,
    message: errorMessages.UNKNOWN_SERVER_ERROR,
  },
  // no exception: success
  0: { code: 0, name: "NONE", retriable: false, message: errorMessages.NONE },
  // OffsetOutOfRangeException < InvalidOffsetException < ApiException
  1: {
    code: 1,
    name: "OFFSET_OUT_OF_RANGE",
    retriable: false,
    message: errorMessages.OFFSET_OUT_OF_RANGE,
  },
  // CorruptRecordException < RetriableException
  2: { code: 2, name: "CORRUPT_MESSAGE", retriable: true, message: errorMessages.CORRUPT_MESSAGE },
  // UnknownTopicOrPartitionException < InvalidMetadataException < RefreshRetriableException < RetriableException
  3: {
    code: 3,
    name: "UNKNOWN_TOPIC_OR_PARTITION",
    retriable: true,
    message: errorMessages.UNKNOWN_TOPIC_OR_PARTITION,
  },
  // InvalidFetchSizeException < ApiException
  4: {
    code: 4,
    name: "INVALID_FETCH_SIZE",
    retriable: false,
    message: errorMessages.INVALID_FETCH_SIZE,
  },
  // LeaderNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  5: {
    code: 5,
    name: "LEADER_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.LEADER_NOT_AVAILABLE,
  },
  // NotLeaderOrFollowerException < InvalidMetadataException < RefreshRetriableException < RetriableException
  6: {
    code: 6,
    name: "NOT_LEADER_OR_FOLLOWER",
    retriable: true,
    message: errorMessages.NOT_LEADER_OR_FOLLOWER,
  },
  // TimeoutException < RetriableException
  7: {
    code: 7,
    name: "REQUEST_TIMED_OUT",
    retriable: true,
    message: errorMessages.REQUEST_TIMED_OUT,
  },
  // BrokerNotAvailableException < ApiException
  8: {
    code: 8,
    name: "BROKER_NOT_AVAILABLE",
    retriable: false,
    message: errorMessages.BROKER_NOT_AVAILABLE,
  },
  // ReplicaNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  9: {
    code: 9,
    name: "REPLICA_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.REPLICA_NOT_AVAILABLE,
  },
  // RecordTooLargeException < ApiException
  10: {
    code: 10,
    name: "MESSAGE_TOO_LARGE",
    retriable: false,
    message: errorMessages.MESSAGE_TOO_LARGE,
  },
  // ControllerMovedException < ApiException
  11: {
    code: 11,
    name: "STALE_CONTROLLER_EPOCH",
    retriable: false,
    message: errorMessages.STALE_CONTROLLER_EPOCH,
  },
  // OffsetMetadataTooLarge < ApiException
  12: {
    code: 12,
    name: "OFFSET_METADATA_TOO_LARGE",
    retriable: false,
    message: errorMessages.OFFSET_METADATA_TOO_LARGE,
  },
  // NetworkException < InvalidMetadataException < RefreshRetriableException < RetriableException
  13: {
    code: 13,
    name: "NETWORK_EXCEPTION",
    retriable: true,
    message: errorMessages.NETWORK_EXCEPTION,
  },
  // CoordinatorLoadInProgressException < RetriableException
  14: {
    code: 14,
    name: "COORDINATOR_LOAD_IN_PROGRESS",
    retriable: true,
    message: errorMessages.COORDINATOR_LOAD_IN_PROGRESS,
  },
  // CoordinatorNotAvailableException < RefreshRetriableException < RetriableException
  15: {
    code: 15,
    name: "COORDINATOR_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.COORDINATOR_NOT_AVAILABLE,
  },
  // NotCoordinatorException < RefreshRetriableException < RetriableException
  16: {
    code: 16,
    name: "NOT_COORDINATOR",
    retriable: true,
    message: errorMessages.NOT_COORDINATOR,
  },
  // InvalidTopicException < InvalidConfigurationException < ApiException
  17: {
    code: 17,
    name: "INVALID_TOPIC_EXCEPTION",
    retriable: false,
    message: errorMessages.INVALID_TOPIC_EXCEPTION,
  },
  // RecordBatchTooLargeException < InvalidConfigurationException < ApiException
  18: {
    code: 18,
    name: "RECORD_LIST_TOO_LARGE",
    retriable: false,
    message: errorMessages.RECORD_LIST_TOO_LARGE,
  },
  // NotEnoughReplicasException < RetriableException
  19: {
    code: 19,
    name: "NOT_ENOUGH_REPLICAS",
    retriable: true,
    message: errorMessages.NOT_ENOUGH_REPLICAS,
  },
  // NotEnoughReplicasAfterAppendException < RetriableException
  20: {
    code: 20,
    name: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    retriable: true,
    message: errorMessages.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  },
  // InvalidRequiredAcksException < InvalidConfigurationException < ApiException
  21: {
    code: 21,
    name: "INVALID_REQUIRED_ACKS",
    retriable: false,
    message: errorMessages.INVALID_REQUIRED_ACKS,
  },
  // IllegalGenerationException < ApplicationRecoverableException < ApiException
  22: {
    code: 22,
    name: "ILLEGAL_GENERATION",
    retriable: false,
    message: errorMessages.ILLEGAL_GENERATION,
  },
  // InconsistentGroupProtocolException < ApiException
  23: {
    code: 23,
    name: "INCONSISTENT_GROUP_PROTOCOL",
    retriable: false,
    message: errorMessages.INCONSISTENT_GROUP_PROTOCOL,
  },
  // InvalidGroupIdException < ApiException
  24: {
    code: 24,
    name: "INVALID_GROUP_ID",
    retriable: false,
    message: errorMessages.INVALID_GROUP_ID,
  },
  // UnknownMemberIdException < ApplicationRecoverableException < ApiException
  25: {
    code: 25,
    name: "UNKNOWN_MEMBER_ID",
    retriable: false,
    message: errorMessages.UNKNOWN_MEMBER_ID,
  },
  // InvalidSessionTimeoutException < ApiException
  26: {
    code: 26,
    name: "INVALID_SESSION_TIMEOUT",
    retriable: false,
    message: errorMessages.INVALID_SESSION_TIMEOUT,
  },
  // RebalanceInProgressException < ApiException
  27: {
    code: 27,
    name: "REBALANCE_IN_PROGRESS",
    retriable: false,
    message: errorMessages.REBALANCE_IN_PROGRESS,
  },
  // InvalidCommitOffsetSizeException < ApiException
  28: {
    code: 28,
    name: "INVALID_COMMIT_OFFSET_SIZE",
    retriable: false,
    message: errorMessages.INVALID_COMMIT_OFFSET_SIZE,
  },
  // TopicAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  29: {
    code: 29,
    name: "TOPIC_AUTHORIZATION_FAILED",
    retriable: false,
    message: errorMessages.TOPIC_AUTHORIZATION_FAILED,
  },
  // GroupAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  30: {
    code: 30,
    name: "GROUP_AUTHORIZATION_FAILED",
    retriable: false,
    message: errorMessages.GROUP_AUTHORIZATION_FAILED,
  },
  // ClusterAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  31: {
    code: 31,
    name: "CLUSTER_AUTHORIZATION_FAILED",
    retriable: false,
    message: errorMessages.CLUSTER_AUTHORIZATION_FAILED,
  },
  // InvalidTimestampException < ApiException
  32: {
    code: 32,
    name: "INVALID_TIMESTAMP",
    retriable: false,
    message: errorMessages.INVALID_TIMESTAMP,
  },
  // UnsupportedSaslMechanismException < AuthenticationException < InvalidConfigurationException < ApiException
  33: {
    code: 33,
    name: "UNSUPPORTED_SASL_MECHANISM",
    retriable: false,
    message: errorMessages.UNSUPPORTED_SASL_MECHANISM,
  },
  // IllegalSaslStateException < AuthenticationException < InvalidConfigurationException < ApiException
  34: {
    code: 34,
    name: "ILLEGAL_SASL_STATE",
    retriable: false,
    message: errorMessages.ILLEGAL_SASL_STATE,
  },
  // UnsupportedVersionException < InvalidConfigurationException < ApiException
  35: {
    code: 35,
    name: "UNSUPPORTED_VERSION",
    retriable: false,
    message: errorMessages.UNSUPPORTED_VERSION,
  },
  // TopicExistsException < ApiException
  36: {
    code: 36,
    name: "TOPIC_ALREADY_EXISTS",
    retriable: false,
    message: errorMessages.TOPIC_ALREADY_EXISTS,
  },
  // InvalidPartitionsException < ApiException
  37: {
    code: 37,
    name: "INVALID_PARTITIONS",
    retriable: false,
    message: errorMessages.INVALID_PARTITIONS,
  },
  // InvalidReplicationFactorException < InvalidConfigurationException < ApiException
  38: {
    code: 38,
    name: "INVALID_REPLICATION_FACTOR",
    retriable: false,
    message: errorMessages.INVALID_REPLICATION_FACTOR,
  },
  // InvalidReplicaAssignmentException < ApiException
  39: {
    code: 39,
    name: "INVALID_REPLICA_ASSIGNMENT",
    retriable: false,
    message: errorMessages.INVALID_REPLICA_ASSIGNMENT,
  },
  // InvalidConfigurationException < ApiException
  40: { code: 40, name: "INVALID_CONFIG", retriable: false, message: errorMessages.INVALID_CONFIG },
  // NotControllerException < RetriableException
  41: { code: 41, name: "NOT_CONTROLLER", retriable: true, message: errorMessages.NOT_CONTROLLER },
  // InvalidRequestException < ApiException
  42: {
    code: 42,
    name: "INVALID_REQUEST",
    retriable: false,
    message: errorMessages.INVALID_REQUEST,
  },
  // UnsupportedForMessageFormatException < InvalidConfigurationException < ApiException
  43: {
    code: 43,
    name: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
    retriable: false,
    message: errorMessages.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  },
  // PolicyViolationException < ApiException
  44: {
    code: 44,
    name: "POLICY_VIOLATION",
    retriable: false,
    message: errorMessages.POLICY_VIOLATION,
  },
  // OutOfOrderSequenceException < ApiException
  45: {
    code: 45,
    name: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    retriable: false,
    message: errorMessages.OUT_OF_ORDER_SEQUENCE_NUMBER,
  },
  // DuplicateSequenceException < ApiException
  46: {
    code: 46,
    name: "DUPLICATE_SEQUENCE_NUMBER",
    retriable: false,
    message: errorMessages.DUPLICATE_SEQUENCE_NUMBER,
  },
  // InvalidProducerEpochException < ApplicationRecoverableException < ApiException
  47: {
    code: 47,
    name: "INVALID_PRODUCER_EPOCH",
    retriable: false,
    message: errorMessages.INVALID_PRODUCER_EPOCH,
  },
  // InvalidTxnStateException < ApiException
  48: {
    code: 48,
    name: "INVALID_TXN_STATE",
    retriable: false,
    message: errorMessages.INVALID_TXN_STATE,
  },
  // InvalidPidMappingException < ApplicationRecoverableException < ApiException
  49: {
    code: 49,
    name: "INVALID_PRODUCER_ID_MAPPING",
    retriable: false,
    message: errorMessages.INVALID_PRODUCER_ID_MAPPING,
  },
  // InvalidTxnTimeoutException < ApiException
  50: {
    code: 50,
    name: "INVALID_TRANSACTION_TIMEOUT",
    retriable: false,
    message: errorMessages.INVALID_TRANSACTION_TIMEOUT,
  },
  // ConcurrentTransactionsException < RetriableException
  51: {
    code: 51,
    name: "CONCURRENT_TRANSACTIONS",
    retriable: true,
    message: errorMessages.CONCURRENT_TRANSACTIONS,
  },
  // TransactionCoordinatorFencedException < ApiException
  52: {
    code: 52,
    name: "TRANSACTION_COORDINATOR_FENCED",
    retriable: false,
    message: errorMessages.TRANSACTION_COORDINATOR_FENCED,
  },
  // TransactionalIdAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  53: {
    code: 53,
    name: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    retriable: false,
    message: errorMessages.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  },
  // SecurityDisabledException < ApiException
  54: {
    code: 54,
    name: "SECURITY_DISABLED",
    retriable: false,
    message: errorMessages.SECURITY_DISABLED,
  },
  // OperationNotAttemptedException < ApiException
  55: {
    code: 55,
    name: "OPERATION_NOT_ATTEMPTED",
    retriable: false,
    message: errorMessages.OPERATION_NOT_ATTEMPTED,
  },
  // KafkaStorageException < InvalidMetadataException < RefreshRetriableException < RetriableException
  56: {
    code: 56,
    name: "KAFKA_STORAGE_ERROR",
    retriable: true,
    message: errorMessages.KAFKA_STORAGE_ERROR,
  },
  // LogDirNotFoundException < ApiException
  57: {
    code: 57,
    name: "LOG_DIR_NOT_FOUND",
    retriable: false,
    message: errorMessages.LOG_DIR_NOT_FOUND,
  },
  // SaslAuthenticationException < AuthenticationException < InvalidConfigurationException < ApiException
  58: {
    code: 58,
    name: "SASL_AUTHENTICATION_FAILED",
    retriable: false,
    message: errorMessages.SASL_AUTHENTICATION_FAILED,
  },
  // UnknownProducerIdException < OutOfOrderSequenceException < ApiException
  59: {
    code: 59,
    name: "UNKNOWN_PRODUCER_ID",
    retriable: false,
    message: errorMessages.UNKNOWN_PRODUCER_ID,
  },
  // ReassignmentInProgressException < ApiException
  60: {
    code: 60,
    name: "REASSIGNMENT_IN_PROGRESS",
    retriable: false,
    message: errorMessages.REASSIGNMENT_IN_PROGRESS,
  },
  // DelegationTokenDisabledException < ApiException
  61: {
    code: 61,
    name: "DELEGATION_TOKEN_AUTH_DISABLED",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_AUTH_DISABLED,
  },
  // DelegationTokenNotFoundException < ApiException
  62: {
    code: 62,
    name: "DELEGATION_TOKEN_NOT_FOUND",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_NOT_FOUND,
  },
  // DelegationTokenOwnerMismatchException < ApiException
  63: {
    code: 63,
    name: "DELEGATION_TOKEN_OWNER_MISMATCH",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_OWNER_MISMATCH,
  },
  // UnsupportedByAuthenticationException < ApiException
  64: {
    code: 64,
    name: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,
  },
  // DelegationTokenAuthorizationException < AuthorizationException < InvalidConfigurationException < ApiException
  65: {
    code: 65,
    name: "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_AUTHORIZATION_FAILED,
  },
  // DelegationTokenExpiredException < ApiException
  66: {
    code: 66,
    name: "DELEGATION_TOKEN_EXPIRED",
    retriable: false,
    message: errorMessages.DELEGATION_TOKEN_EXPIRED,
  },
  // InvalidPrincipalTypeException < ApiException
  67: {
    code: 67,
    name: "INVALID_PRINCIPAL_TYPE",
    retriable: false,
    message: errorMessages.INVALID_PRINCIPAL_TYPE,
  },
  // GroupNotEmptyException < ApiException
  68: {
    code: 68,
    name: "NON_EMPTY_GROUP",
    retriable: false,
    message: errorMessages.NON_EMPTY_GROUP,
  },
  // GroupIdNotFoundException < ApiException
  69: {
    code: 69,
    name: "GROUP_ID_NOT_FOUND",
    retriable: false,
    message: errorMessages.GROUP_ID_NOT_FOUND,
  },
  // FetchSessionIdNotFoundException < RetriableException
  70: {
    code: 70,
    name: "FETCH_SESSION_ID_NOT_FOUND",
    retriable: true,
    message: errorMessages.FETCH_SESSION_ID_NOT_FOUND,
  },
  // InvalidFetchSessionEpochException < RetriableException
  71: {
    code: 71,
    name: "INVALID_FETCH_SESSION_EPOCH",
    retriable: true,
    message: errorMessages.INVALID_FETCH_SESSION_EPOCH,
  },
  // ListenerNotFoundException < InvalidMetadataException < RefreshRetriableException < RetriableException
  72: {
    code: 72,
    name: "LISTENER_NOT_FOUND",
    retriable: true,
    message: errorMessages.LISTENER_NOT_FOUND,
  },
  // TopicDeletionDisabledException < ApiException
  73: {
    code: 73,
    name: "TOPIC_DELETION_DISABLED",
    retriable: false,
    message: errorMessages.TOPIC_DELETION_DISABLED,
  },
  // FencedLeaderEpochException < InvalidMetadataException < RefreshRetriableException < RetriableException
  74: {
    code: 74,
    name: "FENCED_LEADER_EPOCH",
    retriable: true,
    message: errorMessages.FENCED_LEADER_EPOCH,
  },
  // UnknownLeaderEpochException < RetriableException
  75: {
    code: 75,
    name: "UNKNOWN_LEADER_EPOCH",
    retriable: true,
    message: errorMessages.UNKNOWN_LEADER_EPOCH,
  },
  // UnsupportedCompressionTypeException < ApiException
  76: {
    code: 76,
    name: "UNSUPPORTED_COMPRESSION_TYPE",
    retriable: false,
    message: errorMessages.UNSUPPORTED_COMPRESSION_TYPE,
  },
  // StaleBrokerEpochException < ApiException
  77: {
    code: 77,
    name: "STALE_BROKER_EPOCH",
    retriable: false,
    message: errorMessages.STALE_BROKER_EPOCH,
  },
  // OffsetNotAvailableException < RetriableException
  78: {
    code: 78,
    name: "OFFSET_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.OFFSET_NOT_AVAILABLE,
  },
  // MemberIdRequiredException < ApiException
  79: {
    code: 79,
    name: "MEMBER_ID_REQUIRED",
    retriable: false,
    message: errorMessages.MEMBER_ID_REQUIRED,
  },
  // PreferredLeaderNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  80: {
    code: 80,
    name: "PREFERRED_LEADER_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.PREFERRED_LEADER_NOT_AVAILABLE,
  },
  // GroupMaxSizeReachedException < ApiException
  81: {
    code: 81,
    name: "GROUP_MAX_SIZE_REACHED",
    retriable: false,
    message: errorMessages.GROUP_MAX_SIZE_REACHED,
  },
  // FencedInstanceIdException < ApplicationRecoverableException < ApiException
  82: {
    code: 82,
    name: "FENCED_INSTANCE_ID",
    retriable: false,
    message: errorMessages.FENCED_INSTANCE_ID,
  },
  // EligibleLeadersNotAvailableException < InvalidMetadataException < RefreshRetriableException < RetriableException
  83: {
    code: 83,
    name: "ELIGIBLE_LEADERS_NOT_AVAILABLE",
    retriable: true,
    message: errorMessages.ELIGIBLE_LEADERS_NOT_AVAILABLE,
  },
  // ElectionNotNeededException < InvalidMetadataException < RefreshRetriableException < RetriableException
  84: {
    code: 84,
    name: "ELECTION_NOT_NEEDED",
    retriable: true,
    message: errorMessages.ELECTION_NOT_NEEDED,
  },
  // NoReassignmentInProgressException < ApiException
  85: {
    code: 85,
    name: "NO_REASSIGNMENT_IN_PROGRESS",
    retriable: false,
    message: errorMessages.NO_REASSIGNMENT_IN_PROGRESS,
  },
  // GroupSubscribedToTopicException < ApiException
  86: {
    code: 86,
    name: "GROUP_SUBSCRIBED_TO_TOPIC",
    retriable: false,
    message: errorMessages.GROUP_SUBSCRIBED_TO_TOPIC,
  },
  // InvalidRecordException < InvalidConfigurationException < ApiException
  87: { code: 87, name: "INVALID_RECORD", retriable: false, message: errorMessages.INVALID_RECORD },
  // UnstableOffsetCommitException < RetriableException
  88: {
    code: 88,
    name: "UNSTABLE_OFFSET_COMMIT",
    retriable: true,
    message: errorMessages.UNSTABLE_OFFSET_COMMIT,
  },
  // ThrottlingQuotaExceededException < RetriableException
  89: {
    code: 89,
    name: "THROTTLING_QUOTA_EXCEEDED",
    retriable: true,
    message: errorMessages.THROTTLING_QUOTA_EXCEEDED,
  },
  // ProducerFencedException < ApplicationRecoverableException < ApiException
  90: {
    code: 90,
    name: "PRODUCER_FENCED",
    retriable: false,
    message: errorMessages.PRODUCER_FENCED,
  },
  // ResourceNotFoundException < ApiException
  91: {
    code: 91,
    name: "RESOURCE_NOT_FOUND",
    retriable: false,
    message: errorMessages.RESOURCE_NOT_FOUND,
  },
  // DuplicateResourceException < ApiException
  92: {
    code: 92,
    name: "DUPLICATE_RESOURCE",
    retriable: false,
    message: errorMessages.DUPLICATE_RESOURCE,
  },
  // UnacceptableCredentialException < ApiException
  93: {
    code: 93,
    name: "UNACCEPTABLE_CREDENTIAL",
    retriable: false,
    message: errorMessages.UNACCEPTABLE_CREDENTIAL,
  },
  // InconsistentVoterSetException < ApiException
  94: {
    code: 94,
    name: "INCONSISTENT_VOTER_SET",
    retriable: false,
    message: errorMessages.INCONSISTENT_VOTER_SET,
  },
  // InvalidUpdateVersionException < ApiException
  95: {
    code: 95,
    name: "INVALID_UPDATE_VERSION",
    retriable: false,
    message: errorMessages.INVALID_UPDATE_VERSION,
  },
  // FeatureUpdateFailedException < ApiException
  96: {
    code: 96,
    name: "FEATURE_UPDATE_FAILED",
    retriable: false,
    message: errorMessages.FEATURE_UPDATE_FAILED,
  },
  // PrincipalDeserializationException < ApiException
  97: {
    code: 97,
    name: "PRINCIPAL_DESERIALIZATION_FAILURE",
    retriable: false,
    message: errorMessages.PRINCIPAL_DESERIALIZATION_FAILURE,
  },
  // SnapshotNotFoundException < ApiException
  98: {
    code: 98,
    name: "SNAPSHOT_NOT_FOUND",
    retriable: false,
    message: errorMessages.SNAPSHOT_NOT_FOUND,
  },
  // PositionOutOfRangeException < ApiException
  99: {
    code: 99,
    name: "POSITION_OUT_OF_RANGE",
    retriable: false,
    message: errorMessages.POSITION_OUT_OF_RANGE,
  },
  // UnknownTopicIdException < InvalidMetadataException < RefreshRetriableException < RetriableException
  100: {
    code: 100,
    name: "UNKNOWN_TOPIC_ID",
    retriable: true,
    message: errorMessages.UNKNOWN_TOPIC_ID,
  },
  // DuplicateBrokerRegistrationException < ApiException
  101: {
    code: 101,
    name: "DUPLICATE_BROKER_REGISTRATION",
    retriable: false,
    message: errorMessages.DUPLICATE_BROKER_REGISTRATION,
  },
  // BrokerIdNotRegisteredException < ApiException
  102: {
    code: 102,
    name: "BROKER_ID_NOT_REGISTERED",
    retriable: false,
    message: errorMessages.BROKER_ID_NOT_REGISTERED,
  },
  // InconsistentTopicIdException < InvalidMetadataException < RefreshRetriableException < RetriableException
  103: {
    code: 103,
    name: "INCONSISTENT_TOPIC_ID",
    retriable: true,
    message: errorMessages.INCONSISTENT_TOPIC_ID,
  },
  // InconsistentClusterIdException < ApiException
  104: {
    code: 104,
    name: "INCONSISTENT_CLUSTER_ID",
    retriable: false,
    message: errorMessages.INCONSISTENT_CLUSTER_ID,
  },
  // TransactionalIdNotFoundException < ApiException
  105: {
    code: 105,
    name: "TRANSACTIONAL_ID_NOT_FOUND",
    retriable: false,
    message: errorMessages.TRANSACTIONAL_ID_NOT_FOUND,
  },
  // FetchSessionTopicIdException < RetriableException
  106: {
    code: 106,
    name: "FETCH_SESSION_TOPIC_ID_ERROR",
    retriable: true,
    message: errorMessages.FETCH_SESSION_TOPIC_ID_ERROR,
  },
  // IneligibleReplicaException < ApiException
  107: {
    code: 107,
    name: "INELIGIBLE_REPLICA",
    retriable: false,
    message: errorMessages.INELIGIBLE_REPLICA,
  },
  // NewLeaderElectedException < ApiException
  108: {
    code: 108,
    name: "NEW_LEADER_ELECTED",
    retriable: false,
    message: errorMessages.NEW_LEADER_ELECTED,
  },
  // OffsetMovedToTieredStorageException < ApiException
  109: {
    code: 109,
    name: "OFFSET_MOVED_TO_TIERED_STORAGE",
    retriable: false,
    message: errorMessages.OFFSET_MOVED_TO_TIERED_STORAGE,
  },
  // FencedMemberEpochException < ApiException
  110: {
    code: 110,
    name: "FENCED_MEMBER_EPOCH",
    retriable: false,
    message: errorMessages.FENCED_MEMBER_EPOCH,
  },
  // UnreleasedInstanceIdException < ApiException
  111: {
    code: 111,
    name: "UNRELEASED_INSTANCE_ID",
    retriable: false,
    message: errorMessages.UNRELEASED_INSTANCE_ID,
  },
  // UnsupportedAssignorException < ApiException
  112: {
    code: 112,
    name: "UNSUPPORTED_ASSIGNOR",
    retriable: false,
    message: errorMessages.UNSUPPORTED_ASSIGNOR,
  },
  // StaleMemberEpochException < ApiException
  113: {
    code: 113,
    name: "STALE_MEMBER_EPOCH",
    retriable: false,
    message: errorMessages.STALE_MEMBER_EPOCH,
  },
  // MismatchedEndpointTypeException < ApiException
  114: {
    code: 114,
    name: "MISMATCHED_ENDPOINT_TYPE",
    retriable: false,
    message: errorMessages.MISMATCHED_ENDPOINT_TYPE,
  },
  // UnsupportedEndpointTypeException < ApiException
  115: {
    code: 115,
    name: "UNSUPPORTED_ENDPOINT_TYPE",
    retriable: false,
    message: errorMessages.UNSUPPORTED_ENDPOINT_TYPE,
  },
  // UnknownControllerIdException < ApiException
  116: {
    code: 116,
    name: "UNKNOWN_CONTROLLER_ID",
    retriable: false,
    message: errorMessages.UNKNOWN_CONTROLLER_ID,
  },
  // UnknownSubscriptionIdException < ApiException
  117: {
    code: 117,
    name: "UNKNOWN_SUBSCRIPTION_ID",
    retriable: false,
    message: errorMessages.UNKNOWN_SUBSCRIPTION_ID,
  },
  // TelemetryTooLargeException < ApiException
  118: {
    code: 118,
    name: "TELEMETRY_TOO_LARGE",
    retriable: false,
    message: errorMessages.TELEMETRY_TOO_LARGE,
  },
  // InvalidRegistrationException < ApiException
  119: {
    code: 119,
    name: "INVALID_REGISTRATION",
    retriable: false,
    message: errorMessages.INVALID_REGISTRATION,
  },
  // TransactionAbortableException < ApiException
  120: {
    code: 120,
    name: "TRANSACTION_ABORTABLE",
    retriable: false,
    message: errorMessages.TRANSACTION_ABORTABLE,
  },
  // InvalidRecordStateException < ApiException
  121: {
    code: 121,
    name: "INVALID_RECORD_STATE",
    retriable: false,
    message: errorMessages.INVALID_RECORD_STATE,
  },
  // ShareSessionNotFoundException < RetriableException
  122: {
    code: 122,
    name: "SHARE_SESSION_NOT_FOUND",
    retriable: true,
    message: errorMessages.SHARE_SESSION_NOT_FOUND,
  },
  // InvalidShareSessionEpochException < RetriableException
  123: {
    code: 123,
    name: "INVALID_SHARE_SESSION_EPOCH",
    retriable: true,
    message: errorMessages.INVALID_SHARE_SESSION_EPOCH,
  },
  // FencedStateEpochException < ApiException
  124: {
    code: 124,
    name: "FENCED_STATE_EPOCH",
    retriable: false,
    message: errorMessages.FENCED_STATE_EPOCH,
  },
  // InvalidVoterKeyException < ApiException
  125: {
    code: 125,
    name: "INVALID_VOTER_KEY",
    retriable: false,
    message: errorMessages.INVALID_VOTER_KEY,
  },
  // DuplicateVoterException < ApiException
  126: {
    code: 126,
    name: "DUPLICATE_VOTER",
    retriable: false,
    message: errorMessages.DUPLICATE_VOTER,
  },
  // VoterNotFoundException < ApiException
  127: {
    code: 127,
    name: "VOTER_NOT_FOUND",
    retriable: false,
    message: errorMessages.VOTER_NOT_FOUND,
  },
  // InvalidRegularExpression < ApiException
  128: {
    code: 128,
    name: "INVALID_REGULAR_EXPRESSION",
    retriable: false,
    message: errorMessages.INVALID_REGULAR_EXPRESSION,
  },
  // RebootstrapRequiredException < ApiException
  129: {
    code: 129,
    name: "REBOOTSTRAP_REQUIRED",
    retriable: false,
    message: errorMessages.REBOOTSTRAP_REQUIRED,
  },
  // StreamsInvalidTopologyException < ApiException
  130: {
    code: 130,
    name: "STREAMS_INVALID_TOPOLOGY",
    retriable: false,
    message: errorMessages.STREAMS_INVALID_TOPOLOGY,
  },
  // StreamsInvalidTopologyEpochException < ApiException
  131: {
    code: 131,
    name: "STREAMS_INVALID_TOPOLOGY_EPOCH",
    retriable: false,
    message: errorMessages.STREAMS_INVALID_TOPOLOGY_EPOCH,
  },
  // StreamsTopologyFencedException < ApiException
  132: {
    code: 132,
    name: "STREAMS_TOPOLOGY_FENCED",
    retriable: false,
    message: errorMessages.STREAMS_TOPOLOGY_FENCED,
  },
  // ShareSessionLimitReachedException < RetriableException
  133: {
    code: 133,
    name: "SHARE_SESSION_LIMIT_REACHED",
    retriable: true,
    message: errorMessages.SHARE_SESSION_LIMIT_REACHED,
  },
} as const satisfies Record<number, KafkaErrorInfo>;

const byCode = new Map<number, KafkaErrorInfo>();
const byName = new Map<string, KafkaErrorInfo>();
for (const info of Object.values(kafkaErrors) as KafkaErrorInfo[]) {
  byCode.set(info.code, info);
  byName.set(info.name, info);
}

/** The table row for a numeric error code, or undefined when Kafka 4.1.1 has no such code. */
export function errorByCode(code: number): KafkaErrorInfo | undefined {
  return byCode.get(code);
}

/** The table row for an error name such as "NOT_LEADER_OR_FOLLOWER", or undefined. */
export function errorByName(name: KafkaErrorName): KafkaErrorInfo;
export function errorByName(name: string): KafkaErrorInfo | undefined;
export function errorByName(name: string): KafkaErrorInfo | undefined {
  return byName.get(name);
}
